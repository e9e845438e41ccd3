"""The bank of planted answers, graded as one class by the grade command's engine.

A bank folder holds, per assignment, ``mistakes/<name>__<slug>.py`` (must lose
points) and ``alternatives/<name>__<slug>.py`` (must keep full marks). Each file
is the complete replacement source of the solution cell whose ``grade_id`` is
``<name>``. A submission is built from the released notebook with every
solution cell filled in from the reference (for a mistake, only up to its own
cell), then the one planted cell swapped in; cells tagged ``demo`` are dropped
to keep grading fast (nbgrader only restores graded and locked cells, so a
learner may delete them too). The full reference, demo cells included, is the
engine's calibration run.
"""

from __future__ import annotations

import copy
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder import course

BANK = Path(__file__).resolve().parent / "bank"
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


@dataclass(frozen=True)
class Case:
    """One submission to grade and what it must score."""

    student: str  # nbgrader-safe id
    kind: str  # reference | reference_trimmed | stub | mistake | alternative
    target: str | None = None  # grade_id of the replaced solution cell
    path: Path | None = None  # the bank file

    @property
    def label(self) -> str:
        return self.path.stem if self.path else self.kind

    @property
    def description(self) -> str:
        if self.path is None:
            return self.kind
        first = self.path.read_text(encoding="utf-8").splitlines()[:1]
        return first[0].lstrip("# ").strip() if first else self.path.name


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def strip_markers(source: str) -> str:
    """The reference code of a solution cell, without nbgrader's markers."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in MARKERS)


def solution_sources(source_notebook: dict) -> dict[str, str]:
    """Reference source of every solution cell, by grade_id."""
    return {course.grade_id(cell): strip_markers("".join(cell["source"]))
            for cell in source_notebook["cells"] if course.nbgrader_meta(cell).get("solution")}


def test_cell_ids(notebook: dict, target: str) -> list[str]:
    """grade_ids of the autograded test cells that belong to ``target`` (``test_<target>_*``)."""
    return [course.grade_id(cell) for cell in notebook["cells"]
            if course.is_test(cell) and course.grade_id(cell).startswith(f"test_{target}_")]


def build_submission(release: dict, replacements: dict[str, str], drop_demo: bool) -> dict:
    """The released notebook with solution cells replaced by ``replacements`` (by grade_id)."""
    notebook = copy.deepcopy(release)
    cells = []
    for cell in notebook["cells"]:
        if drop_demo and "demo" in cell.get("metadata", {}).get("tags", []):
            continue
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in replacements:
            cell["source"] = replacements[grade_id]
        cells.append(cell)
    notebook["cells"] = cells
    return notebook


def cases(assignment: str, bank_root: Path = BANK, with_references: bool = True) -> list[Case]:
    """Every case to grade for ``assignment``: the reference, the stub and the bank entries."""
    found = []
    if with_references:
        found += [Case("reference", "reference"), Case("reference-trimmed", "reference_trimmed"), Case("stub", "stub")]
    for kind, folder in (("mistake", "mistakes"), ("alternative", "alternatives")):
        for path in sorted((bank_root / assignment / folder).glob("*.py")):
            target = path.stem.split("__")[0]
            found.append(Case(f"{kind}-{path.stem}", kind, target, path))
    return found


#: Error text of every failing graded cell, by (assignment, student) and grade_id, for test reports.
FAILURES: dict[tuple[str, str], dict[str, str]] = {}


def failure_texts(notebook: dict) -> dict[str, str]:
    """The error (or stderr) each graded cell of an autograded notebook produced."""
    texts = {}
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if not grade_id or cell["cell_type"] != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                texts[grade_id] = f"{output.get('ename')}: {output.get('evalue')}"
            elif output.get("name") == "stderr":
                texts.setdefault(grade_id, "wrote to stderr: " + "".join(output.get("text", ""))[:300])
    return texts


def grade_cases(assignment: str, to_grade: list[Case], workers: int = 2) -> dict[str, dict[str, course.CellGrade]]:
    """Grade every case as one class, through the grade command's engine (same sandbox, same limits).

    The engine grades the reference first under the class's limits (its calibration): that result is
    the ``reference`` case. If the limits are too tight, every case reports the engine's message.
    """
    from autograder.engine.calibrate import LimitsTooTight
    from autograder.engine.runner import Options, grade_class

    name = course.notebook_name(assignment)
    with tempfile.TemporaryDirectory(prefix=f"qkv-bank-{assignment}-") as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        release = load(release_of(assignment, Path(tmp) / "release"))
        references = solution_sources(load(course.source_notebook(assignment)))
        for case in to_grade:
            if case.kind != "reference":
                notebook = release if case.kind == "stub" else build_submission(
                    release, _replacements(case, references), drop_demo=True)
                (folder / f"{case.student}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        try:
            graded = grade_class(Options(assignment, Path(tmp) / "out", jobs=workers), folder)
        except LimitsTooTight as error:
            ERRORS[assignment] = str(error)
            return {}
        results = {graded.tasks[i].student: r for i, r in graded.results.items()}
        if graded.calibration is not None:
            results["reference"] = graded.calibration
        grades = {}
        for student, result in results.items():
            grades[student] = {gid: course.CellGrade(gid, float(score or 0.0), float(top), score is not None)
                               for gid, (score, top) in result.cells.items()}
            path = Path(tmp) / "out" / "nbgrader" / "autograded" / result.sid / assignment / f"{name}.ipynb"
            errors = failure_texts(load(path)) if path.exists() else {}
            if result.status != "ok" or not path.exists():
                errors["*"] = f"{result.status}: {result.message}"
            FAILURES[(assignment, student)] = errors
    return grades


def release_of(assignment: str, root: Path) -> Path:
    """The student release of ``assignment``, made by nbgrader the way the course makes it."""
    course.make_course(root, assignment)
    course.generate_in_process(root, assignment)
    return root / "release" / assignment / f"{course.notebook_name(assignment)}.ipynb"


def _replacements(case: Case, references: dict[str, str]) -> dict[str, str]:
    """The solution cells a case's submission fills in (``references`` is in notebook order).

    A planted mistake keeps the reference only up to its own cell: the later exercises stay as released, like
    a learner who stopped there. Their tests then fail at once, where they would train models (chapter 5)
    that cannot change the score of the earlier test cells the case is judged on.
    """
    names = list(references)
    if case.kind == "mistake" and case.target in names:  # (an unknown target fails its test case by name)
        names = names[: names.index(case.target) + 1]
    replacements = {name: references[name] for name in names}
    if case.path is not None:
        replacements[case.target] = case.path.read_text(encoding="utf-8")
    return replacements


#: Why an assignment's bank could not be graded at all (the engine's message), by assignment.
ERRORS: dict[str, str] = {}
