"""The files git would track under a folder: what the checks compare and what a release writes.

JupyterLab, Python and editors leave files beside a learner's notebook (``.ipynb_checkpoints/``,
``__pycache__/``, ``.virtual_documents/``, ...). ``.gitignore`` names them, and every check that
lists a folder of the course goes through :func:`tracked_files`, so opening a notebook never makes
the course look changed.

In a git checkout the answer is git's own (``git ls-files --cached --others --exclude-standard``:
committed files plus new ones that are not ignored). Outside one (a downloaded zip, a temporary
folder, or git refusing a checkout owned by another user) the fallback reads the repository's
``.gitignore`` and applies the subset of its syntax that file uses: ``name``, ``*.ext``, ``dir/``
and ``some/path/``, without ``!`` negation. tests/test_release.py checks the two agree.
"""

from __future__ import annotations

import fnmatch
import subprocess
from pathlib import Path, PurePosixPath

REPO = Path(__file__).resolve().parent.parent
GITIGNORE = REPO / ".gitignore"


def tracked_files(folder: Path) -> list[Path]:
    """Sorted paths, relative to ``folder``, of the files under it that git would track."""
    folder = Path(folder)
    listed = _git_files(folder)
    if listed is None:
        return ignore_filter(folder)
    # --cached still lists a committed file deleted from the work tree
    return sorted(p for p in listed if (folder / p).is_file())


def _git_files(folder: Path) -> list[Path] | None:
    """git's answer, or None when ``folder`` is not in a usable git checkout."""
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=folder, capture_output=True, timeout=60,
        )
    except (FileNotFoundError, NotADirectoryError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:  # not a checkout, or "dubious ownership"
        return None
    return [Path(name) for name in result.stdout.decode("utf-8").split("\0") if name]


def ignore_rules(gitignore: Path = GITIGNORE) -> list[str]:
    """The patterns of a .gitignore; raises on syntax the fallback does not implement."""
    rules = []
    for line in gitignore.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("!") or "**" in line:
            raise ValueError(f"{gitignore}: {line!r} needs git; the fallback in autograder/gitfiles.py cannot apply it")
        rules.append(line)
    return rules


def is_ignored(relative: PurePosixPath, is_dir: bool, rules: list[str]) -> bool:
    """Whether one path (relative to the .gitignore's folder) matches a rule, gitignore-style."""
    for rule in rules:
        dir_only = rule.endswith("/")
        pattern = rule.rstrip("/")
        if dir_only and not is_dir:
            continue
        if "/" in pattern:  # anchored to the .gitignore's folder
            if fnmatch.fnmatchcase(relative.as_posix(), pattern.lstrip("/")):
                return True
        elif fnmatch.fnmatchcase(relative.name, pattern):
            return True
    return False


def ignore_filter(folder: Path, gitignore: Path = GITIGNORE) -> list[Path]:
    """The fallback: walk ``folder`` and leave out what the repository's .gitignore ignores."""
    rules = ignore_rules(gitignore)
    folder = Path(folder)
    try:  # anchored rules are relative to the repository root; elsewhere only the unanchored ones can match
        base = folder.resolve().relative_to(gitignore.parent.resolve())
    except ValueError:
        base = PurePosixPath()
    found = []
    pending = [folder]
    while pending:
        current = pending.pop()
        for entry in current.iterdir():
            relative = entry.relative_to(folder)
            if entry.name == ".git" or is_ignored(PurePosixPath(base, relative), entry.is_dir(), rules):
                continue
            if entry.is_dir():
                pending.append(entry)
            elif entry.is_file():
                found.append(relative)
    return sorted(found)
