"""``make bench``: seconds per submission of the grade command against its floor.

Every grading measured here runs ``python -m autograder grade`` (the one engine), on N copies of an
assignment's reference notebook (what a good learner hands in), in one run:

* ``floor``: executing the notebook in a plain kernel (nbclient), outputs cleared first, the better of
  two runs (the first warms the disk caches): what any grader must pay;
* ``jobs1`` / ``jobs2``: the command with ``--jobs 1`` and ``--jobs 2`` (wall time of the whole
  command / N: start-up and the reference's calibration run included); goals: jobs1 <= 1.3 x floor,
  jobs1 / jobs2 >= 1.7. Beside the speed-up, two ceilings: the CPU's (``--jobs 2``'s CPU seconds spread
  over every core) and the start-up's (``start_up_bound``: ``--jobs 1``'s start-up, then its notebooks two
  at a time), with the start-up that the goal would need at this number of copies;
* ``pair``: two ``--jobs 1`` commands at once, each grading its own copy of the class: the speed-up that
  two graders sharing nothing get from this machine's cores, beside which ``jobs2`` is read (``--jobs 2``
  shares one start-up, but one of its two workers grades the odd notebook alone at the end);
* ``regrade``: one student graded again into the same output folder (calibration already recorded);
  goal: <= floor + 2 s;
* ``dask``: the command with ``--scheduler`` on a local Dask scheduler and 2 workers started here, for
  the cluster's second class (a cluster outlives its classes, and each worker sets itself up once: the
  learner kit, its zygote, its grading process, the probe); goal: throughput >= 0.9 x jobs2.
  ``dask_cold`` is the cluster's first class, which waits for that set-up (reported beside it);
* ``extrapolation``: 10,000 submissions on 50 Dask workers, from the measured per-submission cost in
  a worker, the scheduler overhead per submission and the instructor-side merge per submission.

Each command is run ``--runs`` times (default 2; a new output folder, or a new cluster, each time) and the
fastest run counts, as for the floor: this machine's speed drifts by 20 % from one minute to the next. The
runs of ``--jobs 1`` and ``--jobs 2`` alternate, so that a drift reaches both.

Usage::

    python -m autograder.bench [--assignments 01_static_embeddings ...] [--copies 8] [--no-dask] [--no-pair]
                               [--nbgrader] [--skip-demo] [--runs 2]

Results are printed and written to autograder/runs/bench.json, with the CPU seconds of every command
next to its wall time (a shared machine inflates wall times, not CPU times).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import course

REPO = course.REPO
SOLUTIONS = course.SOLUTIONS


def floor_seconds(notebook: Path) -> float:
    """Execute the reference notebook once, in a plain kernel, from a cleared copy."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp}},
                       allow_errors=True).execute()
        return time.perf_counter() - start


def make_class(folder: Path, notebook: Path, copies: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        student = folder / f"student {i:03d}"
        student.mkdir()
        shutil.copy(notebook, student / "submission.ipynb")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def grade(assignment: str, folder: Path, out: Path, extra: list[str]) -> dict:
    """Run the grade command; wall and CPU seconds (children included), and what the workers measured."""
    cmd = [sys.executable, "-m", "autograder", "grade", assignment, str(folder), "--out", str(out), "--quiet",
           "--solutions", str(SOLUTIONS), *extra]
    cpu, start = _children_cpu(), time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=7200)
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if result.returncode != 0:
        raise RuntimeError(result.stdout + result.stderr)
    rows = json.loads((out / "results.json").read_text(encoding="utf-8"))
    timings = json.loads((out / "timings.json").read_text(encoding="utf-8"))
    return {"wall": wall, "cpu": cpu, "per_submission": wall / max(1, len(rows)), "timings": timings,
            "statuses": sorted({r["status"] for r in rows}),
            "mean_in_worker": sum(r["seconds"] for r in rows) / max(1, len(rows))}


