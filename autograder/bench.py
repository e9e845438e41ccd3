"""``make bench``: seconds per submission of the grade command against its floor.

For each assignment's reference notebook (the reference is what a good learner
hands in), measured in one run:

* ``floor``: executing the notebook once in a plain kernel (nbclient), outputs
  cleared first: what any grader must pay;
* ``nbgrader``: plain ``nbgrader autograde`` over N copies, serially (one call);
* ``jobs1`` / ``jobs2``: ``python -m autograder grade`` over the same N copies with
  ``--jobs 1`` and ``--jobs 2`` (wall time of the whole command / N, so the
  fixed start-up is included);
* ``many``: 100 copies of one assignment with ``--jobs 2`` (goal: < 5 minutes).

Usage::

    python -m autograder.bench [--assignments 01_static_embeddings ...] [--copies 8]
                               [--many 100] [--many-assignment 01_static_embeddings] [--skip-demo]

Results are printed as a table and written to autograder/runs/bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"


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


def nbgrader_seconds(assignment: str, notebook: Path, copies: int, tmp: Path) -> float:
    """Plain ``nbgrader autograde`` over ``copies`` submissions (one call, serial)."""
    from autograder import course

    root = course.make_course(tmp / "plain", assignment, notebook.parent.parent)
    course.nbgrader(root, "generate_assignment", assignment, "--force")
    for i in range(copies):
        target = root / "submitted" / f"s{i}" / assignment
        target.mkdir(parents=True)
        shutil.copy(notebook, target / notebook.name)
    start = time.perf_counter()
    course.nbgrader(root, "autograde", assignment, "--force", timeout=3600)
    return (time.perf_counter() - start) / copies


def grade_seconds(assignment: str, folder: Path, copies: int, jobs: int, out: Path, extra: list[str]) -> dict:
    cmd = [sys.executable, "-m", "autograder", "grade", assignment, str(folder), "--out", str(out),
           "--jobs", str(jobs), "--quiet", "--solutions", str(SOLUTIONS), *extra]
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=7200)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(result.stdout + result.stderr)
    rows = json.loads((out / "results.json").read_text(encoding="utf-8"))
    statuses = sorted({r["status"] for r in rows})
    return {"per_submission": wall / copies, "wall": wall, "statuses": statuses,
            "mean_in_worker": sum(r["seconds"] for r in rows) / len(rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.bench", description=__doc__.split("\n\n")[0])
    available = sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
    parser.add_argument("--assignments", nargs="*", default=available)
    parser.add_argument("--copies", type=int, default=8, help="submissions per measurement (default 8)")
    parser.add_argument("--many", type=int, default=100, help="size of the big class (0 to skip)")
    parser.add_argument("--many-assignment", default=None, help="assignment of the big class (default: first)")
    parser.add_argument("--skip-demo", action="store_true", help="pass --skip-demo to the grade command")
    parser.add_argument("--no-nbgrader", action="store_true", help="skip the plain nbgrader measurement")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    extra = ["--skip-demo"] if args.skip_demo else []
    results: dict = {"cores": os.cpu_count(), "load_at_start": os.getloadavg()[0], "copies": args.copies,
                     "skip_demo": args.skip_demo, "assignments": {}}
    print(f"{'assignment':26} {'floor':>7} {'nbgrader':>9} {'jobs1':>7} {'jobs2':>7} {'j1/floor':>9} {'j1/j2':>6}"
          "   (seconds per submission)")
    with tempfile.TemporaryDirectory(prefix="qkv-bench-") as tmpdir:
        tmp = Path(tmpdir)
        for assignment in args.assignments:
            notebook = next((SOLUTIONS / assignment).glob("*.ipynb"))
            work = tmp / assignment
            folder = work / "class"
            make_class(folder, notebook, args.copies)
            row = {"floor": floor_seconds(notebook)}
            row["nbgrader"] = None if args.no_nbgrader else nbgrader_seconds(assignment, notebook, args.copies, work)
            for jobs in (1, 2):
                measured = grade_seconds(assignment, folder, args.copies, jobs, work / f"out{jobs}", extra)
                row[f"jobs{jobs}"] = measured["per_submission"]
                row[f"jobs{jobs}_detail"] = measured
            row["jobs1_over_floor"] = row["jobs1"] / row["floor"]
            row["speedup_jobs2"] = row["jobs1"] / row["jobs2"]
            results["assignments"][assignment] = row
            nbg = f"{row['nbgrader']:9.1f}" if row["nbgrader"] else f"{'-':>9}"
            print(f"{assignment:26} {row['floor']:7.1f} {nbg} {row['jobs1']:7.1f} {row['jobs2']:7.1f} "
                  f"{row['jobs1_over_floor']:9.2f} {row['speedup_jobs2']:6.2f}", flush=True)
        if args.many:
            assignment = args.many_assignment or args.assignments[0]
            notebook = next((SOLUTIONS / assignment).glob("*.ipynb"))
            folder = tmp / "many" / "class"
            make_class(folder, notebook, args.many)
            measured = grade_seconds(assignment, folder, args.many, 2, tmp / "many" / "out", extra)
            results["many"] = {"assignment": assignment, "submissions": args.many, **measured}
            print(f"\n{args.many} submissions of {assignment} with --jobs 2: {measured['wall']:.0f} s "
                  f"({measured['wall'] / 60:.1f} min; goal < 5 min); statuses {measured['statuses']}")
    results["load_at_end"] = os.getloadavg()[0]
    out = REPO / "autograder" / "runs"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"\nload average {results['load_at_start']:.1f} -> {results['load_at_end']:.1f} on {results['cores']} cores; "
          f"goals: jobs1/floor <= 1.3, jobs1/jobs2 >= 1.7; written to {out / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
