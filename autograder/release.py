"""Generate the student release (notebooks/) from the reference notebooks (solutions/).

``python -m autograder release [ASSIGNMENT ...]`` runs ``nbgrader generate_assignment``
in a temporary course directory (solutions and hidden tests removed, outputs
cleared, checksums recorded), drops execution timestamps so the result only
depends on the source, and writes notebooks/<assignment>/. The files it writes
are committed; tests/test_release.py checks that they match a fresh run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from autograder import course, gitfiles

# Cell metadata that records when a cell last ran: noise in a release.
VOLATILE_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled")


def clean_notebook(notebook: dict) -> dict:
    """Remove outputs and run-time metadata, keep nbgrader's and the tags."""
    for cell in notebook["cells"]:
        for key in VOLATILE_METADATA:
            cell.get("metadata", {}).pop(key, None)
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return notebook


def dump_notebook(notebook: dict) -> str:
    """Serialise a notebook the way every file in the repo is stored."""
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def build_release(assignment: str, out_root: Path) -> Path:
    """Write the release of ``assignment`` into ``out_root/<assignment>/`` and return its folder."""
    course.check_assignment(assignment)
    target = out_root / assignment
    with tempfile.TemporaryDirectory(prefix="qkv-release-") as tmp:
        course_dir = course.make_course(Path(tmp), assignment)
        released = course.generate_release(course_dir, assignment).parent
        # Only what git would track, on both sides: a learner's .ipynb_checkpoints/ and the like
        # are neither released nor deleted (.gitignore lists them).
        for stale in gitfiles.tracked_files(target) if target.exists() else []:
            (target / stale).unlink()
        for name in gitfiles.tracked_files(released):
            path, out = released / name, target / name
            out.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".ipynb":
                notebook = clean_notebook(json.loads(path.read_text(encoding="utf-8")))
                out.write_text(dump_notebook(notebook), encoding="utf-8")
            else:
                shutil.copy2(path, out)
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder release", description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*", help="default: every assignment under solutions/")
    parser.add_argument("--out", type=Path, default=course.RELEASE, help="release folder (default: notebooks/)")
    args = parser.parse_args(argv)
    names = args.assignments or course.assignments()
    for name in names:
        folder = build_release(name, args.out)
        print(f"released {name} -> {folder.relative_to(course.REPO) if folder.is_relative_to(course.REPO) else folder}")
    return 0
