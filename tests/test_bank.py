"""Grading is trustworthy: each assignment's bank is graded as one class by the grade command's engine.

For every assignment: the reference scores full marks (with and without its demo
cells), the untouched stub scores 0 on every autograded cell, each planted mistake
loses points on the tests of the function it replaces (graded with only the exercises those tests reach
filled in; failing on one left as a stub does not count), and each correct but unusual answer keeps full
marks on every test that runs after it (graded with its exercise, every exercise after it and what their tests
reach filled in: bank.filled_exercises). ``make bank BANK=/path`` grades another bank.
"""

from __future__ import annotations

import re

import pytest

from autograder import bank, course
from tests.conftest import bank_root

_GRADED: dict[str, dict] = {}
#: How a test cell fails when it reaches an exercise left as released (its stub) or a name only that exercise's
#: own test cells define.
STUB_ERRORS = re.compile(r"\b(NotImplementedError|NameError)\b")


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
        filled = set(bank.filled_exercises(case, bank.load(course.source_notebook(assignment))))
        judged = {gid: g for gid, g in auto.items() if course.exercise_tested(gid) in filled | {None}}
        assert case.kind != "alternative" or any(course.exercise_tested(gid) == case.target for gid in judged), (
            f"no test cell named test_{case.target}_* for the alternative {case.path.name}")
        lost = [gid for gid, g in judged.items() if g.score < g.max_score]
        assert not lost, f"a correct answer lost points on {lost}\n{report}"
    elif case.kind == "stub":
        scored = [gid for gid, g in auto.items() if g.score > 0]
        assert not scored, f"the untouched stub scored points on {scored}: those tests cannot fail\n{report}"
    else:
        targets = [gid for gid in auto if course.exercise_tested(gid) == case.target]
        assert targets, f"no test cell named test_{case.target}_* for the planted mistake {case.path.name}"
        got = sum(auto[gid].score for gid in targets)
        total = sum(auto[gid].max_score for gid in targets)
        assert got < total, f"planted mistake kept full marks ({got:g}/{total:g}): the tests do not catch it\n{report}"
        errors = bank.FAILURES.get((assignment, case.student), {})
        stubbed = [gid for gid in targets if STUB_ERRORS.search(errors.get(gid, ""))]
        assert not stubbed, (f"{stubbed} failed on an exercise the bank left as a stub (bank.reached_exercises "
                             f"missed one that these tests need), not on the planted mistake\n{report}")


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


def test_a_mistake_keeps_only_the_exercises_its_tests_reach():
    """bank.reached_exercises follows names: through solutions, through plain cells, through what a test cell
    defines; a magic does not stop it, a name a cell binds before reading it does not count."""
    def cell(source, grade_id=None, solution=False, tags=()):
        meta = {"tags": list(tags)}
        if grade_id:
            meta["nbgrader"] = {"grade_id": grade_id, "solution": solution, "grade": not solution}
        return {"cell_type": "code", "source": source, "metadata": meta, "outputs": []}

    notebook = {"cells": [
        cell("%matplotlib inline\nimport numpy as np"),
        cell("def scale(x):\n    return 2 * x", "scale", solution=True),
        cell("assert scale(1) == 2", "test_scale_visible"),
        cell("def shift(x):\n    return x + 1", "shift", solution=True),
        cell("table = [shift(i) for i in range(3)]", "test_shift_visible"),
        cell("def both(x):\n    return shift(x)", "helper_user", solution=True),
        cell("def wrap(x):\n    return both(x)"),
        cell("slow = train()", tags=["demo"]),
        cell("def train():\n    return 0", "train", solution=True),
        cell("model = train()", "test_train_hidden"),
        cell("def target(x):\n    return x", "target", solution=True),
        cell("x = 3\nassert target(x) == x\nassert wrap(1) == 2 and len(table) == 3 and slow is None",
             "test_target_visible"),
    ]}
    assert bank.reached_exercises(notebook, "target") == ["shift", "helper_user"]
    assert bank.reached_exercises(notebook, "target", planted="def target(x):\n    return scale(x)") == [
        "scale", "shift", "helper_user"]
    assert bank.reached_exercises(notebook, "shift") == []


def test_the_trimmed_reference_is_the_learner_kit_s_notebook(monkeypatch, tmp_path):
    """What the bank grades as reference-trimmed is the kit's own copy of the notebook with the reference answers
    pasted in and the demo cells dropped (tests/test_learner_kit.py relies on it); the grading itself is stopped."""
    from autograder.engine import calibrate, runner

    assignment = course.assignments()[0]
    seen = {}

    def stop_before_grading(opts, folder):
        seen.update(bank.load(folder / "reference-trimmed.ipynb"))
        raise calibrate.LimitsTooTight("stopped by the test")

    monkeypatch.setattr(runner, "grade_class", stop_before_grading)
    monkeypatch.setitem(bank.ERRORS, assignment, "")
    bank.grade_cases(assignment, [bank.Case("reference-trimmed", "reference_trimmed")])
    from autograder import learner_kit

    learner_kit.export(tmp_path / "kit")
    references = bank.solution_sources(bank.load(course.source_notebook(assignment)))
    expected = bank.build_submission(bank.load(bank.kit_notebook(tmp_path / "kit", assignment)), references,
                                     drop_demo=True)
    assert seen == expected
