"""Sanitising: reset a submission's nbgrader structure from the release (see autograder.engine.normalize)."""

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.engine.context import STATE
from autograder.engine.normalize import normalize


class NormalizeSubmission(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        STATE.submission.notes += normalize(nb, STATE.release_nb)
        return nb, resources
