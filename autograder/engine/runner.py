"""The one runner: the instructor's command, the bank, the hostile bank and the benchmark all grade here.

:func:`grade_class` takes a folder (or zip) of submissions and the options, and returns the class's
rows; the outputs (grades.csv, feedback/, scores.svg, the nbgrader course with its gradebook) are
written to ``options.out``. Submissions are graded by a pool of worker processes
(:mod:`autograder.engine.worker`); the gradebook is written by this process only.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import json
import multiprocessing
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder import course, sandbox
from autograder.engine import calibrate, font_cache, histogram, isolation, memory, report, worker, zygote
from autograder.engine.context import STATUS_TEXT, ClassContext, Result
from autograder.engine.gradebook import locked, merge, opened
from autograder.engine.submissions import Task, discover, extract_zip

REPO = course.REPO


@dataclass
class Options:
    """What the grade command's options say (see ``python -m autograder grade --help``)."""

    assignment: str
    out: Path
    solutions: Path = course.SOLUTIONS
    jobs: int = 2
    timeout: float = 600.0  # the whole notebook
    cell_timeout: float = 300.0  # one cell (a graded training run may need ~60 s of CPU)
    memory: int = 4096
    skip_demo: bool = False
    guard: bool = True
    quiet: bool = True
    calibrate: bool = True
    scheduler: str | None = None  # a Dask scheduler's address: grade on its workers
    db: str | None = None  # the gradebook's SQLAlchemy URL (default: SQLite in out/nbgrader)

    def db_url(self) -> str:
        return self.db or course.sqlite_url(self.out / "nbgrader")


@dataclass
class ClassReport:
    tasks: list[Task]
    results: dict[int, Result]
    rows: list[dict]
    columns: list[str]
    max_score: float
    features: dict
    calibration: Result | None = None
    timings: dict = field(default_factory=dict)


class Workspace:
    """The grader's private folders: ``work`` (0700; kernels cannot enter) and ``kernels`` (0711)."""

    def __init__(self, local_kernels: bool = True, warm: list[str] | None = None, torch: bool = True):
        self.local_kernels = local_kernels  # False on a Dask cluster: its workers start their own zygotes
        self.warm = warm or []  # learner-kit modules the zygote imports for this class (zygote.WARM_MODULES)
        self.torch = torch  # whether the class's kernels use torch (the zygote imports it for them)

    def __enter__(self):
        self.work = Path(tempfile.mkdtemp(prefix="qkv-grade-"))
        self.kernels = Path(tempfile.mkdtemp(prefix="qkv-kernels-"))
        os.chmod(self.kernels, 0o711)
        # Kernels see the learner kit, not this repository; set before the worker pool starts (it inherits it).
        self.previous = {key: os.environ.get(key) for key in (sandbox.KIT_ENV, zygote.SHARED_ENV)}
        sandbox.use_learner_kit(self.kernels / ".learner-kit")
        # The kernels' font cache: a copy of a kept one, else (a machine's first class) built by a helper process
        # while the class starts
        self.fonts = font_cache.FontCache(self.kernels)
        # One zygote for the class's kernels, shared by the workers (they inherit its socket's path);
        # its imports run while the course is prepared.
        os.environ.pop(zygote.SHARED_ENV, None)
        shared = zygote.ensure(str(self.work), str(self.kernels), self.torch) if self.local_kernels else None
        if shared:
            os.environ[zygote.SHARED_ENV] = shared
            zygote.warm(shared, self.warm, str(self.kernels))
        return self

    def __exit__(self, *exc):
        self.fonts.close()
        zygote.stop_all()
        for key, value in self.previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if not os.environ.get("QKV_GRADE_KEEP"):  # keep the workspace for debugging
            shutil.rmtree(self.work, ignore_errors=True)
            shutil.rmtree(self.kernels, ignore_errors=True)


def find_tasks(submissions: Path, notebook: str, work: Path) -> list[Task]:
    """One task per student of a folder or a class zip."""
    if submissions.is_file():
        return discover(extract_zip(submissions, work / "unzipped"), notebook)
    return discover(submissions, notebook)


class InlinePool(cf.Executor):
    """One submission and one job (a regrade): graded in this process, without a worker to start."""

    def __init__(self, ws: Workspace):
        worker.init_worker(str(ws.work), str(ws.kernels))

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # noqa: BLE001 - the runner turns it into a row
            future.set_exception(error)
        return future


