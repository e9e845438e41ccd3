"""Assertion helpers for the exercise tests: every failure says what was expected,
what came back, and the likely mistake.

The helpers turn whatever the learner returns into a plain float64 NumPy array
first (``to_array``), so that an object with a custom ``__eq__`` cannot pass a
comparison, and torch and NumPy answers are checked the same way.
"""

from __future__ import annotations

import math
import sys
import weakref
from collections.abc import Sequence

import numpy as np


class ExerciseFailure(AssertionError):
    """An assertion whose message explains the likely mistake."""


def _fail(name: str, problem: str, hint: str = "") -> None:
    message = f"{name}: {problem}"
    if hint:
        message += f"\n  Hint: {hint}"
    raise ExerciseFailure(message)


def to_array(value, name: str = "result") -> np.ndarray:
    """Convert a NumPy array, torch tensor or nested list to a plain float64 array (a copy).

    Subclasses cannot smuggle custom behaviour through: a tensor subclass is read with its
    ``__torch_function__`` disabled, and the result is always a base-class ``np.ndarray``.
    """
    torch = sys.modules.get("torch")  # no tensor exists unless torch was imported: no slow import here
    if torch is not None and isinstance(value, torch.Tensor):
        disable = getattr(getattr(torch, "_C", None), "DisableTorchFunctionSubclass", None)
        if disable is not None and type(value) not in (torch.Tensor, torch.nn.Parameter):
            with disable():
                plain = torch.Tensor.detach(value).to("cpu", torch.float64)
        else:
            plain = value.detach().to("cpu", torch.float64)
        return np.array(plain.numpy(), dtype=np.float64, copy=True, subok=False)
    if isinstance(value, np.ndarray) or isinstance(value, (list, tuple, float, int, np.floating, np.integer)):
        try:
            return np.array(value, dtype=np.float64, copy=True, subok=False)
        except (TypeError, ValueError) as error:
            _fail(name, f"could not read the result as numbers ({error})")
    _fail(name, f"expected an array or tensor, got an object of type {type(value).__name__}")
    raise AssertionError  # unreachable, keeps type checkers calm


def _plain(value, name: str):
    """Plain Python data (str, int, float, bool, None, lists and dicts of them), or a failure."""
    kind = type(value)
    if kind in (str, int, float, bool, type(None)):
        return value
    if kind in (np.str_, np.bool_) or (isinstance(value, (np.integer, np.floating)) and kind.__module__ == "numpy"):
        return value.item()
    if kind in (list, tuple):
        return [_plain(item, name) for item in value]
    if kind is dict:
        return {_plain(key, name): _plain(item, name) for key, item in value.items()}
    if kind is np.ndarray:
        return _plain(value.tolist(), name)
    _fail(name, f"expected plain data (str, numbers, lists, tuples, dicts), got an object of type {kind.__name__}")


def check_equal(actual, expected, name: str = "result", hint: str = "") -> None:
    """Exact equality of plain data (words, ids, lists of pairs): an object with a custom ``__eq__``
    cannot pass, and lists and tuples compare alike."""
    a, e = _plain(actual, name), _plain(expected, "expected")
    if a != e:
        _fail(name, f"is {a!r}, expected {e!r}", hint)


def check_shape(value, expected: Sequence[int], name: str = "result", hint: str = "") -> None:
    """Check ``value.shape == expected``."""
    shape = tuple(getattr(value, "shape", np.shape(value)))
    if shape != tuple(expected):
        _fail(name, f"shape is {shape}, expected {tuple(expected)}", hint)


