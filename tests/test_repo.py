"""Cheap checks of the repository itself: lint and pins. (The book build is checked in test_website.py.)"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_ruff_clean():
    result = subprocess.run([str(BIN / "ruff"), "check", "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:]


def test_every_requirement_is_pinned():
    lines = [
        line.strip() for line in (REPO / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    loose = [line for line in lines if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[^=\s]+", line)]
    assert not loose, f"unpinned requirements (nbval compares outputs, so versions must not drift): {loose}"
    assert "torch==2.13.0" in lines, "torch must stay pinned to the 2.13.0 CPU wheel"
    assert "jupyter-book==1.0.4.post1" in lines
    heavy = [line for line in lines if line.split("==")[0] in ("rfc3987-syntax", "lark")]
    assert not heavy, f"{heavy}: jsonschema would compile their grammar in every process (requirements.txt's header)"



def test_gitignore_hides_no_course_file():
    """.gitignore (which every check and `make release` honour, via autograder/gitfiles.py) matches no tracked file."""
    result = subprocess.run(["git", "ls-files", "--cached", "--ignored", "--exclude-standard"], cwd=REPO,
                            capture_output=True, text=True)
    if result.returncode != 0:
        import pytest

        pytest.skip(f"not a git checkout: {result.stderr.strip()}")
    assert not result.stdout.split(), f".gitignore matches committed files: {result.stdout.split()[:10]}"


def test_make_lab_and_the_lab_test_share_one_command_line():
    """`make lab` runs scripts/lab.sh, the script tests/test_lab.py starts (tests/jupyterlab.py): one command line."""
    recipe = re.search(r"^lab:.*\n((?:\t.*\n)+)", (REPO / "Makefile").read_text(), re.MULTILINE)
    assert recipe and recipe[1].strip() == "bash scripts/lab.sh", "the lab target must only run scripts/lab.sh"
    assert '"scripts" / "lab.sh"' in (REPO / "tests" / "jupyterlab.py").read_text()
    assert "jupyter_server_config.py" in (REPO / "scripts" / "lab.sh").read_text()
