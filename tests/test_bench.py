"""The arithmetic ``make bench`` reports beside its speed-ups (the timings themselves are not tested:
speed goals live in the bench, not in timed tests)."""

import pytest

from autograder.bench import start_up_bound


def _jobs1(first: float, per_notebook: float, copies: int, tail: float) -> dict:
    graded = first + copies * per_notebook
    return {"wall": graded + tail, "timings": {"calibrated": first, "graded": graded}}


def test_with_no_start_up_two_workers_grade_nine_notebooks_in_five_rounds():
    # the reference and 8 copies, 1 s each, nothing else: 9 s alone, 5 s on two workers
    bound = start_up_bound(_jobs1(first=1.0, per_notebook=1.0, copies=8, tail=0.0), 8)
    assert bound["bound"] == pytest.approx(9 / 5)
    assert bound["per_notebook"] == pytest.approx(1.0)


@pytest.mark.parametrize("copies", [8, 9, 40])
def test_the_start_up_it_says_the_goal_needs_gives_exactly_the_goal(copies):
    first = start_up_bound(_jobs1(first=1.0, per_notebook=0.5, copies=copies, tail=0.0), copies)
    needed = first["first_plus_tail_needed"]
    assert needed > 0
    at_need = start_up_bound(_jobs1(first=needed - 0.25, per_notebook=0.5, copies=copies, tail=0.25), copies)
    assert at_need["bound"] == pytest.approx(1.7)
    slower = start_up_bound(_jobs1(first=needed + 0.1, per_notebook=0.5, copies=copies, tail=0.25), copies)
    assert slower["bound"] < 1.7


def test_a_bench_of_no_copies_is_refused_with_a_message(capsys):
    from autograder.bench import main

    with pytest.raises(SystemExit) as stop:
        main(["--copies", "0"])
    assert stop.value.code == 2
    assert "--copies must be at least 1" in capsys.readouterr().err
