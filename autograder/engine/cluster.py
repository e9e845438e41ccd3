"""Grading on a Dask distributed cluster (``--scheduler ADDRESS``).

Each submission is one Dask task that runs :func:`autograder.engine.worker.grade_one` on a Dask
worker, in the same sandbox as the local pool. The worker gets what it needs as bytes (the
assignment's source, the release, an empty gradebook once per run; the notebook with each task),
lays out its own private course directory (its learner kit, zygote, grading process and sandbox probe are set up
once per worker, as the command connects, and kept for the next runs), and sends back the result with the student's
submitted, autograded and feedback files. The instructor's process merges them into the one
gradebook, exactly as for the local pool. A worker that dies mid-run loses nothing: the scheduler
runs its tasks again on another worker, and each student's result is merged once.

Each worker must have this repository installed (same requirements, ``pip install -e .``) and run
one task at a time: ``dask worker ADDRESS --nthreads 1`` (see book/grading.md).
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import io
import multiprocessing
import multiprocessing.util
import os
import shutil
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.engine.context import ClassContext, Result
from autograder.engine.submissions import Task

SHIPPED = ("submitted", "autograded", "feedback")  # what comes back of a student's private course


@dataclass(frozen=True)
class Bundle:
    """The class-wide files a worker needs, sent once per run."""

    source: bytes  # tar of source/<assignment>/
    release: bytes
    pristine_db: bytes


def tar_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        if folder.exists():
            archive.add(folder, arcname=".")
    return buffer.getvalue()


def untar(data: bytes, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        archive.extractall(dest, filter="data")


# --------------------------------------------------------------------------- instructor's side


class DaskPool:
    """The local pool's interface (submit -> concurrent future) over a Dask cluster."""

    def __init__(self, address: str, local_work: Path):
        from distributed import Client

        self.client = Client(address, timeout="60s", set_as_default=False)
        self.local_work = local_work
        self.bundles: dict[str, object] = {}
        self.running: dict[str, object] = {}  # a Dask future nobody holds is forgotten (cancelled)
        # each worker sets itself up (learner kit, zygote, probe) while the instructor's side prepares the course
        self.prepared = [self.client.submit(prepare_machine, key=f"prepare-{address}-{os.getpid()}-{worker}",
                                            workers=[worker], allow_other_workers=False, pure=False)
                         for worker in self.client.scheduler_info().get("workers", {})]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.client.close()

    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def submit(self, fn, *args) -> cf.Future:
        task, ctx = args
        done: cf.Future = cf.Future()
        key = f"grade-{ctx.run_id}-{task.sid}"
        remote = self.client.submit(grade_remote, task, Path(task.path).read_bytes() if task.path else b"",
                                    ctx, self._bundle(ctx), pure=False, key=key)
        self.running[key] = remote

        def finish(future) -> None:
            self.running.pop(key, None)
            if done.cancelled():  # the runner gave up on it (the calibration failed)
                return
            try:
                done.set_result(self._unpack(future.result()))
            except BaseException as error:  # noqa: BLE001 - the runner turns it into a row
                done.set_exception(error)

        remote.add_done_callback(finish)
        done.add_done_callback(lambda f: remote.cancel() if f.cancelled() else None)
        return done

    def _bundle(self, ctx: ClassContext):
        if ctx.run_id not in self.bundles:
            bundle = Bundle(tar_folder(Path(ctx.master) / "source" / ctx.assignment),
                            Path(ctx.release_path).read_bytes(), Path(ctx.pristine_db).read_bytes())
            # a task, not scattered data: if the worker holding it dies, the scheduler makes it again
            self.bundles[ctx.run_id] = self.client.submit(_identity, bundle, key=f"bundle-{ctx.run_id}", pure=False)
        return self.bundles[ctx.run_id]

    def _unpack(self, result: Result) -> Result:
        """The worker's files into a local private course, where the merge expects them."""
        files, result.files = result.files, {}
        if files:
            root = self.local_work / "remote" / result.sid
            shutil.rmtree(root, ignore_errors=True)
            for folder, data in files.items():
                untar(data, root / folder / result.sid / result.course_dir)
            result.course_dir = str(root)
        return result


# --------------------------------------------------------------------------- worker's side


def _identity(value):
    return value


_LOCK = threading.Lock()  # the engine's worker state is per process: one submission at a time
_LOCAL: dict[str, ClassContext] = {}


def grade_remote(task: Task, notebook: bytes, ctx: ClassContext, bundle: Bundle) -> Result:
    """Grade one submission on this Dask worker; the result carries its files back."""
    with _LOCK:
        local = _localize(ctx, bundle)
        if task.path:
            path = Path(local.work) / "incoming" / f"{task.sid}.ipynb"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(notebook)
            task = dataclasses.replace(task, path=str(path))
        result = _grade_in_process(task, local)
        if result.course_dir:
            root = Path(result.course_dir)
            result.files = {folder: tar_folder(root / folder / task.sid / ctx.assignment) for folder in SHIPPED}
            result.course_dir = ctx.assignment  # the instructor's side rebuilds the path
            shutil.rmtree(root, ignore_errors=True)
        return result


