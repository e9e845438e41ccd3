"""Every exercise states its difficulty and time on the course's one scale, and names its test cells.

For each graded exercise cell (an nbgrader solution cell: code the learner writes, or a written answer) of every
notebook under solutions/, the markdown that introduces it must carry exactly the line
``Difficulty: N/5. Time: about M minutes.`` (N in 1..5); a code cell's docstring, when it states a difficulty,
must state the same one. Each autograded test cell is named ``test_<exercise>_visible`` or
``test_<exercise>_hidden`` after the exercise it checks (the bank judges a planted mistake by them).
Data-driven over solutions/*/, so new chapters are covered without editing this file.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from autograder import course

LINE = re.compile(r"^Difficulty: ([1-5])/5\. Time: about (\d+) minutes\.$", re.MULTILINE)
ANY_DIFFICULTY = re.compile(r"Difficulty:[^\n]*")


def _notebooks():
    return sorted(course.SOLUTIONS.glob("*/*.ipynb"))


def _exercises(nb):
    """(grade_id, solution cell, the markdown cell that introduces it) for every graded exercise."""
    cells = nb.cells
    for i, cell in enumerate(cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("solution"):
            continue
        intro = next((cells[j] for j in range(i - 1, -1, -1) if cells[j].cell_type == "markdown"
                      and not cells[j].get("metadata", {}).get("nbgrader", {}).get("solution")), None)
        yield meta.get("grade_id"), cell, intro


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.parent.name)
def test_every_exercise_states_difficulty_and_time_on_the_one_scale(path):
    nb = nbformat.read(path, as_version=4)
    exercises = list(_exercises(nb))
    assert exercises, f"{path.name}: no graded exercise cell found"
    problems = []
    for grade_id, cell, intro in exercises:
        if intro is None:
            problems.append(f"{grade_id}: no markdown cell before it")
            continue
        stated = LINE.findall(intro.source)
        if len(stated) != 1:
            wrong = ANY_DIFFICULTY.findall(intro.source)
            problems.append(f"{grade_id}: its markdown must contain exactly one line "
                            f"'Difficulty: N/5. Time: about M minutes.' (found {stated or wrong or 'none'})")
            continue
        if cell.cell_type == "code":
            in_doc = ANY_DIFFICULTY.findall(cell.source)
            expected = f"Difficulty: {stated[0][0]}/5. Time: about {stated[0][1]} minutes."
            if any(not d.startswith(expected) for d in in_doc):
                problems.append(f"{grade_id}: docstring says {in_doc} but its markdown says {expected!r}")
    assert not problems, f"{path.relative_to(course.REPO)}:\n" + "\n".join(problems)


def test_the_contract_rejects_other_scales():
    """The pattern is strict: the old scales (1/3, 'easy', 'medium (2/3)') do not pass."""
    for bad in ("Difficulty: 1/3. Time: about 10 minutes.", "Difficulty: easy. Time: about 10 minutes.",
                "Difficulty: medium (2/3). Time: about 15 minutes.", "Difficulty: 6/5. Time: about 5 minutes.",
                "Difficulty: 2/5. Time: 10 minutes."):
        assert not LINE.search(bad), bad
    assert LINE.search("Difficulty: 3/5. Time: about 25 minutes.")


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.parent.name)
def test_every_test_cell_is_named_after_the_exercise_it_checks(path):
    nb = nbformat.read(path, as_version=4)
    exercises = {course.grade_id(c) for c in nb.cells if course.is_answer(c)}
    wrong = [course.grade_id(c) for c in nb.cells
             if course.is_test(c) and course.exercise_tested(course.grade_id(c)) not in exercises]
    assert not wrong, (f"{path.relative_to(course.REPO)}: test cells {wrong} must be named test_<exercise>_"
                       f"{'|'.join(course.TEST_KINDS)} after one of the exercises {sorted(exercises)}")


def test_a_test_cell_belongs_to_one_exercise_not_to_a_prefix():
    assert course.exercise_tested("test_train_hidden") == "train"
    assert course.exercise_tested("test_train_brackets_visible") == "train_brackets"
    assert course.exercise_tested("test_train_brackets") is None
    assert course.exercise_tested("cosine_similarity") is None
