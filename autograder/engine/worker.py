"""Grading one submission in a worker process: nbgrader's Autograde and GenerateFeedback, in-process,
against a private course directory and a private copy of the gradebook."""

from __future__ import annotations

import logging
import os
import shutil
import time
import traceback
import warnings
from pathlib import Path

from autograder import course, sandbox
from autograder.engine import cgroups, font_cache, guard, isolation
from autograder.engine.context import MAX_NOTEBOOK_MB, STATE, ClassContext, Result, Submission
from autograder.engine.gradebook import SESSION_WARNING
from autograder.engine.submissions import Task

#: What a worker imports before its first submission; a local pool's fork server imports it once for all its
#: workers (:func:`autograder.engine.runner.start_pool`).
IMPORTS = ("nbconvert.exporters", "nbgrader.converters", "autograder.engine.preprocessors.execute")


def init_worker(work: str | None = None, kernels: str | None = None, environ: dict | None = None) -> None:
    """Import the heavy modules once per worker, and start its zygote (both while the main process prepares
    the course): the first kernel then starts warm too. ``environ``: the command's environment now (a
    worker forked by a fork server would otherwise keep the one the server started with)."""
    import importlib

    if environ is not None:
        os.environ.clear()
        os.environ.update(environ)
    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore", message=SESSION_WARNING)  # nbgrader's gradebook, on every submission
    if work and kernels:
        from autograder.engine import zygote

        zygote.ensure(work, kernels)
    for module in IMPORTS:
        importlib.import_module(module)
    from autograder.engine.gradebook import reuse_engines
    from autograder.engine.metadata_schema import check_schema_once

    reuse_engines()
    check_schema_once()


def warm_up() -> int:
    return os.getpid()


def set_context(ctx: ClassContext) -> None:
    import nbformat

    if STATE.ctx is not None and STATE.ctx.run_id == ctx.run_id:
        return
    STATE.ctx = ctx
    STATE.release_nb = nbformat.read(ctx.release_path, as_version=4)
    STATE.guard_install = guard.install_code() if ctx.guard else ""
    STATE.guard_restore = guard.restore_code(STATE.release_nb) if ctx.guard else ""


def grade_one(task: Task, ctx: ClassContext) -> Result:
    """Grade one submission; every submission gets a result, whatever happens."""
    start = time.monotonic()
    try:
        set_context(ctx)
        result = _grade(task, start)
    except Exception as error:  # noqa: BLE001 - every submission gets a row
        result = Result(task.student, task.sid, "error", f"{type(error).__name__}: {error}")
        result.message += " | " + traceback.format_exc(limit=3).replace("\n", " ")[-300:]
    result.seconds = time.monotonic() - start
    return result


def _grade(task: Task, start: float) -> Result:
    result = Result(task.student, task.sid, task.status or "ok", task.message)
    if task.status:
        return result
    nb = read_submission(task, result)
    if nb is None:
        return result
    course_dir = private_course(task, nb)
    STATE.policy = kernel_policy(task)
    STATE.submission = Submission(deadline=time.monotonic() + STATE.ctx.timeout, started=start)
    try:
        run_nbgrader(task, course_dir, result)
    finally:
        isolation.kill_uid(STATE.policy.uid)
        cgroups.remove_cgroup(STATE.policy.cgroup)
        shutil.rmtree(STATE.policy.workdir, ignore_errors=True)
    if result.status == "ok":
        result.status, result.message = outcome(task, STATE.submission)
    read_back(task, result)
    result.feedback_finished = finish_page(course_dir, task)
    result.course_dir = str(course_dir)
    result.phases = {k: round(v, 2) for k, v in STATE.submission.phases.items()}
    return result


def finish_page(root: Path, task: Task) -> bool:
    """Make the feedback page final here (its maths rendered, scripts barred), in parallel with the other
    workers, not on the instructor's side, where pages would wait one after the other."""
    from autograder.engine.feedback import finish_feedback

    page = root / "feedback" / task.sid / STATE.ctx.assignment / f"{STATE.ctx.notebook}.html"
    if not page.exists():
        return False
    page.write_text(finish_feedback(page.read_text(encoding="utf-8")), encoding="utf-8")
    return True


