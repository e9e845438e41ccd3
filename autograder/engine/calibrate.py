"""Calibrated limits: before a class is graded, its reference solution is graded once under the same
limits. If it does not get full marks, grading stops with the limit that broke it and a value that works."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from autograder import course
from autograder.engine import worker
from autograder.engine.context import STATUS_TEXT, ClassContext, Result
from autograder.engine.submissions import Task

REFERENCE_SID = "qkv_calibration_reference"
MAX_MEMORY_MB = 65536
MEMORY_STEPS = 8  # each retry doubles the limit that broke: memory up to 256x ...
TIME_STEPS = 2  # ... time up to 4x (a reference that loops would otherwise run for long)


class LimitsTooTight(RuntimeError):
    """The reference lost points under the options' limits; the message says which and what works."""


def full_marks(result: Result) -> bool:
    auto = [(score, top) for score, top in result.cells.values() if score is not None]
    return result.status == "ok" and bool(auto) and all(score >= top - 1e-9 for score, top in auto)


def lost(result: Result) -> str:
    cells = [gid for gid, (score, top) in result.cells.items() if score is not None and score < top - 1e-9]
    return ", ".join(cells) or "every cell"


def grade_reference(pool, ctx: ClassContext, opts):
    """The reference's grading, submitted to the pool (a future)."""
    task = Task(index=999, student="reference solution", sid=REFERENCE_SID,
                path=str(course.source_notebook(ctx.assignment, opts.solutions)))
    return pool.submit(worker.grade_one, task, ctx)


def stamp(ctx: ClassContext, opts) -> str:
    """What a calibration depends on: the reference notebook and the limits it ran under."""
    source = course.source_notebook(ctx.assignment, opts.solutions).read_bytes()
    limits = [ctx.memory, ctx.memory_mode, ctx.timeout, ctx.cell_timeout, ctx.skip_demo, ctx.guard,
              sorted(ctx.features.items())]
    return hashlib.sha256(source + json.dumps(limits).encode()).hexdigest()


@dataclasses.dataclass
class Calibration:
    """A calibration under way: the reference's future, or None when ``record`` already vouches for it."""

    future: object | None
    key: str
    record: Path | None


def start(pool, ctx: ClassContext, opts, record: Path | None = None) -> Calibration:
    """Submit the reference first, so that it runs while the other workers begin on the class.

    ``record`` (in the output folder) remembers a passed calibration, so regrading a student under
    the same reference and limits does not pay for it again.
    """
    key = stamp(ctx, opts)
    if record is not None and record.exists() and json.loads(record.read_text(encoding="utf-8")).get("stamp") == key:
        return Calibration(None, key, record)
    return Calibration(grade_reference(pool, ctx, opts), key, record)


def finish(calibration: Calibration, pool, ctx: ClassContext, opts, pending=()) -> Result | None:
    """The reference's result; raise LimitsTooTight when it loses points (``pending`` class futures are
    cancelled first, so that the search for a working limit does not wait behind the class)."""
    if calibration.future is None:
        return None
    result = calibration.future.result()
    if full_marks(result):
        if calibration.record is not None:
            calibration.record.write_text(json.dumps({"stamp": calibration.key, "seconds": round(result.seconds, 2)}),
                                          encoding="utf-8")
        return result
    for future in pending:
        future.cancel()
    limit, works = _find_working_limit(pool, ctx, opts, result)
    why = f"{STATUS_TEXT.get(result.status, result.status)}: {result.message or 'lost points on ' + lost(result)}"
    text = f"the reference solution of {ctx.assignment} does not get full marks under these limits ({why})."
    if limit:
        text += f" The limit that broke it: {limit}. A value that works: {works}."
    else:
        text += " No limit explains it: check the reference notebook (the grader log is in --out/nbgrader)."
    raise LimitsTooTight(text)


def check(pool, ctx: ClassContext, opts, record: Path | None = None) -> Result | None:
    """Calibrate before anything else runs: :func:`start` then :func:`finish`."""
    return finish(start(pool, ctx, opts, record), pool, ctx, opts)


def _find_working_limit(pool, ctx: ClassContext, opts, first: Result) -> tuple[str, str]:
    """Double the limit that broke the reference until it gets full marks."""
    if first.status == "memory":
        flag, field, value, cap, steps = "--memory", "memory", ctx.memory, MAX_MEMORY_MB, MEMORY_STEPS
    elif first.status == "timeout" and "per-cell" in first.message:
        flag, field, value, cap, steps = "--cell-timeout", "cell_timeout", ctx.cell_timeout, ctx.timeout, TIME_STEPS
    elif first.status == "timeout":
        flag, field, value, cap, steps = "--timeout", "timeout", ctx.timeout, ctx.timeout * 2**TIME_STEPS, TIME_STEPS
    else:
        return "", ""
    broke = f"{flag} {value:g}"
    for step in range(1, steps + 1):
        value = min(cap, value * 2)
        changes = {field: value, "run_id": f"{ctx.run_id}-calibrate-{step}"}
        if field == "timeout":
            changes["cell_timeout"] = max(ctx.cell_timeout, value)
        attempt = grade_reference(pool, dataclasses.replace(ctx, **changes), opts).result()
        if full_marks(attempt):
            extra = f" (and --cell-timeout {changes['cell_timeout']:g})" if field == "timeout" else ""
            return broke, f"{flag} {value:g}{extra}"
        if attempt.status != first.status or value >= cap:
            break
    return broke, f"none found up to {flag} {value:g}"
