"""Every reference notebook runs top to bottom in a fresh kernel and reproduces its
stored outputs (nbval). Images are not compared by nbval: figures are checked by
the website tests (images load, alt text, colour-blind-safe colour maps)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from autograder import course


@pytest.mark.slow
@pytest.mark.parametrize("assignment", course.assignments())
def test_reference_notebook_reproduces_its_outputs(assignment):
    path = course.SOLUTIONS / assignment / f"{course.notebook_name(assignment)}.ipynb"
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider", "--nbval-cell-timeout=300",
         str(path.relative_to(course.REPO))],
        cwd=course.REPO, capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, f"nbval failed on {path.name}:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