def pair(assignment: str, folder: Path, out: Path, extra: list[str]) -> dict:
    """Two ``--jobs 1`` commands at once, each on its own copy of the class: what two graders that share
    nothing get from this machine's cores (the reference for ``--jobs 2``, which shares one start-up)."""
    cmds = [[sys.executable, "-m", "autograder", "grade", assignment, str(folder), "--out", str(out / str(i)),
             "--quiet", "--solutions", str(SOLUTIONS), "--jobs", "1", *extra] for i in (0, 1)]
    cpu, start = _children_cpu(), time.perf_counter()
    procs = [subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for cmd in cmds]
    errors = [proc.communicate(timeout=7200)[1] for proc in procs]
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if any(proc.returncode for proc in procs):
        raise RuntimeError("\n".join(errors))
    rows = [row for i in (0, 1) for row in json.loads((out / str(i) / "results.json").read_text(encoding="utf-8"))]
    return {"wall": wall, "cpu": cpu, "per_submission": wall / max(1, len(rows)),
            "statuses": sorted({row["status"] for row in rows})}


def nbgrader_seconds(assignment: str, notebook: Path, copies: int, tmp: Path) -> float:
    """A baseline, not a grading path: plain ``nbgrader autograde`` over ``copies`` submissions, serially."""
    root = course.make_course(tmp / "plain", assignment, notebook.parent.parent)
    course.nbgrader(root, "generate_assignment", assignment, "--force")
    for i in range(copies):
        target = root / "submitted" / f"s{i}" / assignment
        target.mkdir(parents=True)
        shutil.copy(notebook, target / notebook.name)
    start = time.perf_counter()
    course.nbgrader(root, "autograde", assignment, "--force", timeout=3600)
    return (time.perf_counter() - start) / copies


def local_cluster(tmp: Path, workers: int = 2):
    """A Dask scheduler on a free port and ``workers`` workers, as separate processes; (address, stop)."""
    tmp.mkdir(parents=True, exist_ok=True)
    info = tmp / "scheduler.json"
    dask = str(Path(sys.executable).parent / "dask")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": REPO,
             "env": dict(os.environ, PYTHONPATH=str(REPO))}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(info)], **quiet)]
    deadline = time.monotonic() + 120
    while not info.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    address = json.loads(info.read_text())["address"]
    procs += [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
                               **quiet) for _ in range(workers)]
    from distributed import Client

    with Client(address, timeout="60s") as client:
        client.wait_for_workers(workers, timeout=180)

    def stop() -> None:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()

    return address, stop


def extrapolate(dask: dict, copies: int, workers: int, total: int = 10_000, cluster: int = 50) -> dict:
    """Seconds for ``total`` submissions on ``cluster`` workers, from one measured Dask run."""
    t = dask["timings"]
    started = t.get("grading_started", t.get("calibrated", 0.0))
    fixed = started + (t.get("total", 0.0) - t.get("graded", 0.0))
    grading = t.get("graded", 0.0) - started  # the reference's calibration runs beside the class
    per_worker = grading * workers / (copies + 1)  # seconds of a worker per submission, overhead included
    cost = dask["mean_in_worker"]
    merge = t.get("merge_seconds", 0.0) / copies  # serial, on the instructor's side
    compute = total * per_worker / cluster
    seconds = fixed + max(compute, total * merge)
    return {"submissions": total, "workers": cluster, "seconds": seconds, "per_submission_in_worker": cost,
            "scheduler_overhead_per_submission": max(0.0, per_worker - cost), "merge_per_submission": merge,
            "fixed": fixed, "bound_by": "workers" if compute >= total * merge else "the instructor's merge"}


