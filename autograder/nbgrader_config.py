# nbgrader configuration shared by every temporary course directory the
# autograder creates (release generation, the bank tests, the grade command).
# autograder/course.py copies this file into the course directory and appends
# the gradebook location. nbgrader's API (NbGraderAPI) does not read this file
# by itself: load it with autograder.course.load_config().
c = get_config()  # noqa: F821 - injected by traitlets

c.CourseDirectory.course_id = "qkv-and-transformers"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# What learners see in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A learner who deletes a test cell must still be graded on it.
c.OverwriteCells.add_missing_cells = True

# nbgrader's default is 30 s per cell; model loading (chapter 7) needs more.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# Kernels talk over Unix sockets, not TCP ports that parallel runs can race for
# (see autograder/ipc_execute.py). Same list as nbgrader's default, Execute replaced.
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from autograder.ipc_execute import IPCExecute  # noqa: E402

c.Autograde.autograde_preprocessors = [
    IPCExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
