"""``python -m autograder grade ASSIGNMENT SUBMISSIONS [options]``: grade a class, each notebook in a sandbox.

nbgrader does the grading (locked cells restored from the source, hidden tests, gradebook, feedback);
the engine (:mod:`autograder.engine.runner`) runs it in worker processes, each kernel in a sandbox,
after checking that the reference solution gets full marks under the same limits.

Outputs in ``--out`` (default ``autograder/runs/<assignment>``): ``grades.csv``,
``feedback/<student>.html``, ``scores.svg``, ``sandbox.json`` and ``nbgrader/`` (a course directory
with ``gradebook.db`` for the formgrader).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from autograder import course
from autograder.engine.calibrate import LimitsTooTight
from autograder.engine.report import summary
from autograder.engine.runner import Options, grade_class

DEFAULT_OUT = course.REPO / "autograder" / "runs"


def parse_args(argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m autograder grade",
        description="Grade every submission of ASSIGNMENT found in SUBMISSIONS, each in its own sandbox.",
    )
    parser.add_argument("assignment", help="assignment folder under solutions/, e.g. 03_attention")
    parser.add_argument("submissions", help="folder (or .zip) with <student>/<any>.ipynb or <student>.ipynb")
    parser.add_argument("--out", help="output folder (default: autograder/runs/<assignment>)")
    parser.add_argument("--jobs", type=int, default=max(1, min(os.cpu_count() or 1, 4)),
                        help="submissions graded at once (default: the number of cores, at most 4)")
    parser.add_argument("--timeout", type=float, default=Options.timeout,
                        help=f"seconds for a whole notebook (default {Options.timeout:g})")
    parser.add_argument("--cell-timeout", type=float, default=Options.cell_timeout,
                        help=f"seconds for one cell (default {Options.cell_timeout:g})")
    parser.add_argument("--memory", type=int, default=4096, help="memory limit per notebook in MB (default 4096)")
    parser.add_argument("--solutions", default=str(course.SOLUTIONS), help=argparse.SUPPRESS)
    parser.add_argument("--skip-demo", action="store_true",
                        help="do not run cells tagged 'demo' (no test depends on them; faster)")
    parser.add_argument("--no-guard", action="store_true",
                        help="do not restore/check the test helpers around test cells")
    parser.add_argument("--no-calibrate", action="store_true",
                        help="do not grade the reference solution first to check the limits")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade on the workers of this Dask scheduler (e.g. tcp://10.0.0.5:8786) "
                             "instead of --jobs local processes")
    parser.add_argument("--db", metavar="URL",
                        help="the gradebook's SQLAlchemy URL, e.g. postgresql+psycopg://user@host/gradebook "
                             "(default: SQLite in OUT/nbgrader/gradebook.db)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def options(args: argparse.Namespace) -> Options:
    """Check the arguments (ValueError says what is wrong) and turn them into the runner's options."""
    solutions = Path(args.solutions).resolve()
    course.check_assignment(args.assignment, solutions)
    course.notebook_name(args.assignment, solutions)
    if not Path(args.submissions).exists():
        raise ValueError(f"{args.submissions} does not exist")
    if Path(args.submissions).is_file() and not args.submissions.endswith(".zip"):
        import zipfile

        if not zipfile.is_zipfile(args.submissions):
            raise ValueError(f"{args.submissions} is neither a folder nor a .zip file")
    cell_timeout = min(args.cell_timeout, args.timeout)
    if args.jobs < 1 or args.timeout <= 0 or cell_timeout <= 0 or args.memory < 16:
        raise ValueError("--jobs must be >= 1, --timeout and --cell-timeout > 0 and --memory >= 16")
    out = Path(args.out) if args.out else DEFAULT_OUT / args.assignment
    return Options(assignment=args.assignment, out=out.resolve(), solutions=solutions, jobs=args.jobs,
                   timeout=args.timeout, cell_timeout=cell_timeout, memory=args.memory, skip_demo=args.skip_demo,
                   guard=not args.no_guard, quiet=args.quiet, calibrate=not args.no_calibrate,
                   scheduler=args.scheduler, db=args.db)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # nbgrader runs `alembic` (gradebook migrations), which lives beside this interpreter
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    try:
        opts = options(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    start = time.monotonic()
    try:
        graded = grade_class(opts, Path(args.submissions))
    except LimitsTooTight as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    if not graded.tasks:
        print(f"warning: no submissions found in {args.submissions}", file=sys.stderr)
    print()
    print(summary(graded.rows, graded.max_score))
    where = f"on the Dask cluster at {opts.scheduler}" if opts.scheduler else f"with --jobs {opts.jobs}"
    print(f"\n{len(graded.rows)} submissions graded in {time.monotonic() - start:.1f} s {where}; "
          f"results in {opts.out}")
    print(f"  grades.csv, scores.svg, feedback/<student>.html; formgrader course: {opts.out / 'nbgrader'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
