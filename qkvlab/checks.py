"""Assertion helpers for the exercise tests: every failure says what was expected,
what came back, and the likely mistake.

The helpers turn whatever the learner returns into a plain float64 NumPy array
first (``to_array``), so that an object with a custom ``__eq__`` cannot pass a
comparison, and torch and NumPy answers are checked the same way.
"""

from __future__ import annotations

import math
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
    """Convert a NumPy array, torch tensor or nested list to a float64 array."""
    try:
        import torch

        if isinstance(value, torch.Tensor):
            return value.detach().to("cpu", torch.float64).numpy()
    except ImportError:  # pragma: no cover - torch is always installed here
        pass
    if isinstance(value, np.ndarray) or isinstance(value, (list, tuple, float, int, np.floating, np.integer)):
        try:
            return np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as error:
            _fail(name, f"could not read the result as numbers ({error})")
    _fail(name, f"expected an array or tensor, got an object of type {type(value).__name__}")
    raise AssertionError  # unreachable, keeps type checkers calm


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
