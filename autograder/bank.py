"""The bank of planted answers, and grading it through a real nbgrader round trip.

A bank folder holds, per assignment, ``mistakes/<name>__<slug>.py`` (must lose
points) and ``alternatives/<name>__<slug>.py`` (must keep full marks). Each file
is the complete replacement source of the solution cell whose ``grade_id`` is
``<name>``. A submission is built from the released notebook with every
solution cell filled in from the reference, then the one planted cell swapped
in; cells tagged ``demo`` are dropped to keep grading fast (nbgrader only
restores graded and locked cells, so a learner may delete them too).
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
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
    sources = {}
    for cell in source_notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            sources[meta["grade_id"]] = strip_markers("".join(cell["source"]))
    return sources


def test_cell_ids(notebook: dict, target: str) -> list[str]:
    """grade_ids of the autograded test cells that belong to ``target`` (``test_<target>_*``)."""
    ids = []
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and meta.get("grade_id", "").startswith(f"test_{target}_"):
            ids.append(meta["grade_id"])
    return ids


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


def _grade_group(assignment: str, group: list[Case], workdir: Path) -> dict[str, dict[str, course.CellGrade]]:
    course_dir = course.make_course(workdir, assignment)
    release = load(course.generate_release(course_dir, assignment))
    references = solution_sources(load(course.SOLUTIONS / assignment / f"{course.notebook_name(assignment)}.ipynb"))
    for case in group:
        if case.kind == "stub":
            notebook = release
        else:
            replacements = dict(references)
            if case.path is not None:
                replacements[case.target] = case.path.read_text(encoding="utf-8")
            notebook = build_submission(release, replacements, drop_demo=case.kind != "reference")
        course.add_submission(course_dir, assignment, case.student, notebook)
    _autograde_with_retry(course_dir, assignment)
    grades = course.read_grades(course_dir, assignment)
    for case in group:
        path = course_dir / "autograded" / case.student / assignment / f"{course.notebook_name(assignment)}.ipynb"
        errors = failure_texts(load(path)) if path.exists() else {"*": "nbgrader produced no graded notebook"}
        grades.setdefault(case.student, {})
        FAILURES[(assignment, case.student)] = errors
    return grades


def _autograde_with_retry(course_dir: Path, assignment: str) -> None:
    """Autograde every submission; regrade once each submission nbgrader could not process.

    nbgrader reports a kernel that died at start-up as an error of the whole run (and keeps
    no grade for that student); the cause is the machine, not the planted answer, so one
    more try per such student is fair. A second failure is raised with both logs.
    """
    try:
        course.nbgrader(course_dir, "autograde", assignment, "--create", "--force")
        return
    except RuntimeError as first:
        failed = sorted(set(re.findall(r"error processing assignment '[^']*' for student '([^']+)'", str(first))))
        if not failed:
            raise
        for student in failed:
            try:
                course.nbgrader(course_dir, "autograde", assignment, "--create", "--force", f"--student={student}")
            except RuntimeError as second:
                raise RuntimeError(f"{student}: nbgrader failed twice\n--- first run ---\n{first}\n"
                                   f"--- retry ---\n{second}") from None


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
    """Grade every case with nbgrader, ``workers`` course directories at a time."""
    groups = [to_grade[i::workers] for i in range(workers) if to_grade[i::workers]]
    results: dict[str, dict[str, course.CellGrade]] = {}
    with tempfile.TemporaryDirectory(prefix=f"qkv-bank-{assignment}-") as tmp:
        with ThreadPoolExecutor(max_workers=len(groups)) as pool:
            futures = [
                pool.submit(_grade_group, assignment, group, Path(tmp) / f"course{i}") for i, group in enumerate(groups)
            ]
            for future in futures:
                results.update(future.result())
    return results
