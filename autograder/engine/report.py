"""The class report: grades.csv (written in one place), feedback files and the summary (the histogram: histogram.py)."""

from __future__ import annotations

import csv
import json
import statistics
from dataclasses import asdict
from pathlib import Path

from autograder.course import source_layout
from autograder.engine.context import STATUS_TEXT, Result
from autograder.engine.feedback import failure_feedback, finish_feedback, safe_filename
from autograder.engine.submissions import Task

FIXED_COLUMNS = ["student", "score", "max_score", "status", "message"]


def grade_rows(db_url: str, assignment: str, nb_name: str, release_nb, tasks: list[Task],
               results: dict[int, Result]) -> tuple[list[dict], list[str], float]:
    """One row per student from the gradebook; the graded cells' columns in notebook order; the max score."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        nbrec = gb.find_notebook(nb_name, assignment)
        order = {gid: i for i, (gid, *_) in enumerate(source_layout(release_nb))}
        columns = sorted((c.name for c in nbrec.grade_cells), key=lambda c: (order.get(c, 10**6), c))
        max_score = float(sum(c.max_score for c in nbrec.grade_cells))
        rows = [_row(gb, nb_name, assignment, task, results[task.index], max_score) for task in tasks]
    return rows, columns, max_score


def _row(gb, nb_name: str, assignment: str, task: Task, result: Result, max_score: float) -> dict:
    sub = gb.find_submission_notebook(nb_name, assignment, task.sid)
    row = {"student": task.student, "max_score": max_score,
           "status": STATUS_TEXT.get(result.status, result.status), "message": result.message}
    total, manual = 0.0, []
    for grade in sub.grades:
        value = grade.score or 0.0
        row[grade.cell.name] = round(float(value), 4)
        total += float(value)
        if grade.needs_manual_grade:
            manual.append(grade.cell.name)
    row["score"] = round(total, 4)
    if manual and result.status == "ok":
        row["message"] = "; ".join(m for m in [row["message"], "to grade by hand: " + ", ".join(manual)] if m)
    return row


def write_grades_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    """The one place grades.csv rows are written (exports to learning platforms read these rows)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*FIXED_COLUMNS, *columns], extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def write_feedback(out: Path, master: Path, assignment: str, nb_name: str, tasks: list[Task],
                   results: dict[int, Result]) -> None:
    """feedback/<student>.html: nbgrader's page made safe, or a page saying why nothing was graded."""
    for task in tasks:
        result = results[task.index]
        page = out / "feedback" / f"{safe_filename(task.student)}.html"
        produced = master / "feedback" / task.sid / assignment / f"{nb_name}.html"
        if result.course_dir and produced.exists():
            text = produced.read_text(encoding="utf-8")
            page.write_text(text if result.feedback_finished else finish_feedback(text), encoding="utf-8")
        else:
            page.write_text(failure_feedback(task.student, assignment, result.status, result.message),
                            encoding="utf-8")


def write_json(out: Path, tasks: list[Task], results: dict[int, Result], timings: dict) -> None:
    (out / "students.json").write_text(json.dumps({t.sid: t.student for t in tasks}, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    (out / "results.json").write_text(json.dumps([asdict(results[t.index]) for t in tasks], ensure_ascii=False,
                                                 indent=1), encoding="utf-8")
    (out / "timings.json").write_text(json.dumps({k: round(v, 2) for k, v in timings.items()}), encoding="utf-8")


def summary(rows: list[dict], max_score: float, limit: int = 60) -> str:
    """The table printed at the end of a run."""
    width = min(32, max([len("student")] + [len(r["student"]) for r in rows]))
    lines = [f"{'student':<{width}}  {'score':>7}  status"]
    for row in rows[:limit]:
        name = row["student"] if len(row["student"]) <= width else row["student"][: width - 1] + "…"
        lines.append(f"{name:<{width}}  {row['score']:>7.2f}  {row['status']}")
    if len(rows) > limit:
        lines.append(f"... and {len(rows) - limit} more (see grades.csv)")
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    lines += ["", "status: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))]
    scores = [r["score"] for r in rows]
    if scores:
        lines.append(f"score out of {max_score:g}: mean {statistics.mean(scores):.2f}, "
                     f"median {statistics.median(scores):.2f}, min {min(scores):.2f}, max {max(scores):.2f}")
    return "\n".join(lines)