def start_up_bound(jobs1: dict, copies: int, goal: float = 1.7) -> dict:
    """What ``--jobs 2`` can reach with ``--jobs 1``'s start-up, from ``--jobs 1``'s own timings.

    ``--jobs 1`` grades the reference first, then the copies one by one: it ends ``first`` seconds after it
    started (its start-up and one notebook), then ``per_notebook`` seconds per copy, then ``tail`` seconds
    (the last merge, the report, the exit). Two workers with the same start-up grade the reference and one
    copy side by side, then the other copies two at a time, at best at ``--jobs 1``'s speed: ``first +
    ceil((copies - 1) / 2) * per_notebook + tail``. The goal then needs ``first + tail`` at most
    ``(copies - goal * rounds) * per_notebook / (goal - 1)`` (``first_plus_tail_needed``).
    """
    t = jobs1["timings"]
    first, tail = t["calibrated"], jobs1["wall"] - t["graded"]
    per_notebook = (t["graded"] - first) / copies
    rounds = copies // 2  # = ceil((copies - 1) / 2)
    best = first + rounds * per_notebook + tail
    needed = (copies - goal * rounds) * per_notebook / (goal - 1)
    return {"copies": copies, "first": first, "per_notebook": per_notebook, "tail": tail, "bound": jobs1["wall"] / best,
            "goal": goal, "first_plus_tail_needed": needed}


def best_of(results: list[dict]) -> dict:
    """The fastest of several runs of one measurement (this machine's speed drifts); every wall is recorded."""
    best = min(results, key=lambda m: m["wall"])
    return {**best, "walls": [round(m["wall"], 2) for m in results]}


def measure(assignment: str, copies: int, tmp: Path, args) -> dict:
    notebook = course.source_notebook(assignment)
    folder = tmp / assignment / "class"
    make_class(folder, notebook, copies)
    extra = ["--skip-demo"] if args.skip_demo else []
    # the better of two runs: the first also pays for cold disk caches (torch's libraries, the data files)
    row: dict = {"floor": min(floor_seconds(notebook), floor_seconds(notebook))}
    if args.nbgrader:
        row["nbgrader"] = nbgrader_seconds(assignment, notebook, copies, tmp / assignment)
    runs: dict[int, list[dict]] = {1: [], 2: []}
    for run in range(args.runs):  # alternated, so that a drift of the machine's speed reaches both alike
        for jobs in (1, 2):  # each run into a new folder: each pays for its calibration
            runs[jobs].append(grade(assignment, folder, tmp / assignment / f"out{jobs}-{run}",
                                    ["--jobs", str(jobs), *extra]))
    row["jobs1"], row["jobs2"] = best_of(runs[1]), best_of(runs[2])
    if args.pair:
        row["pair"] = best_of([pair(assignment, folder, tmp / assignment / f"pair-{run}", extra)
                               for run in range(args.runs)])
    single = tmp / assignment / "single"
    make_class(single, notebook, 1)
    row["regrade"] = best_of([grade(assignment, single, tmp / assignment / "out1-0", ["--jobs", "1", *extra])
                              for _ in range(args.runs)])
    if not args.no_dask:
        cold, warm = [], []
        for run in range(args.runs):  # a fresh cluster each time
            address, stop = local_cluster(tmp / assignment / f"cluster{run}")
            try:  # each class into a new folder: each pays its calibration
                cold.append(grade(assignment, folder, tmp / assignment / f"dask-cold-{run}",
                                  ["--scheduler", address, *extra]))
                warm.append(grade(assignment, folder, tmp / assignment / f"dask-{run}",
                                  ["--scheduler", address, *extra]))
            finally:
                stop()
        row["dask_cold"], row["dask"] = best_of(cold), best_of(warm)
        row["extrapolation"] = extrapolate(row["dask"], copies, 2)
    j1, j2 = row["jobs1"]["per_submission"], row["jobs2"]["per_submission"]
    # --jobs 2 needs at least its CPU seconds spread over every core: it cannot beat --jobs 1 by more than
    # this, and --jobs 1 already keeps part of a second core busy (its kernel computes while its worker reads
    # the messages, the command merges)
    bound = row["jobs1"]["wall"] * (os.cpu_count() or 1) / row["jobs2"]["cpu"]
    row["start_up"] = start_up_bound(row["jobs1"], copies)
    row["ratios"] = {"jobs1_over_floor": j1 / row["floor"], "speedup_jobs2": j1 / j2, "speedup_jobs2_bound": bound,
                     "speedup_jobs2_start_up_bound": row["start_up"]["bound"],
                     "jobs1_cores_busy": row["jobs1"]["cpu"] / row["jobs1"]["wall"],
                     "regrade_minus_floor": row["regrade"]["wall"] - row["floor"]}
    if "pair" in row:
        row["ratios"]["pair_speedup"] = j1 / row["pair"]["per_submission"]
    if "dask" in row:
        row["ratios"]["dask_throughput_over_jobs2"] = j2 / row["dask"]["per_submission"]
        row["ratios"]["dask_cold_throughput_over_jobs2"] = j2 / row["dask_cold"]["per_submission"]
    return row


