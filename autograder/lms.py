"""Grades back to the learning platform: ``grades.csv`` as a Canvas or Moodle gradebook import.

    python -m autograder lms canvas grades/grades.csv --roster canvas_export.csv --column 'Attention (1234)' \
        --out canvas_import.csv
    python -m autograder lms moodle grades/grades.csv --roster moodle_export.csv --column Attention \
        --out moodle_import.csv

Both platforms match rows to learners by an identifier the platform already knows, so the
command reads the platform's own export (the *roster*) and looks every graded student up in it
by one of its columns (``--match``; the defaults, Canvas's ``SIS Login ID`` and Moodle's
``Email address``, are in their default exports).  A student of grades.csv who is not in the
roster, or is there twice, stops the command with the list of names: no grade is dropped silently.
Learners of the roster with no submission are listed too; Canvas leaves their cell unchanged,
Moodle gets no row for them.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
DEFAULT_MATCH = {"canvas": "SIS Login ID", "moodle": "Email address"}


class ExportError(ValueError):
    """The grades and the roster do not fit together; the message says how."""


@dataclass(frozen=True)
class Grade:
    student: str
    score: str
    max_score: str
    status: str
    message: str


def read_grades(path: Path) -> list[Grade]:
    """The rows of a grades.csv written by ``python -m autograder grade``."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"student", "score", "max_score", "status", "message"} - set(reader.fieldnames or [])
        if missing:
            raise ExportError(f"{path} is not a grades.csv of the grade command: no column {sorted(missing)}")
        return [Grade(r["student"], r["score"], r["max_score"], r["status"], r["message"]) for r in reader]


def read_roster(path: Path, match: str) -> list[dict[str, str]]:
    """The platform's export, as rows; it must have the ``match`` column."""
    with open(path, newline="", encoding="utf-8-sig") as handle:  # both platforms may write a BOM
        reader = csv.DictReader(handle)
        if match not in (reader.fieldnames or []):
            raise ExportError(f"{path} has no column {match!r} to match students by; "
                              f"its columns: {', '.join(reader.fieldnames or [])}")
        return list(reader)


def pair(grades: list[Grade], roster: list[dict[str, str]], match: str) -> tuple[dict[str, Grade], list[str]]:
    """Roster key -> grade, and the roster keys that have no grade. Raises on any student it cannot place."""
    keys: dict[str, int] = {}
    for row in roster:
        key = row[match].strip().casefold()
        if key:
            keys[key] = keys.get(key, 0) + 1
    unknown = [g.student for g in grades if g.student.strip().casefold() not in keys]
    twice = [g.student for g in grades if keys.get(g.student.strip().casefold(), 0) > 1]
    if unknown or twice:
        lines = []
        if unknown:
            lines.append(f"not in the roster's {match!r} column: {', '.join(unknown)}")
        if twice:
            lines.append(f"more than once in the roster's {match!r} column: {', '.join(twice)}")
        raise ExportError("; ".join(lines) + ". Fix the names (or choose another column with --match) and rerun.")
    by_key = {g.student.strip().casefold(): g for g in grades}
    ungraded = [row[match] for row in roster if row[match].strip() and row[match].strip().casefold() not in by_key]
    return by_key, ungraded


def canvas_rows(grades: list[Grade], roster: list[dict[str, str]], match: str, column: str) -> list[list[str]]:
    """Canvas's gradebook import: its five identity columns, then one column named for the assignment.

    The second row gives the points possible, as in Canvas's own export. A blank cell leaves
    Canvas's grade as it is, which is what a learner with no submission gets.
    """
    by_key, _ = pair(grades, roster, match)
    max_score = grades[0].max_score if grades else ""
    rows = [CANVAS_IDENTITY + [column], ["Points Possible", "", "", "", "", max_score]]
    for row in roster:
        if row.get("Student", "").strip().lower() == "points possible":
            continue
        grade = by_key.get(row[match].strip().casefold())
        rows.append([row.get(name, "") for name in CANVAS_IDENTITY] + [grade.score if grade else ""])
    return rows


def moodle_rows(grades: list[Grade], roster: list[dict[str, str]], match: str, column: str) -> list[list[str]]:
    """Moodle's "Import grades: CSV file": an identifier, the grade, and a feedback text per learner."""
    by_key, _ = pair(grades, roster, match)
    rows = [[match, column, f"{column} (feedback)"]]
    for row in roster:
        grade = by_key.get(row[match].strip().casefold())
        if grade:
            rows.append([row[match], grade.score, f"{grade.status}. {grade.message}".strip(". ") + "."])
    return rows


def export(platform: str, grades_csv: Path, roster_csv: Path, out: Path, column: str, match: str | None = None
           ) -> list[str]:
    """Write the import file; return the roster's learners who have no grade (to report)."""
    match = match or DEFAULT_MATCH[platform]
    grades, roster = read_grades(grades_csv), read_roster(roster_csv, match)
    rows = (canvas_rows if platform == "canvas" else moodle_rows)(grades, roster, match, column)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return pair(grades, roster, match)[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder lms", description=__doc__.split("\n\n")[0])
    parser.add_argument("platform", choices=["canvas", "moodle"])
    parser.add_argument("grades", type=Path, help="grades.csv written by the grade command")
    parser.add_argument("--roster", type=Path, required=True,
                        help="the platform's gradebook export (Canvas: Grades > Export; Moodle: Export > CSV)")
    parser.add_argument("--out", type=Path, required=True, help="the file to import into the platform")
    parser.add_argument("--column", required=True,
                        help="the grade column: Canvas 'Assignment name (id)' as in its export, or a new name; "
                             "Moodle: the grade item's name")
    parser.add_argument("--match", help="roster column holding the students' names as in grades.csv "
                                        "(default: Canvas 'SIS Login ID', Moodle 'Email address')")
    args = parser.parse_args(argv)
    column = args.column
    try:
        ungraded = export(args.platform, args.grades, args.roster, args.out, column, args.match)
    except (ExportError, OSError) as error:
        print(f"lms: {error}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} for {args.platform} (column {column!r})")
    if ungraded:
        print(f"{len(ungraded)} learner(s) of the roster have no grade in {args.grades}: {', '.join(ungraded)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
