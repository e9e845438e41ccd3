"""Release generation and grading for the course, built on nbgrader 0.9.6.

``python -m autograder release [ASSIGNMENT ...]``  regenerate notebooks/ from solutions/
``python -m autograder grade ASSIGNMENT SUBMISSIONS``  grade a class (see book/grading.md)
``python -m autograder bench``  speed goals of the grader (``make bench``)
"""

import sys

# jsonschema imports its optional IRI format checker, rfc3987_syntax, which compiles a Lark grammar when it is
# imported: about 1 s in every process that imports nbformat (measured with
# `python -X importtime -c "import nbformat"`). requirements.txt leaves that package out; where an environment has
# it anyway (an instructor's own), the grade command and its workers still skip it: no schema this package
# validates (nbformat's) uses the IRI formats, and jsonschema then behaves as if the package were not installed.
sys.modules.setdefault("rfc3987_syntax", None)
