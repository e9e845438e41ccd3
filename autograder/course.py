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


def assignments(solutions: Path = SOLUTIONS) -> list[str]:
    """Names of the assignments: folders of ``solutions`` that hold a notebook."""
    if not solutions.is_dir():
        return []
    return sorted(p.name for p in solutions.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def check_assignment(name: str, solutions: Path = SOLUTIONS) -> str:
    """Return ``name`` if it is an assignment, else raise ValueError listing the valid ones."""
    valid = assignments(solutions)
    if name not in valid:
        raise ValueError(f"unknown assignment {name!r}; valid assignments: {', '.join(valid) or '(none)'}")
    return name


def notebook_name(assignment: str, solutions: Path = SOLUTIONS) -> str:
    """The notebook's file stem; each assignment has exactly one notebook."""
    # tracked_files: a learner's .~x.ipynb or checkpoint is not a second notebook
    files = tracked_files(solutions / assignment)
    notebooks = sorted(p.stem for p in files if p.suffix == ".ipynb" and len(p.parts) == 1)
    if len(notebooks) != 1:
        raise ValueError(f"solutions/{assignment} must hold exactly one notebook, found {notebooks}")
    return notebooks[0]


def source_notebook(assignment: str, solutions: Path = SOLUTIONS) -> Path:
    """The reference (source) notebook of ``assignment``."""
    return solutions / assignment / f"{notebook_name(assignment, solutions)}.ipynb"


# --------------------------------------------------------------------------- cell kinds
# Each takes a cell as a dict or an nbformat NotebookNode.


def nbgrader_meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def grade_id(cell) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def is_answer(cell) -> bool:
    """A code cell the learner writes (a function or class of the exercise)."""
    return cell.get("cell_type") == "code" and bool(nbgrader_meta(cell).get("solution"))


def is_test(cell) -> bool:
    """An autograded test cell."""
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


#: What follows ``test_<exercise>_`` in a test cell's grade_id (tests/test_exercise_contract.py checks it).
TEST_KINDS = ("visible", "hidden")


def exercise_tested(grade_id: str | None) -> str | None:
    """The exercise a test cell's grade_id names: ``test_train_visible`` -> ``train`` (not a prefix match:
    ``test_train_brackets_hidden`` belongs to ``train_brackets``)."""
    for kind in TEST_KINDS:
        if grade_id and grade_id.startswith("test_") and grade_id.endswith(f"_{kind}"):
            return grade_id[len("test_"):-len(kind) - 1]
    return None


def is_demo(cell) -> bool:
    """A plain code cell tagged ``demo`` (a training run or a plot) that no test depends on."""
    return cell.get("cell_type") == "code" and "nbgrader" not in cell.get("metadata", {}) \
        and "demo" in cell.get("metadata", {}).get("tags", [])


def graded_cells(notebook) -> list:
    """Every cell with a grade_id, in order."""
    return [cell for cell in notebook["cells"] if grade_id(cell)]


def source_layout(notebook) -> list[tuple[str, dict, str, str]]:
    """(grade_id, nbgrader metadata, cell_type, source) for every nbgrader cell, in order."""
    import copy

    return [(grade_id(cell), copy.deepcopy(dict(nbgrader_meta(cell))), cell["cell_type"],
             "".join(cell["source"])) for cell in graded_cells(notebook)]


def make_course(root: Path, assignment: str, solutions: Path = SOLUTIONS, db_url: str | None = None) -> Path:
    """Lay out a fresh course directory in ``root`` with the source of ``assignment`` from ``solutions``."""
    root.mkdir(parents=True, exist_ok=True)
    source = root / "source" / assignment
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(solutions / assignment, source, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    write_config(root, db_url)
    return root


def write_config(root: Path, db_url: str | None = None) -> None:
    """Write ``root/nbgrader_config.py``: the shared configuration plus this course's gradebook
    (``db_url``; default: SQLite in ``root``).

    The shared file imports from this package, so the generated one first puts the
    repository on ``sys.path`` (nbgrader runs in its own process, from the course folder).
    A configuration file that raises is skipped whole by traitlets, with only a log line.
    """
    db_url = db_url or sqlite_url(root)
    config = f"import sys\n\nsys.path.insert(0, {str(REPO)!r})\n\n"
    config += BASE_CONFIG.read_text(encoding="utf-8")
    config += f"\nc.CourseDirectory.db_url = {db_url!r}\n"
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
    """Run nbgrader's generate_assignment (in this process, :func:`generate_in_process`: 0.5 CPU-s, where the
    command costs 10) and return the released notebook's path."""
    generate_in_process(course, assignment)
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


def sqlite_url(root: Path) -> str:
    """The default gradebook of a course directory."""
    return "sqlite:///" + str((root / "gradebook.db").resolve())


def read_grades(course: Path, assignment: str, db_url: str | None = None) -> dict[str, dict[str, CellGrade]]:
    """Grades by student and cell ``grade_id`` from the course's gradebook."""
    from nbgrader.api import Gradebook

    db_url = db_url or sqlite_url(course)
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


# --------------------------------------------------------------------------- nbgrader in-process


def load_config(root: Path):
    """The course directory's nbgrader_config.py as a traitlets Config."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()


def alembic_head() -> str:
    """The gradebook schema version a new gradebook gets, read in-process (nbgrader shells out for it: ~5 s)."""
    import nbgrader
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(nbgrader.__file__).parent / "alembic"))
    return ScriptDirectory.from_config(config).get_current_head()


def generate_in_process(root: Path, assignment: str) -> None:
    """``nbgrader generate_assignment`` without the command's ~4 s start-up; the command if that fails."""
    import logging

    try:
        import nbgrader.api
        from nbgrader.converters import GenerateAssignment
        from nbgrader.coursedir import CourseDirectory

        nbgrader.api.get_alembic_version = alembic_head
        config = load_config(root)
        config.CourseDirectory.root = str(root)
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = assignment
        log = logging.getLogger("grade.generate")
        log.handlers[:] = [logging.FileHandler(root / "generate_assignment.log", encoding="utf-8")]
        log.propagate = False
        app = GenerateAssignment(coursedir=coursedir, config=config)
        app.log = log
        app.force = True
        app.start()
    except Exception:  # noqa: BLE001 - fall back to the command, which reports its own errors
        nbgrader(root, "generate_assignment", assignment, "--force")
