"""nbgrader's GenerateFeedback with one HTML exporter per worker (building one takes seconds), which
remembers its highlighted code and its rendered Markdown (a class's given cells, tests and text are the same
on every page)."""

import os
import re

from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.writers import FilesWriter
from nbgrader.converters import GenerateFeedback

from autograder.engine.context import STATE

_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)", re.IGNORECASE)
MEMO_CELLS = 4096  # highlighted cells kept per worker (a few MB)


class RememberedHighlight:
    """nbconvert's code highlighting (pygments: a third of a feedback page's CPU), once per distinct cell."""

    def __init__(self, highlight: Highlight2HTML):
        self.highlight = highlight
        self.memo: dict[tuple, str] = {}

    def __call__(self, source, language=None, metadata=None):
        magics = metadata.get("magics_language") if metadata else None  # the only metadata pygments reads
        key = (source, language, magics)
        if key not in self.memo:
            if len(self.memo) >= MEMO_CELLS:
                self.memo.clear()
            self.memo[key] = self.highlight(source, language, metadata)
        return self.memo[key]


class FeedbackHTMLExporter(HTMLExporter):
    """nbconvert's HTML exporter without its final pass, which parses the whole page into a tree (about half a
    CPU-second per page) to give images alt text and the lab template's cells tab stops; the feedback template
    has no such cells, and the alt text is added here without a tree."""

    def from_notebook_node(self, nb, resources=None, **kw):
        info = nb.metadata.get("language_info", {})
        lexer = info.get("pygments_lexer", info.get("name", None))
        remembered = self.__dict__.setdefault("_remembered", {})  # one per lexer (every page here: python)
        if lexer not in remembered:
            remembered[lexer] = RememberedHighlight(
                self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        self.register_filter("highlight_code", remembered[lexer])
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return _IMG_WITHOUT_ALT.sub('<img alt="No description has been provided for this image"', page), resources

    @pass_context
    def markdown2html(self, context, source):
        """nbconvert's Markdown to HTML, once per distinct text (and folder: images are read from it); a cell
        with attachments is rendered each time."""
        if context.get("cell", {}).get("attachments"):
            return super().markdown2html(context, source)
        key = (source, context.get("resources", {}).get("metadata", {}).get("path", ""))
        memo = self.__dict__.setdefault("_markdown", {})
        if key not in memo:
            if len(memo) >= MEMO_CELLS:
                memo.clear()
            memo[key] = super().markdown2html(context, source)
        return memo[key]


class CachedFeedback(GenerateFeedback):
    exporter_class = FeedbackHTMLExporter

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
