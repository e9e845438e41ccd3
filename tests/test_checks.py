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


def test_a_recipe_stopped_at_its_budget_is_not_run_again_until_it_is_redefined():
    """The hidden test times the function the visible test timed, on another seed: once stopped, it fails at once;
    a learner who changes the function (a new function object) gets a fresh start."""
    calls = []

    def slow(seed):
        calls.append(seed)
        return _spin(60)

    with pytest.raises(ExerciseFailure, match="stopped at its budget"):
        run_within_cpu_budget(lambda: slow(0), 0.2, "slow(0)", recipe=slow)
    start = time.process_time()
    with pytest.raises(ExerciseFailure, match=r"slow\(1\): was not run: slow\(0\) was stopped at its budget"):
        run_within_cpu_budget(lambda: slow(1), 0.2, "slow(1)", recipe=slow)
    assert calls == [0] and time.process_time() - start < 0.1

    def slow(seed):  # noqa: F811 - the learner's corrected cell
        calls.append(seed)
        return "fast now"

    assert run_within_cpu_budget(lambda: slow(2), 0.2, "slow(2)", recipe=slow)[0] == "fast now"
    assert calls == [0, 2]
    assert run_within_cpu_budget(lambda: "no recipe", 0.2, "plain", recipe=None)[0] == "no recipe"
