"""Feedback pages: the one place where a page given to a learner is finalised."""

from __future__ import annotations

import html
import os
import re

from autograder.engine.context import STATUS_TEXT
from autograder.feedback_math import render_math

CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
       "base-uri 'none'; form-action 'none'; frame-src 'none'")


def finish_feedback(html_text: str) -> str:
    """Every feedback page passes here last: no script runs in it (a strict CSP, the template's scripts
    removed) and its formulas are MathML made here, since MathJax cannot run in it."""
    html_text = re.sub(r"<script\b[^>]*>.*?</script>", "", html_text, flags=re.DOTALL | re.IGNORECASE)
    html_text = render_math(html_text)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    return re.sub(r"<head[^>]*>", lambda m: m.group(0) + "\n" + meta, html_text, count=1, flags=re.IGNORECASE)


def failure_feedback(student: str, assignment: str, status: str, message: str) -> str:
    """The page of a submission that could not be graded: why, and the score."""
    return finish_feedback(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(assignment)}</title>"
        f"</head><body><h1>{html.escape(assignment)}: {html.escape(student)}</h1>"
        f"<p>Your submission could not be graded: <b>{html.escape(STATUS_TEXT.get(status, status))}</b>.</p>"
        f"<p>{html.escape(message)}</p><p>Score: 0.</p></body></html>")


def safe_filename(name: str) -> str:
    name = name.replace(os.sep, "_").replace("\0", "_")
    return "_" + name if name.startswith(".") else name
