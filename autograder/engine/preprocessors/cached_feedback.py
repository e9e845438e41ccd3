"""nbgrader's GenerateFeedback with one HTML exporter per worker (building one takes seconds)."""

import os

from nbconvert.writers import FilesWriter
from nbgrader.converters import GenerateFeedback

from autograder.engine.context import STATE


class CachedFeedback(GenerateFeedback):
    def start(self):
        self.init_notebooks()
        self.writer = FilesWriter(parent=self, config=self.config)
        if STATE.feedback_exporter is None:
            exporter = self.exporter_class(parent=self, config=self.config)
            for pp in self.preprocessors:
                exporter.register_preprocessor(pp)
            STATE.feedback_exporter = exporter
        self.exporter = STATE.feedback_exporter
        here = os.getcwd()
        os.chdir(self.coursedir.root)
        try:
            self.convert_notebooks()
        finally:
            os.chdir(here)
