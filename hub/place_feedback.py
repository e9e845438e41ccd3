"""Put the grader's feedback pages where nbgrader's release_feedback looks for them.

    python hub/place_feedback.py GRADES_DIR COURSE_DIR ASSIGNMENT
    cd COURSE_DIR && nbgrader release_feedback ASSIGNMENT

GRADES_DIR is the --out folder of `python -m autograder grade ASSIGNMENT COURSE_DIR/submitted`, COURSE_DIR the
instructor's nbgrader course directory (its submitted/ came from `nbgrader collect`). For every student graded,
feedback/<student>.html becomes COURSE_DIR/feedback/<student>/ASSIGNMENT/<notebook>.html, next to the
timestamp.txt and submission_secret.txt of the collected submission: release_feedback names the released page
after that secret, so only the student who submitted can find it. Pages of plain `nbgrader generate_feedback`
show the hidden tests; the grader's pages do not. Run it as the instructor (or as root: the files are then
given to the owner of COURSE_DIR).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
from pathlib import Path


def place(grades: Path, course_dir: Path, assignment: str) -> list[str]:
    """Copy each graded student's page; return the students placed."""
    owner = course_dir.stat()
    placed = []
    with open(grades / "grades.csv", newline="", encoding="utf-8") as fh:
        students = [row["student"] for row in csv.DictReader(fh)]
    for student in students:
        submitted = course_dir / "submitted" / student / assignment
        page = grades / "feedback" / f"{student}.html"
        notebooks = sorted(submitted.glob("*.ipynb"))
        if not notebooks or not page.exists():
            print(f"{student}: no collected submission or no feedback page, skipped", file=sys.stderr)
            continue
        target = course_dir / "feedback" / student / assignment
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        shutil.copy(page, target / f"{notebooks[0].stem}.html")
        for name in ("timestamp.txt", "submission_secret.txt"):
            shutil.copy(submitted / name, target / name)
        for path in (course_dir / "feedback", target.parent, target, *target.iterdir()):
            os.chown(path, owner.st_uid, owner.st_gid)
        placed.append(student)
    return placed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("grades", type=Path)
    parser.add_argument("course_dir", type=Path)
    parser.add_argument("assignment")
    args = parser.parse_args(argv)
    placed = place(args.grades.resolve(), args.course_dir.resolve(), args.assignment)
    print(f"feedback placed for {len(placed)} students: {', '.join(placed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
