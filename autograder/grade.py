"""``python -m autograder grade``: the command lives in :mod:`autograder.engine.cli`; the engine in
:mod:`autograder.engine`. These names stay importable from here."""

from autograder.engine.cli import main
from autograder.engine.feedback import failure_feedback, finish_feedback
from autograder.engine.normalize import normalize
from autograder.engine.submissions import Task, discover, extract_zip, student_id

__all__ = ["Task", "discover", "extract_zip", "failure_feedback", "finish_feedback", "main", "normalize",
           "student_id"]

if __name__ == "__main__":
    import sys

    sys.exit(main())
