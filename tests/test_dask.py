"""Grading on a real Dask cluster: a scheduler and two workers started here as separate processes.

The class graded through them gives the same grades.csv as --jobs 1; a worker killed in the middle of
the run loses nothing: its submissions are graded on the other worker, each student once. The other worker,
started as book/grading.md says (its nanny in front) and stopped as an operator stops it (SIGTERM), leaves no
process and no folder behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_grade_command import ASSIGNMENT, FIXTURES, REFERENCE, release_of, run_grade

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _start(args: list[str], log: Path) -> subprocess.Popen:
    handle = open(log, "wb")  # noqa: SIM115 - closed with the process
    env = dict(os.environ, PYTHONPATH=str(REPO))  # a worker imports the grader from the course's repository
    return subprocess.Popen([str(BIN / "dask"), *args], stdout=handle, stderr=subprocess.STDOUT, cwd=REPO,
                            start_new_session=True, env=env)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _children() -> dict[int, list[int]]:
    """Child pids by parent pid, from /proc/<pid>/stat ("pid (name) state ppid ...")."""
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(stat.parent.name))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _kill_alone(proc: subprocess.Popen) -> None:
    """SIGKILL the worker process only (not its group, as a crash would): whatever it started must exit."""
    left = _descendants(proc.pid)
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)
    left = _still_running(left)
    _stop(proc)  # the rest of its process group, should the check below fail
    assert not left, f"processes of a killed Dask worker are still running: {sorted(left)}"


def _still_running(pids: set[int], seconds: float = 20) -> set[int]:
    """Those of ``pids`` still running (not zombies) after up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while pids and time.monotonic() < deadline:
        pids = {pid for pid in pids if Path(f"/proc/{pid}").exists()
                and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"}
        time.sleep(0.2)
    return pids


@pytest.fixture
def cluster(tmp_path):
    """`dask scheduler` on a free port and two `dask worker` processes (one task at a time each)."""
    info = tmp_path / "scheduler.json"
    procs = [_start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(info)], tmp_path / "scheduler.log")]
    try:
        deadline = time.monotonic() + 120
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        # w0 is the one killed mid-run; w1 runs as book/grading.md says, its nanny in front (stopped gracefully)
        for i, nanny in enumerate((["--no-nanny"], [])):
            procs.append(_start(["worker", address, "--nthreads", "1", *nanny, "--no-dashboard",
                                 "--host", "127.0.0.1", "--name", f"w{i}"], tmp_path / f"worker{i}.log"))
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=180)
        yield {"address": address, "workers": procs[1:]}
    finally:
        try:
            for proc in procs[1:]:
                _kill_alone(proc)
        finally:
            for proc in reversed(procs):
                _stop(proc)


def _machine_folders() -> list[str]:
    """On a worker: the folders its grading set-up made (cluster._MACHINE)."""
    from autograder.engine import cluster

    return [str(path) for machine in cluster._MACHINE for path in (machine.base, machine.kernels)]  # noqa: SLF001


def _class(tmp_path: Path, copies: int) -> Path:
    release = release_of(tmp_path)
    folder = tmp_path / "class"
    folder.mkdir()
    for i in range(copies):
        shutil.copy(REFERENCE if i % 2 == 0 else release, folder / f"student {i:02d}.ipynb")
    return folder


def _grades(out: Path) -> str:
    return (out / "grades.csv").read_text(encoding="utf-8")


@pytest.mark.slow
def test_dask_grades_match_jobs_1_and_survive_a_killed_worker(cluster, tmp_path):
    folder = _class(tmp_path, 6)
    run_grade(folder, tmp_path / "local", "--jobs", "1")
    command = [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(folder), "--out", str(tmp_path / "dask"),
               "--solutions", str(FIXTURES), "--quiet", "--scheduler", cluster["address"]]
    grading = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO)
    victim = cluster["workers"][0]
    from distributed import Client

    with Client(cluster["address"], timeout="60s") as client:  # kill a worker while it grades a student
        address = next(a for a, pid in client.run(os.getpid).items() if pid == victim.pid)
        deadline = time.monotonic() + 600
        folders = client.run(_machine_folders)  # each worker sets itself up as the command connects
        while time.monotonic() < deadline and grading.poll() is None and not all(folders.values()):
            time.sleep(0.2)
            folders = client.run(_machine_folders)
        while time.monotonic() < deadline and grading.poll() is None:
            keys = client.processing().get(address, [])
            if any(str(k).startswith("grade-") and "calibration" not in str(k) for k in keys):
                break
            time.sleep(0.2)
        killed_while_busy = grading.poll() is None
        _stop(victim)
    log, _ = grading.communicate(timeout=900)
    assert grading.returncode == 0, log
    assert killed_while_busy, "the run ended before a worker could be killed mid-run"
    assert _grades(tmp_path / "dask") == _grades(tmp_path / "local")
    rows = _grades(tmp_path / "dask").splitlines()[1:]
    assert len(rows) == 6 and len({r.split(",")[0] for r in rows}) == 6
    survivor = cluster["workers"][1]
    kept = next(paths for a, paths in folders.items() if a != address)
    for path in folders[address]:  # the killed worker could not remove its own
        shutil.rmtree(path, ignore_errors=True)
    started = _descendants(survivor.pid)  # its worker process, grader, zygote
    survivor.send_signal(signal.SIGTERM)  # as an operator stops it: its nanny closes it, then exits
    survivor.wait(timeout=120)
    assert not _still_running(started), "processes of a Dask worker stopped gracefully are still running"
    assert kept and not [path for path in kept if Path(path).exists()], (
        f"a worker stopped gracefully left its grading folders behind: {kept}")
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + str(tmp_path / "dask" / "nbgrader" / "gradebook.db")) as gb:
        assert len(gb.assignment_submissions(ASSIGNMENT)) == 6
        assert len(gb.students) == 6
