"""Release generation and grading for the course, built on nbgrader 0.9.6.

``python -m autograder release [ASSIGNMENT ...]``  regenerate notebooks/ from solutions/
``python -m autograder grade ASSIGNMENT SUBMISSIONS``  grade a class (see book/grading.md)
``python -m autograder bench``  speed goals of the grader (``make bench``)
"""

import sys

# jsonschema imports its optional IRI format checker, rfc3987_syntax, which compiles a Lark grammar when it is
# imported: 1.6 s in every process that imports nbformat (the grade command, each of its workers), measured with
# `python -X importtime -c "import nbformat"`. No schema this package validates (nbformat's) uses the IRI
# formats, so that optional import is skipped: jsonschema then behaves as if the package were not installed.
sys.modules.setdefault("rfc3987_syntax", None)
