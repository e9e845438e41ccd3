"""What a grading worker knows: the class-wide context (sent with each submission) and its own state.

nbgrader builds the preprocessors itself from classes named in its configuration, so they cannot be
handed arguments: they read the worker's state from :data:`STATE`, one typed object per process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

STATUS_TEXT = {
    "ok": "graded",
    "timeout": "timeout",
    "memory": "memory limit",
    "died": "kernel died",
    "invalid": "invalid notebook",
    "missing": "no notebook found",
    "wrong": "wrong assignment",
    "tampered": "tampering detected",
    "error": "grader error",
}
MAX_NOTEBOOK_MB = 100
MAX_OUTPUT_BYTES = 4 * 2**20  # per notebook, what the grader keeps of a kernel's outputs


@dataclass(frozen=True)
class ClassContext:
    """The same for every submission of one grading run (picklable: it travels to each worker)."""

    run_id: str
    assignment: str
    notebook: str  # the notebook's file stem
    master: str  # the course directory kept in the output (source, release, gradebook)
    work: str  # the grader's private workspace (0700)
    kernels: str  # parent of the kernels' working directories (0711)
    release_path: str
    pristine_db: str  # an empty gradebook with the assignment: each worker copies it
    timeout: float  # seconds for the whole notebook
    cell_timeout: float  # seconds for one cell
    memory: int  # MB
    memory_mode: str  # "cgroup" (memory.max) or "rlimit" (RLIMIT_AS)
    features: dict = field(default_factory=dict)  # sandbox feature -> '' (works) or why not
    skip_demo: bool = False
    guard: bool = True
    hide: tuple = ()
    base_uid: int = 200000


@dataclass
class Result:
    """One graded submission, as the worker reports it."""

    student: str
    sid: str
    status: str
    message: str
    cells: dict = field(default_factory=dict)  # grade_id -> [auto_score | None, max_score]
    comments: dict = field(default_factory=dict)  # grade_id -> auto_comment
    course_dir: str | None = None  # the worker's private course directory
    seconds: float = 0.0
    phases: dict = field(default_factory=dict)  # seconds spent in each step (for make bench)
    files: dict = field(default_factory=dict)  # folder -> tar bytes, when graded on a Dask worker
    feedback_finished: bool = False  # the worker already made its feedback page final (feedback.finish_feedback)


@dataclass
class Submission:
    """What the execution of one notebook found out."""

    deadline: float
    status: str = "ok"
    reason: str = ""
    notes: list = field(default_factory=list)
    tampered: list = field(default_factory=list)
    truncated: bool = False
    phases: dict = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)


@dataclass
class WorkerState:
    """One worker process: the context it grades for and the submission in progress."""

    ctx: ClassContext | None = None
    release_nb: Any = None
    guard_install: str = ""
    guard_restore: str = ""
    policy: Any = None  # autograder.sandbox.Policy of the current kernel
    submission: Submission | None = None
    feedback_exporter: Any = None  # built once per worker (seconds)


STATE = WorkerState()