def read_submission(task: Task, result: Result):
    """The submission as a notebook, or None with the result's status and message saying why."""
    import nbformat

    path = Path(task.path)
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_MB * 2**20:
        result.status, result.message = "invalid", f"the notebook is {size / 2**20:.0f} MB (limit {MAX_NOTEBOOK_MB} MB)"
        return None
    try:
        nb = nbformat.reads(path.read_bytes().decode("utf-8-sig"), as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no cells")
    except Exception as error:  # noqa: BLE001
        result.status = "invalid"
        result.message = f"not a readable notebook ({type(error).__name__}: {str(error)[:120]})"
        return None
    answers = {course.grade_id(c) for c in STATE.release_nb.cells if course.is_answer(c)}
    ids = {course.grade_id(c) for c in nb.cells} - {None}
    if ids and answers and not ids & answers:
        result.status = "wrong"
        result.message = f"none of its graded cells belong to {STATE.ctx.assignment} (found e.g. {sorted(ids)[0]})"
        return None
    return nb


def private_course(task: Task, nb) -> Path:
    """A course directory for this submission: the source linked, the pristine gradebook copied."""
    import nbformat

    ctx = STATE.ctx
    root = Path(ctx.work) / task.sid
    if root.exists():
        shutil.rmtree(root)
    (root / "source").mkdir(parents=True)
    (root / "source" / ctx.assignment).symlink_to(Path(ctx.master) / "source" / ctx.assignment)
    gradebook = private_gradebook()
    gradebook.parent.mkdir(exist_ok=True)
    gradebook.unlink(missing_ok=True)  # a new file: nothing still open on the previous one sees this one
    shutil.copy(ctx.pristine_db, gradebook)
    course.write_config(root, "sqlite:///" + str(gradebook))
    submitted = root / "submitted" / task.sid / ctx.assignment
    submitted.mkdir(parents=True)
    nbformat.write(nb, submitted / f"{ctx.notebook}.ipynb")
    return root


def private_gradebook() -> Path:
    """The gradebook of the submission this worker grades: the same path for each (it grades one at a time),
    so that all of nbgrader's Gradebooks in this process use one engine (gradebook.reuse_engines), a scratch
    one (gradebook.SCRATCH: the grades are read back from it, then merged into the real gradebook)."""
    from autograder.engine.gradebook import SCRATCH

    path = Path(STATE.ctx.work) / f"worker-{os.getpid()}" / "gradebook.db"
    SCRATCH.add("sqlite:///" + str(path))
    return path


def kernel_policy(task: Task) -> sandbox.Policy:
    """The sandbox of this submission's kernel: its own directory, uid and memory cgroup."""
    ctx = STATE.ctx
    kernel_dir = Path(ctx.kernels) / task.sid
    if kernel_dir.exists():
        shutil.rmtree(kernel_dir)
    kernel_dir.mkdir()
    if font_cache.font_cache_ready(Path(ctx.kernels)):
        shutil.copytree(font_cache.font_cache(Path(ctx.kernels)), kernel_dir / ".matplotlib",
                        ignore=shutil.ignore_patterns(font_cache.READY))
    uid = ctx.base_uid + task.index if ctx.features.get("user") == "" else None
    cgroup = None
    if ctx.memory_mode.startswith("cgroup"):
        cgroup = cgroups.create_memory_cgroup(f"qkv-{ctx.run_id}-{task.index}", ctx.memory)
    return sandbox.Policy(
        workdir=str(kernel_dir), uid=uid, memory_mb=ctx.memory, cgroup=cgroup,
        hide=list(ctx.hide), expose=sandbox.needed_paths(),
        network=ctx.features.get("network") == "",
        filesystem=ctx.features.get("filesystem") == "",
    )


def run_nbgrader(task: Task, root: Path, result: Result) -> None:
    """nbgrader's Autograde, then its feedback, in-process, with the grade command's preprocessors."""
    from nbgrader.apps import NbGraderAPI  # noqa: F401 - initialises nbgrader's app machinery
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    from autograder.engine.preprocessors.cached_feedback import CachedFeedback

    config = nbgrader_config(root)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = STATE.ctx.assignment, task.sid
    log = logging.getLogger(f"grade.{task.sid}")
    log.handlers[:] = [logging.FileHandler(root / "nbgrader.log", encoding="utf-8")]
    log.propagate = False
    phases = STATE.submission.phases
    phases["prepare"] = time.monotonic() - STATE.submission.started
    try:
        for converter in (Autograde, CachedFeedback):
            t = time.monotonic()
            app = converter(coursedir=coursedir, config=config)
            app.log = log
            app.force = True
            app.start()
            phases[converter.__name__] = time.monotonic() - t
    except Exception as error:  # noqa: BLE001
        result.status = "error"
        result.message = f"nbgrader failed: {str(error)[:200]} (log: {root / 'nbgrader.log'})"


def nbgrader_config(root: Path):
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        GetGrades,
        IgnorePattern,
        LimitOutput,
        OverwriteCells,
        OverwriteKernelspec,
        SaveAutoGrades,
    )

    from autograder.engine.preprocessors.execute import SandboxExecute
    from autograder.engine.preprocessors.hide_hidden_tests import HideHiddenTests
    from autograder.engine.preprocessors.normalize_submission import NormalizeSubmission
    from autograder.engine.preprocessors.safe_outputs import SafeOutputs

    config = course.load_config(root)
    config.CourseDirectory.root = str(root)
    config.Autograde.sanitize_preprocessors = [
        ClearOutput, NormalizeSubmission, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
    config.Autograde.autograde_preprocessors = [
        SandboxExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
        SafeOutputs,  # the formgrader shows this notebook to the instructor: no learner HTML/JS in it
        AssignLatePenalties, CheckCellMetadata]
    config.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, SafeOutputs, CSSHTMLHeaderPreprocessor]
    config.Execute.timeout = int(STATE.ctx.cell_timeout)
    # nbconvert checks the notebook against the schema after every preprocessor (14 times a submission); once,
    # after the last, still refuses an invalid one
    config.Exporter.optimistic_validation = True
    return config


def outcome(task: Task, sub: Submission) -> tuple[str, str]:
    """The row's status and message from what the execution found."""
    status = "tampered" if sub.tampered and sub.status == "ok" else sub.status
    notes = []
    if sub.reason and sub.status != "ok":
        notes.append(sub.reason)
    if sub.tampered:
        notes.append("test helpers modified during " + ", ".join(sub.tampered) + " (scored 0)")
    if sub.truncated:
        notes.append("output truncated")
    notes += sub.notes
    return status, "; ".join(n for n in [task.message, *notes] if n)


def read_back(task: Task, result: Result) -> None:
    """This student's grades and comments from the private gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + str(private_gradebook())) as gb:
        try:
            sub = gb.find_submission_notebook(STATE.ctx.notebook, STATE.ctx.assignment, task.sid)
            for grade in sub.grades:
                result.cells[grade.cell.name] = [grade.auto_score, float(grade.max_score)]
            for comment in sub.comments:
                result.comments[comment.cell.name] = comment.auto_comment
        except Exception:  # noqa: BLE001 - nbgrader failed before creating the submission
            result.cells = {}
