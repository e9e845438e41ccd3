"""Temporary nbgrader course directories, and reading grades back.

The repository is not itself an nbgrader course directory (its solutions/ and
notebooks/ folders are named for readers, and a gradebook has no place in git):
every nbgrader run happens in a throwaway directory that this module lays out as

    <root>/nbgrader_config.py         autograder/nbgrader_config.py + the gradebook URL
    <root>/source/<assignment>/...    a copy of solutions/<assignment>/
    <root>/release/<assignment>/...   written by ``nbgrader generate_assignment``
    <root>/submitted/<student>/<assignment>/<notebook>.ipynb
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder.gitfiles import tracked_files

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
RELEASE = REPO / "notebooks"
BASE_CONFIG = Path(__file__).resolve().parent / "nbgrader_config.py"


def assignments() -> list[str]:
    """Names of the assignments: folders of solutions/ that hold a notebook."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def check_assignment(name: str) -> str:
    """Return ``name`` if it is an assignment, else raise ValueError listing the valid ones."""
    valid = assignments()
    if name not in valid:
        raise ValueError(f"unknown assignment {name!r}; valid assignments: {', '.join(valid)}")
    return name


def notebook_name(assignment: str) -> str:
    """The notebook's file stem; each assignment has exactly one notebook."""
    # tracked_files: a learner's .~x.ipynb or checkpoint is not a second notebook
    files = tracked_files(SOLUTIONS / assignment)
    notebooks = sorted(p.stem for p in files if p.suffix == ".ipynb" and len(p.parts) == 1)
    if len(notebooks) != 1:
        raise ValueError(f"solutions/{assignment} must hold exactly one notebook, found {notebooks}")
    return notebooks[0]


def make_course(root: Path, assignment: str, solutions: Path = SOLUTIONS) -> Path:
    """Lay out a fresh course directory in ``root`` with the source of ``assignment`` from ``solutions``."""
    root.mkdir(parents=True, exist_ok=True)
    source = root / "source" / assignment
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(solutions / assignment, source, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    write_config(root)
    return root


def write_config(root: Path) -> None:
    """Write ``root/nbgrader_config.py``: the shared configuration plus this course's gradebook.

    The shared file imports from this package, so the generated one first puts the
    repository on ``sys.path`` (nbgrader runs in its own process, from the course folder).
    A configuration file that raises is skipped whole by traitlets, with only a log line.
    """
    db = (root / "gradebook.db").resolve()
    config = f"import sys\n\nsys.path.insert(0, {str(REPO)!r})\n\n"
    config += BASE_CONFIG.read_text(encoding="utf-8")
    config += f"\nc.CourseDirectory.db_url = {('sqlite:///' + str(db))!r}\n"
    (root / "nbgrader_config.py").write_text(config, encoding="utf-8")


def nbgrader(course: Path, *args: str, timeout: float | None = None, env: dict | None = None):
    """Run an nbgrader command in ``course``; raise RuntimeError with its log if it fails."""
    run_env = dict(os.environ, PYTHONWARNINGS="ignore", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    # nbgrader shells out to `alembic` and to the kernel's `python`: both live beside this interpreter.
    run_env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + run_env.get("PATH", "")
    run_env.update(env or {})
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=run_env,
    )
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def generate_release(course: Path, assignment: str) -> Path:
    """Run ``nbgrader generate_assignment`` and return the released notebook's path."""
    nbgrader(course, "generate_assignment", assignment, "--force")
    return course / "release" / assignment / f"{notebook_name(assignment)}.ipynb"


def add_submission(course: Path, assignment: str, student: str, notebook: dict) -> Path:
    """Place a submission (a notebook as a dict) for ``student``."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{notebook_name(assignment)}.ipynb"
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class CellGrade:
    """The grade of one graded cell of one submission."""

    grade_id: str
    score: float
    max_score: float
    autograded: bool


def read_grades(course: Path, assignment: str) -> dict[str, dict[str, CellGrade]]:
    """Grades by student and cell ``grade_id`` from the course's gradebook."""
    from nbgrader.api import Gradebook

    db_url = "sqlite:///" + str((course / "gradebook.db").resolve())
    grades: dict[str, dict[str, CellGrade]] = {}
    with Gradebook(db_url) as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            cells = {}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    cells[grade.cell.name] = CellGrade(
                        grade.cell.name,
                        float(grade.score or 0.0),
                        float(grade.max_score),
                        grade.cell.cell_type == "code",
                    )
            grades[submission.student.id] = cells
    return grades