def report(assignment: str, row: dict) -> None:
    r = row["ratios"]
    print(f"\n{assignment}: floor {row['floor']:.1f} s")
    for name in ("jobs1", "jobs2", "pair", "regrade", "dask_cold", "dask"):
        if name in row:
            m = row[name]
            print(f"  {name:8} {m['wall']:7.1f} s wall, {m['cpu']:7.1f} s CPU, {m['per_submission']:6.1f} s/submission,"
                  f" statuses {m['statuses']}")
    s = row["start_up"]
    print(f"  jobs1/floor {r['jobs1_over_floor']:.2f} (goal <= 1.3); jobs1/jobs2 {r['speedup_jobs2']:.2f} "
          f"(goal >= {s['goal']}); regrade - floor {r['regrade_minus_floor']:.1f} s (goal <= 2)")
    print(f"  what --jobs 2 can reach here: at most {r['speedup_jobs2_bound']:.2f} from the CPU (--jobs 1 keeps "
          f"{r['jobs1_cores_busy']:.2f} cores busy, --jobs 2 needs its CPU seconds over {os.cpu_count()} cores); "
          f"about {s['bound']:.2f} from the start-up (--jobs 1 graded its first notebook {s['first']:.1f} s after "
          f"it started, then {s['per_notebook']:.2f} s per notebook, and ended {s['tail']:.1f} s after the last; "
          f"{s['goal']} at {s['copies']} copies needs those two within {s['first_plus_tail_needed']:.1f} s; they "
          f"took {s['first'] + s['tail']:.1f} s)")
    if "pair_speedup" in r:
        print(f"  two --jobs 1 commands at once, sharing nothing: {r['pair_speedup']:.2f} x the throughput of one "
              f"(--jobs 2: {r['speedup_jobs2']:.2f})")
    if "dask_throughput_over_jobs2" in r:
        e = row["extrapolation"]
        print(f"  dask/jobs2 throughput {r['dask_throughput_over_jobs2']:.2f} (goal >= 0.9; a cluster's first class, "
              f"its workers' set-up included: {r['dask_cold_throughput_over_jobs2']:.2f}); 10,000 submissions on "
              f"50 workers: about {e['seconds'] / 3600:.1f} h (bound by {e['bound_by']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignments", nargs="*", default=["03_attention"])
    parser.add_argument("--copies", type=int, default=8, help="submissions per measurement (default 8)")
    parser.add_argument("--skip-demo", action="store_true", help="pass --skip-demo to the grade command")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask measurement")
    parser.add_argument("--nbgrader", action="store_true", help="also time plain nbgrader autograde (a baseline)")
    parser.add_argument("--no-pair", dest="pair", action="store_false",
                        help="skip the two --jobs 1 commands run at once (the machine's reference for --jobs 2)")
    parser.add_argument("--runs", type=int, default=2, help="runs of each measurement; the fastest counts (default 2)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.copies < 1:
        parser.error("--copies must be at least 1 (the speeds are per submission)")
    results: dict = {"cores": os.cpu_count(), "load_at_start": os.getloadavg()[0], "copies": args.copies,
                     "skip_demo": args.skip_demo, "assignments": {}}
    with tempfile.TemporaryDirectory(prefix="qkv-bench-") as tmpdir:
        for assignment in args.assignments:
            row = measure(assignment, args.copies, Path(tmpdir), args)
            results["assignments"][assignment] = row
            report(assignment, row)
    results["load_at_end"] = os.getloadavg()[0]
    out = REPO / "autograder" / "runs"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"\nload average {results['load_at_start']:.1f} -> {results['load_at_end']:.1f} on {results['cores']} "
          f"cores; written to {out / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
