"""The learners' test helpers in qkvlab.checks that the bank does not pin down on its own."""

from __future__ import annotations

import signal
import time

import pytest

from qkvlab.checks import ExerciseFailure, run_within_cpu_budget


def _spin(seconds: float) -> str:
    """Burn CPU for ``seconds`` (or until stopped), swallowing every ordinary exception on the way."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        try:
            sum(range(1000))
        except Exception:  # noqa: BLE001, S112 - a learner's broad except must not hide the budget
            continue
    return "done"


def test_a_call_within_its_budget_returns_its_result_and_time():
    result, seconds = run_within_cpu_budget(lambda: _spin(0.05), 2.0, "quick")
    assert result == "done" and 0.04 <= seconds < 2.0


def test_a_call_past_its_budget_is_stopped_there_and_the_timer_is_restored():
    before = signal.getsignal(signal.SIGPROF)
    start = time.process_time()
    with pytest.raises(ExerciseFailure, match=r"slow: was stopped at its budget of 0\.3 CPU-seconds\n  Hint: fewer"):
        run_within_cpu_budget(lambda: _spin(60), 0.3, "slow", hint="fewer steps")
    assert time.process_time() - start < 5  # stopped at 0.3 s, not after the call's 60 s
    assert signal.getsignal(signal.SIGPROF) is before and signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)


def test_a_recipe_stopped_at_its_budget_is_not_run_again():
    """The hidden test times the recipe the visible test timed, on another seed: once stopped, it fails at once."""
    from qkvlab import checks

    calls = []

    def slow():
        calls.append(1)
        return _spin(60)

    with pytest.raises(ExerciseFailure, match="stopped at its budget"):
        run_within_cpu_budget(slow, 0.2, "slow(0)", recipe="test-recipe")
    start = time.process_time()
    with pytest.raises(ExerciseFailure, match=r"slow\(1\): was not run: slow\(0\) was stopped at its budget"):
        run_within_cpu_budget(slow, 0.2, "slow(1)", recipe="test-recipe")
    assert calls == [1] and time.process_time() - start < 0.1
    assert run_within_cpu_budget(lambda: "other", 0.2, "other(0)", recipe="another-recipe")[0] == "other"
    checks._STOPPED.pop("test-recipe")