def start_pool(opts: Options, ws: Workspace, tasks: list[Task]) -> tuple[cf.Executor, list[cf.Future]]:
    """Worker processes (importing nbgrader and starting their zygotes while this process prepares the
    course), this process for a lone submission, or a Dask cluster.

    Local workers are forked by a fork server that imports nbgrader once for all of them (``--jobs 4``
    pays 1.7 CPU-s once, not four times); it is a fresh interpreter, not a fork of this process, as a
    spawned worker would be. The workers are started from a thread: the first one waits for those imports.
    """
    if opts.scheduler:
        from autograder.engine.cluster import DaskPool

        return DaskPool(opts.scheduler, ws.work), []
    if opts.jobs == 1 and len(tasks) == 1:
        return InlinePool(ws), []
    jobs = opts.jobs
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["autograder", *worker.IMPORTS])
    pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=worker.init_worker,
                                  initargs=(str(ws.work), str(ws.kernels), dict(os.environ)))
    starter = cf.ThreadPoolExecutor(max_workers=1)
    started = starter.submit(lambda: [f.result() for f in [pool.submit(worker.warm_up) for _ in range(jobs)]])
    starter.shutdown(wait=False)
    return pool, [started]


def stop_fork_server() -> None:
    """Stop the local pool's fork server with the pool: the next class starts one with its own environment,
    and whoever waits for this command counts the workers' CPU (a server left behind is nobody's child)."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    if server is None or not hasattr(server, "_stop"):  # CPython 3.8-3.13 have it
        return
    if getattr(server, "_forkserver_pid", None):  # its workers are gone; its own teardown would take 0.5 s
        with contextlib.suppress(ProcessLookupError):
            os.kill(server._forkserver_pid, signal.SIGKILL)  # noqa: SLF001
    server._stop()  # noqa: SLF001 - the only way to reap it


def grade_class(opts: Options, submissions: Path) -> ClassReport:
    """Grade every submission in ``submissions``; raise calibrate.LimitsTooTight if the reference
    does not get full marks under the options' limits."""
    t0 = time.monotonic()
    timings: dict[str, float] = {}
    nb_name = course.notebook_name(opts.assignment, opts.solutions)
    out = opts.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    (out / "feedback").mkdir(exist_ok=True)
    source = str(course.source_notebook(opts.assignment, opts.solutions))
    with Workspace(local_kernels=not opts.scheduler, warm=zygote.modules_to_warm(source),
                   torch=zygote.uses_torch(source)) as ws:
        # the sandbox probe is a subprocess: it runs beside this process's imports and the grading
        helpers = cf.ThreadPoolExecutor(max_workers=1)
        probing = helpers.submit(isolation.probe, str(opts.solutions))
        tasks = find_tasks(submissions, nb_name, ws.work)
        pool, warm = start_pool(opts, ws, tasks)
        warm_instructor_side()  # while the workers and their zygotes start
        with ws.fonts:
            with pool:
                ctx = prepare(opts, out, ws, nb_name, tasks, submissions, probing)
                helpers.shutdown()
                timings["setup"] = time.monotonic() - t0
                cf.wait(warm)
                pending = calibrate.start(pool, ctx, opts, out / "calibration.json") if opts.calibrate else None
                timings["grading_started"] = time.monotonic() - t0
                results, calibration = run_tasks(pool, tasks, ctx, opts, timings, pending, t0)
            stop_fork_server()
            timings["graded"] = time.monotonic() - t0
            import nbformat

            release_nb = nbformat.read(ctx.release_path, as_version=4)
            rows, columns, max_score = report.grade_rows(opts.db_url(), opts.assignment, nb_name,
                                                         release_nb, tasks, results)
            report.write_grades_csv(out / "grades.csv", rows, columns)
            histogram.write(out / "scores.svg", [r["score"] for r in rows], max_score, opts.assignment)
        timings["total"] = time.monotonic() - t0
        report.write_json(out, tasks, results, timings)
    return ClassReport(tasks, results, rows, columns, max_score, dict(ctx.features), calibration, timings)


def prepare(opts: Options, out: Path, ws: Workspace, nb_name: str, tasks: list[Task], submissions: Path,
            probing: cf.Future):
    """The master course (source, release, gradebook), the sandbox's features (``probing``), the class context."""
    master = out / "nbgrader"
    ensure_master(opts, master)
    if opts.db:  # the workers' private gradebooks are SQLite copies of a fresh one
        pristine = course.make_course(ws.work / "pristine", opts.assignment, opts.solutions)
        course.generate_in_process(pristine, opts.assignment)
    else:
        pristine = master
    shutil.copy(pristine / "gradebook.db", ws.work / "pristine.db")  # workers copy this, never the live one
    features = probing.result()
    warn_missing(features)
    memory_mode = memory.limit_mode(opts.memory)
    (out / "sandbox.json").write_text(json.dumps({**features, "memory_limit_applied": memory_mode}, indent=1),
                                      encoding="utf-8")
    hide = sorted({str(opts.solutions), str(REPO / "solutions"), str(REPO / "autograder"), str(REPO / "tests"),
                   str(REPO / ".git"), str(out), str(ws.work), str(Path(submissions).resolve())})
    return ClassContext(
        run_id=f"{os.getpid()}-{int(time.time() * 1000)}", assignment=opts.assignment, notebook=nb_name,
        master=str(master), work=str(ws.work), kernels=str(ws.kernels),
        release_path=str(master / "release" / opts.assignment / f"{nb_name}.ipynb"),
        pristine_db=str(ws.work / "pristine.db"), timeout=opts.timeout, cell_timeout=opts.cell_timeout,
        memory=opts.memory, memory_mode=memory_mode, features=features, skip_demo=opts.skip_demo,
        guard=opts.guard, hide=tuple(hide),
        base_uid=200000 + random.randrange(0, 1000) * 1000 if len(tasks) < 999 else 200000,
    )


