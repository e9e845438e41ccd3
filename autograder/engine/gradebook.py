"""The instructor's gradebook: merging each worker's result into it (main process only)."""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder.engine.context import Result


def merge(master: Path, db_url: str, assignment: str, nb_name: str, result: Result) -> None:
    """Write one student's grades into the gradebook and their notebooks into the master course."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        gb.update_or_create_student(result.sid, first_name=result.student, last_name="")
        gb.update_or_create_submission(assignment, result.sid)
        sub = gb.find_submission_notebook(nb_name, assignment, result.sid)
        for grade in sub.grades:
            auto = result.cells.get(grade.cell.name, [0.0])[0] if result.cells else 0.0
            grade.auto_score = auto
            grade.needs_manual_grade = auto is None or grade.manual_score is not None
        for comment in sub.comments:
            comment.auto_comment = result.comments.get(comment.cell.name)
        gb.db.commit()
    for folder in ("submitted", "autograded", "feedback"):
        target = master / folder / result.sid / assignment
        if target.exists():
            shutil.rmtree(target)
        if result.course_dir:
            source = Path(result.course_dir) / folder / result.sid / assignment
            if source.exists():
                shutil.copytree(source, target)