def check_close(
    actual,
    expected,
    name: str = "result",
    hint: str = "",
    *,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> None:
    """Check that two arrays/tensors have the same shape and values within tolerance.

    The message shows the largest difference and where it is.
    """
    a = to_array(actual, name)
    e = to_array(expected, "expected")
    if a.shape != e.shape:
        _fail(name, f"shape is {a.shape}, expected {e.shape}", hint)
    if not np.all(np.isfinite(a)):
        bad = np.argwhere(~np.isfinite(a))[0]
        _fail(name, f"contains NaN or inf (first at index {tuple(int(i) for i in bad)})", hint)
    diff = np.abs(a - e)
    limit = atol + rtol * np.abs(e)
    if np.any(diff > limit):
        where = np.unravel_index(int(np.argmax(diff - limit)), diff.shape)
        idx = tuple(int(i) for i in where)
        _fail(
            name,
            f"values differ: at index {idx} got {a[idx]:.6g}, expected {e[idx]:.6g} "
            f"(largest difference {diff.max():.3g})",
            hint,
        )


def check_true(condition: bool, name: str, problem: str, hint: str = "") -> None:
    """Fail with a diagnostic message unless ``condition`` holds."""
    if condition is not True and not (isinstance(condition, (bool, np.bool_)) and bool(condition)):
        _fail(name, problem, hint)


def check_raises(func, exception: type[BaseException], name: str, hint: str = "", match: str | None = None):
    """Check that ``func()`` raises ``exception`` (and that its message contains ``match``)."""
    try:
        func()
    except exception as error:
        if match is not None and match not in str(error):
            _fail(name, f"raised {type(error).__name__} but its message {str(error)!r} does not mention {match!r}",
                  hint)
        return
    except Exception as error:  # noqa: BLE001 - we report what was raised instead
        _fail(name, f"raised {type(error).__name__}({error}) instead of {exception.__name__}", hint)
    _fail(name, f"did not raise {exception.__name__}", hint)


class OverBudget(BaseException):
    """Stops a call that passed its CPU budget (a BaseException, like KeyboardInterrupt, so that an
    ``except Exception`` inside the call does not swallow it)."""


#: recipe (a function) -> the call of it that was stopped at its budget (see run_within_cpu_budget's ``recipe``)
_STOPPED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _stopped_call(recipe) -> str | None:
    try:
        return _STOPPED.get(recipe)
    except TypeError:  # None, or an object that takes no weak reference: not tracked
        return None


def run_within_cpu_budget(func, budget: float, name: str, hint: str = "", *, recipe=None):
    """Call ``func()``; return ``(its result, the CPU-seconds it took)``, and fail once it passes ``budget``.

    CPU-seconds are this process's, as ``time.process_time()`` counts them, so a busy machine does not count
    against the call. A call that would run for minutes is stopped when it reaches the budget, with a message,
    instead of being timed at its end. (Where Python has no CPU timer, on Windows, the call runs to its end and
    its time is checked then.)

    ``recipe`` is the function that ``func`` times (a training function, say) when several tests time it on
    different inputs: once a call of it was stopped at its budget, a later call of the same function fails at once
    instead of being stopped again. Defining the function again (running its cell) gives it a fresh start.
    """
    import signal
    import threading
    import time

    budget = float(budget)
    earlier = _stopped_call(recipe)
    if earlier:
        _fail(name, f"was not run: {earlier} was stopped at its budget of {budget:g} CPU-seconds, and this is the same "
              "function (change it and run its cell again for a fresh start)", hint)
    timer = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    stopped = False
    if timer:
        def stop(signum, frame):
            raise OverBudget

        previous = signal.signal(signal.SIGPROF, stop)
        signal.setitimer(signal.ITIMER_PROF, budget)
    start = time.process_time()
    try:
        result = func()
    except OverBudget:
        result, stopped = None, True
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous)
    seconds = time.process_time() - start
    if stopped and recipe is not None:
        try:
            _STOPPED[recipe] = name
        except TypeError:  # takes no weak reference: not tracked
            pass
    if stopped or seconds > budget:
        _fail(name, f"was stopped at its budget of {budget:g} CPU-seconds" if stopped
              else f"took {seconds:.1f} CPU-seconds, the budget is {budget:g}", hint)
    return result, seconds


def check_float(actual, expected: float, name: str = "result", hint: str = "", *, rel: float = 1e-4,
                abs_tol: float = 1e-6) -> None:
    """Check one scalar (Python float, NumPy scalar or 0-d tensor)."""
    value = to_array(actual, name)
    if value.shape != ():
        _fail(name, f"expected a single number, got shape {value.shape}", hint)
    value = float(value)
    if not math.isfinite(value):
        _fail(name, f"is {value}, expected a finite number", hint)
    if not math.isclose(value, float(expected), rel_tol=rel, abs_tol=abs_tol):
        _fail(name, f"is {value:.6g}, expected {float(expected):.6g}", hint)