def ensure_master(opts: Options, master: Path) -> None:
    """The master course (source, release, gradebook), generated again only when something it is made of
    changed: the assignment's source files or the gradebook's URL (a shared gradebook: always)."""
    import hashlib

    digest = hashlib.sha256(f"{opts.db_url()}\n{opts.assignment}".encode())
    for path in sorted((Path(opts.solutions) / opts.assignment).rglob("*")):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts:
            digest.update(str(path.relative_to(opts.solutions)).encode() + b"\0" + path.read_bytes())
    record = master / "generated.json"
    release = master / "release" / opts.assignment
    if (not opts.db and record.exists() and release.is_dir() and (master / "gradebook.db").exists()
            and json.loads(record.read_text(encoding="utf-8")).get("stamp") == digest.hexdigest()):
        return
    course.make_course(master, opts.assignment, opts.solutions, opts.db)
    with locked(opts.db_url()):
        course.generate_in_process(master, opts.assignment)
    record.write_text(json.dumps({"stamp": digest.hexdigest()}), encoding="utf-8")


def warn_missing(features: dict) -> None:
    """Say once, loudly, which isolation features this machine lacks."""
    missing = {k: v for k, v in features.items() if v}
    if missing:
        print("\n" + "!" * 78, file=sys.stderr)
        print("WARNING: some isolation features are not available; grading continues without them:", file=sys.stderr)
        for key, why in missing.items():
            print(f"  - {key}: {why}", file=sys.stderr)
        print("!" * 78 + "\n", file=sys.stderr)


def run_tasks(pool, tasks: list[Task], ctx: ClassContext, opts: Options, timings: dict,
              calibration: calibrate.Calibration | None = None,
              t0: float = 0.0) -> tuple[dict[int, Result], Result | None]:
    """Grade every task on the pool while the reference calibrates on another worker (submitted first).

    Nothing is merged into the gradebook (and no feedback page written) before the calibration passed: if
    it fails, the class's unstarted notebooks are cancelled and calibrate.LimitsTooTight propagates.
    """
    master = Path(ctx.master)
    bar = None
    if not opts.quiet:
        from tqdm import tqdm

        bar = tqdm(total=len(tasks), unit="notebook", desc=f"grading {ctx.assignment}", file=sys.stderr)
    results: dict[int, Result] = {}
    futures = {pool.submit(worker.grade_one, t, ctx): t for t in tasks}
    reference = None
    if calibration is not None:
        reference = calibrate.finish(calibration, pool, ctx, opts, pending=list(futures))
    timings["calibrated"] = time.monotonic() - t0
    with opened(opts.db_url()) as gradebook:
        for future in cf.as_completed(futures):
            task = futures[future]
            try:
                result = future.result()
            except Exception as error:  # noqa: BLE001 - a worker crashed: the row says so
                result = Result(task.student, task.sid, "error", f"grader worker failed: {error}")
            t = time.monotonic()
            merge(gradebook, master, opts.db_url(), ctx.assignment, ctx.notebook, result)
            # the learner's page now, while the workers grade on (this process would otherwise wait)
            report.write_feedback(opts.out.resolve(), master, ctx.assignment, ctx.notebook, [task],
                                  {task.index: result})
            timings["merge_seconds"] = timings.get("merge_seconds", 0.0) + time.monotonic() - t
            results[task.index] = result
            if bar is not None:
                bar.update(1)
                bar.set_postfix_str(f"{task.student[:20]}: {STATUS_TEXT.get(result.status, result.status)}")
    if bar is not None:
        bar.close()
    return results, reference


def warm_instructor_side() -> None:
    """Import what the merge needs (the workers start meanwhile, on the other cores)."""
    try:
        import nbgrader.api  # noqa: F401 - the gradebook
        from sqlalchemy.orm import configure_mappers

        configure_mappers()
    except Exception:  # noqa: BLE001 - only a head start: the real imports report their own errors
        pass
