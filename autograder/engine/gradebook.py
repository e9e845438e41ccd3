"""The instructor's gradebook: merging each worker's result into it (main process only); and, in every
process, one SQLAlchemy engine per gradebook URL for all of nbgrader's Gradebooks (:func:`reuse_engines`).

The gradebook is nbgrader's: SQLite in the output folder by default, or any SQLAlchemy URL
(``--db postgresql+psycopg://...``) that several teaching assistants and grading runs share. On
PostgreSQL every write holds an advisory lock, so runs of different assignments that write at the
same time (creating the tables, the same student) wait for each other instead of failing.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import warnings
from pathlib import Path

from autograder.engine.context import Result

LOCK_KEY = 0x716B7667  # any constant shared by every run of this grader
#: SQLAlchemy's warning when nbgrader builds a submission's objects before adding them to its session
SESSION_WARNING = r"Object of type <\w+> not in session"


@functools.lru_cache(maxsize=4)
def _engine(db_url: str):
    from sqlalchemy import create_engine

    return create_engine(db_url, future=True)


def reuse_engines() -> None:
    """Make nbgrader's Gradebooks share one SQLAlchemy engine per URL in this process (and skip the table
    checks and the disk's waits on scratch gradebooks, :data:`SCRATCH`).

    nbgrader creates an engine for each Gradebook it opens (six per graded submission), and an engine
    compiles every statement again (about 0.2 CPU-s per submission). A Gradebook disposes of its engine's
    connections when it closes, so a shared engine holds none between them; its compiled statements stay.
    A worker grades every submission against one private gradebook path (``worker.private_gradebook``).
    """
    import nbgrader.api
    from sqlalchemy import create_engine

    if getattr(nbgrader.api.create_engine, "shared", False):
        return
    engines: dict[tuple, object] = {}

    def shared_engine(url, **options):
        key = (str(url), tuple(sorted(options.items())))
        if key not in engines:
            engines[key] = create_engine(url, **options)
            if str(url) in SCRATCH:
                _scratch_sqlite(engines[key])
                _SCRATCH_ENGINES.add(id(engines[key]))  # (engines stay in ``engines``: their ids stay theirs)
        return engines[key]

    shared_engine.shared = True
    nbgrader.api.create_engine = shared_engine
    metadata = nbgrader.api.Base.metadata
    create_all = metadata.create_all

    def create_missing_tables(bind=None, **options):
        # every Gradebook checks each of nbgrader's tables first (eleven Gradebooks per submission); a scratch
        # gradebook is a copy of one that nbgrader made, tables and all
        if id(bind) not in _SCRATCH_ENGINES:
            create_all(bind=bind, **options)

    metadata.create_all = create_missing_tables
    check_course = nbgrader.api.Gradebook.check_course

    def check_course_once(self, course_id="default_course", **options):
        # every Gradebook looks its course up (and commits) when it opens; a scratch gradebook is a copy of one
        # that holds it: looked up once per engine, as nbgrader's own objects reach it through their notebooks
        key = (id(self.engine), course_id)
        if options or key not in _SCRATCH_COURSES:
            course = check_course(self, course_id, **options)
            if id(self.engine) in _SCRATCH_ENGINES and course is not None:
                _SCRATCH_COURSES.add(key)
            return course
        return None  # (Gradebook.__init__ ignores it)

    nbgrader.api.Gradebook.check_course = check_course_once


#: URLs of throwaway SQLite gradebooks (a worker's private copy, whose grades are read back and merged
#: into the real one): :func:`reuse_engines` opens them without waiting for the disk.
SCRATCH: set[str] = set()
_SCRATCH_ENGINES: set[int] = set()
_SCRATCH_COURSES: set[tuple[int, str]] = set()


def _scratch_sqlite(engine) -> None:
    """No fsync and the rollback journal in memory, for every connection of ``engine``. nbgrader commits
    about 40 times per submission (SaveAutoGrades commits each cell's grade); on disk each commit writes
    and deletes a journal and waits for two fsyncs. A crash loses only this submission's scratch copy,
    which the worker makes again for the next one."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _no_wait(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA journal_mode=MEMORY")
        cursor.close()


@contextlib.contextmanager
def locked(db_url: str):
    """Hold the gradebook's write lock (PostgreSQL advisory lock; SQLite locks by itself)."""
    if not db_url.startswith("postgresql"):
        yield
        return
    from sqlalchemy import text

    with _engine(db_url).connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            connection.commit()


@contextlib.contextmanager
def opened(db_url: str):
    """One nbgrader Gradebook for a whole run's merges: each new one is a new SQLAlchemy engine, whose
    statements are compiled again (a quarter of a CPU-second per student)."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        yield gb


def merge(gb, master: Path, db_url: str, assignment: str, nb_name: str, result: Result) -> None:
    """Write one student's grades into the gradebook ``gb`` (:func:`opened` on ``db_url``) and their
    notebooks into the master course."""
    with locked(db_url), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=SESSION_WARNING)  # nbgrader's, on every new submission
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
