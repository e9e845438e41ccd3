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

