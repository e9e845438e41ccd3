"""Release generation and grading for the course, built on nbgrader 0.9.6.

``python -m autograder release [ASSIGNMENT ...]``  regenerate notebooks/ from solutions/
``python -m autograder grade ASSIGNMENT SUBMISSIONS``  grade a class (see book/grading.md)
``python -m autograder bench``  speed goals of the grader (``make bench``)
"""
