"""Grading is trustworthy: each assignment's bank is graded as one class by the grade command's engine.

For every assignment: the reference scores full marks (with and without its demo
cells), the untouched stub scores 0 on every autograded cell, each planted mistake
loses points on the tests of the function it replaces, and each correct but
unusual answer keeps full marks. ``make bank BANK=/path`` grades another bank.
"""

from __future__ import annotations

import pytest

from autograder import bank, course
from tests.conftest import bank_root

_GRADED: dict[str, dict] = {}


def pytest_generate_tests(metafunc):
    if "case" not in metafunc.fixturenames:
        return
    root = bank_root(metafunc.config)
    params, ids = [], []
    for assignment in course.assignments():
        entries = bank.cases(assignment, root, with_references=root is None) if root else bank.cases(assignment)
        for case in entries:
            params.append((assignment, case))
            ids.append(f"{assignment}:{case.student}")
    metafunc.parametrize(("assignment", "case"), params, ids=ids)


def _graded(assignment: str, config) -> dict:
    if assignment not in _GRADED:
        root = bank_root(config)
        entries = bank.cases(assignment, root, with_references=True) if root else bank.cases(assignment)
        _GRADED[assignment] = bank.grade_cases(assignment, entries)
    return _GRADED[assignment]


def _report(assignment: str, case: bank.Case, cells: dict) -> str:
    errors = bank.FAILURES.get((assignment, case.student), {})
    lines = [f"{case.student} ({case.description}):"]
    if "*" in errors:
        lines.append(f"  {errors['*']}")
    for grade_id, grade in cells.items():
        if grade.autograded:
            note = f"  <- {errors[grade_id]}" if grade_id in errors else ""
            lines.append(f"  {grade_id}: {grade.score:g}/{grade.max_score:g}{note}")
    return "\n".join(lines)


@pytest.mark.slow
def test_case(assignment, case, request):
    cells = _graded(assignment, request.config).get(case.student)
    assert cells, f"{case.student} was not graded at all: {bank.ERRORS.get(assignment) or 'no row in the gradebook'}"
    auto = {gid: g for gid, g in cells.items() if g.autograded}
    report = _report(assignment, case, cells)
    if case.kind in {"reference", "reference_trimmed", "alternative"}:
        lost = [gid for gid, g in auto.items() if g.score < g.max_score]
        assert not lost, f"a correct answer lost points on {lost}\n{report}"
    elif case.kind == "stub":
        scored = [gid for gid, g in auto.items() if g.score > 0]
        assert not scored, f"the untouched stub scored points on {scored}: those tests cannot fail\n{report}"
    else:
        targets = [gid for gid in auto if gid.startswith(f"test_{case.target}_")]
        assert targets, f"no test cell named test_{case.target}_* for the planted mistake {case.path.name}"
        got = sum(auto[gid].score for gid in targets)
        total = sum(auto[gid].max_score for gid in targets)
        assert got < total, f"planted mistake kept full marks ({got:g}/{total:g}): the tests do not catch it\n{report}"


def test_every_exercise_has_a_bank():
    """Each solution cell has at least three planted mistakes; each bank file names a real cell."""
    problems = []
    for assignment in course.assignments():
        source = bank.load(course.SOLUTIONS / assignment / f"{course.notebook_name(assignment)}.ipynb")
        code_solutions = {
            c["metadata"]["nbgrader"]["grade_id"]
            for c in source["cells"]
            if c["cell_type"] == "code" and c.get("metadata", {}).get("nbgrader", {}).get("solution")
        }
        entries = bank.cases(assignment, with_references=False)
        for case in entries:
            if case.target not in code_solutions:
                problems.append(f"{case.path.relative_to(course.REPO)}: no solution cell with grade_id {case.target!r}")
            elif not case.path.read_text(encoding="utf-8").startswith("#"):
                problems.append(f"{case.path.relative_to(course.REPO)}: first line must be a comment naming the case")
        for name in sorted(code_solutions):
            mistakes = [c for c in entries if c.kind == "mistake" and c.target == name]
            if len(mistakes) < 3:
                problems.append(f"{assignment}: {name} has {len(mistakes)} planted mistakes, needs at least 3")
            if not bank.test_cell_ids(source, name):
                problems.append(f"{assignment}: {name} has no test cell named test_{name}_*")
    assert not problems, "\n".join(problems)