def _grade_in_process(task: Task, local: ClassContext) -> Result:
    """grade_one in the machine's grading process, away from the Dask worker's event loop (which often holds
    the GIL). A grading process that died (the kernel OOM killer may pick it) is replaced once."""
    from autograder.engine import worker

    machine = _machine()
    try:
        return machine.grader.submit(worker.grade_one, task, local).result()
    except cf.BrokenExecutor:  # BrokenProcessPool
        machine.grader = _start_grader(worker)
        return machine.grader.submit(worker.grade_one, task, local).result()


@dataclass
class Machine:
    """What a Dask worker keeps between runs: its private folder, the kernels' folder with the learner kit
    and matplotlib's font cache, the zygote and the sandbox probe (none depends on the class)."""

    base: Path  # 0700: the zygote's socket and each run's course live here
    kernels: Path
    features: dict
    grader: cf.ProcessPoolExecutor  # one process, as a local pool's worker: grade_one runs there


_MACHINE: list[Machine] = []


def prepare_machine() -> int:
    """Set this worker up once (imports, learner kit, zygote, probe); the grade command asks for it as it
    connects, so a fresh worker gets ready while the instructor's side prepares the course."""
    with _LOCK:
        _machine()
    return os.getpid()


def _machine() -> Machine:
    if _MACHINE:
        return _MACHINE[0]
    from autograder import sandbox
    from autograder.engine import font_cache, isolation, worker, zygote

    base = Path(tempfile.mkdtemp(prefix="qkv-dask-grade-"))
    kernels = Path(tempfile.mkdtemp(prefix="qkv-dask-kernels-"))
    os.chmod(kernels, 0o711)
    sandbox.use_learner_kit(kernels / ".learner-kit")  # this worker's kernels see the learner kit only
    os.environ.pop(zygote.SHARED_ENV, None)  # this worker's own zygote, on this machine, shared with its grader
    shared = zygote.ensure(str(base), str(kernels))  # its imports run while the grader imports nbgrader
    if shared:
        os.environ[zygote.SHARED_ENV] = shared
    grader = _start_grader(worker)
    font_cache.build_font_cache(kernels)
    machine = Machine(base, kernels, isolation.probe(str(base)), grader)
    _MACHINE.append(machine)
    # At the worker's exit, before multiprocessing joins its children: a worker that its nanny started is such a
    # child, where atexit never runs; the join would wait for the grader, which waits for this process to go,
    # until the nanny kills it (about 15 s), leaving these folders behind
    multiprocessing.util.Finalize(None, _cleanup, args=(machine,), exitpriority=10)
    return machine


def _init_grader(parent: int) -> None:
    """The grader's start: it exits when its Dask worker is gone (a pool's child never sees its pipe close:
    it holds both ends), then imports what grading needs."""
    from autograder.engine import worker

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    worker.init_worker()


def _start_grader(worker) -> cf.ProcessPoolExecutor:
    """The one process that grades this worker's submissions (spawned now, importing nbgrader at once).

    A Dask worker is a daemonic process, which multiprocessing forbids to have children, so that they are
    not left behind. The grader is not: it reads its tasks from a pipe to this process and exits at its end.
    """
    grader = cf.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=_init_grader, initargs=(os.getpid(),))
    config = multiprocessing.current_process()._config  # noqa: SLF001 - the only switch there is
    daemon = config.get("daemon")
    config["daemon"] = False
    try:
        grader.submit(worker.warm_up)  # starts the process
    finally:
        config["daemon"] = daemon
    return grader


def _localize(ctx: ClassContext, bundle: Bundle) -> ClassContext:
    """This worker's copy of the class: its own workspace, course source and gradebook."""
    if ctx.run_id in _LOCAL:
        return _LOCAL[ctx.run_id]
    from autograder.engine import memory
    from autograder.engine.runner import REPO

    machine = _machine()
    for old in _LOCAL.values():  # one run at a time per worker: drop the previous run's files
        shutil.rmtree(old.work, ignore_errors=True)
    _LOCAL.clear()
    work = machine.base / f"run-{ctx.run_id}"
    master = work / "master"
    untar(bundle.source, master / "source" / ctx.assignment)
    release = master / "release" / ctx.assignment / f"{ctx.notebook}.ipynb"
    release.parent.mkdir(parents=True)
    release.write_bytes(bundle.release)
    (work / "pristine.db").write_bytes(bundle.pristine_db)
    from autograder.engine import zygote

    zygote.warm(os.environ.get(zygote.SHARED_ENV), zygote.modules_to_warm(str(release)), str(machine.kernels))
    hide = sorted({str(machine.base), str(REPO / "solutions"), str(REPO / "autograder"), str(REPO / "tests"),
                   str(REPO / ".git")})
    local = dataclasses.replace(
        ctx, master=str(master), work=str(work), kernels=str(machine.kernels), release_path=str(release),
        pristine_db=str(work / "pristine.db"), features=machine.features,
        memory_mode=memory.limit_mode(ctx.memory), hide=tuple(hide))
    _LOCAL[ctx.run_id] = local
    return local


def _cleanup(machine: Machine) -> None:
    machine.grader.shutdown(cancel_futures=True)
    shutil.rmtree(machine.base, ignore_errors=True)
    shutil.rmtree(machine.kernels, ignore_errors=True)
