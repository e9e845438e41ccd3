"""The grading engine, by stage (one module per stage; see book/grading.md):

* :mod:`submissions` - discovery, zip extraction, student ids;
* :mod:`normalize` - the submission's nbgrader structure reset from the release;
* :mod:`preprocessors` - nbgrader preprocessors, one per module (sandboxed execution, ...);
* :mod:`kernel_guard` / :mod:`guard` - the test-helper guard that runs in the kernel;
* :mod:`context` - the typed class context and worker state;
* :mod:`worker` - one submission, graded in a worker process;
* :mod:`calibrate` - the reference graded first under the same limits;
* :mod:`runner` - the one runner everything grades through;
* :mod:`gradebook`, :mod:`report`, :mod:`feedback` - results on the instructor's side;
* :mod:`cli` - the ``grade`` command.
"""
