"""Formulas in feedback pages, rendered at grading time: MathML instead of raw ``$...$``.

nbgrader's feedback page asks MathJax (from the internet) to typeset the notebook's
formulas in the browser.  Our feedback pages forbid every script (see the CSP in the
report), so without this step a learner reads ``$\\mathrm{softmax}(x)_i$`` as typed.
Browsers render MathML natively, so the page stays script-free and works offline.

Only text that a learner reads as prose is touched: code, preformatted output and
anything already in ``<math>`` keep their dollars (``x = "$5"`` in a cell stays as is).
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, NavigableString
from latex2mathml.converter import convert

# $$...$$ and \[...\] are display maths; $...$ and \(...\) are inline.  A dollar
# preceded by a backslash is a literal dollar sign, as in Markdown.
_MATH = re.compile(
    r"(?<!\\)\$\$(?P<d1>.+?)(?<!\\)\$\$"
    r"|\\\[(?P<d2>.+?)\\\]"
    r"|\\\((?P<i2>.+?)\\\)"
    r"|(?<![\\$])\$(?!\s)(?P<i1>[^$]+?)(?<![\s\\])\$(?!\d)",
    re.DOTALL,
)
_SKIP = {"code", "pre", "script", "style", "math", "textarea", "kbd", "samp"}


def latex_to_mathml(latex: str, display: bool) -> str:
    """MathML for one formula; if the converter cannot read it, its source in a <code> (no dollars)."""
    try:
        return convert(latex.strip(), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any failure of a third-party parser falls back to the source
        return f'<code class="math-source">{html.escape(latex.strip())}</code>'


def _render_text(text: str) -> str | None:
    """HTML for a text node with its formulas converted, or None when it holds no formula."""
    pieces, last = [], 0
    for match in _MATH.finditer(text):
        display = match.group("d1") is not None or match.group("d2") is not None
        latex = next(g for g in match.group("d1", "d2", "i2", "i1") if g is not None)
        pieces += [html.escape(text[last:match.start()]), latex_to_mathml(latex, display)]
        last = match.end()
    if not pieces:
        return html.escape(text).replace("\\$", "$") if "\\$" in text else None
    pieces.append(html.escape(text[last:]))
    return "".join(pieces).replace("\\$", "$")


def _in_skipped(node) -> bool:
    return any(parent.name in _SKIP for parent in node.parents)


def render_math(page: str) -> str:
    """Return the HTML page with every formula in its prose replaced by MathML."""
    soup = BeautifulSoup(page, "html.parser")
    body = soup.body or soup
    for node in list(body.find_all(string=True)):
        if type(node) is not NavigableString or _in_skipped(node):
            continue  # comments, doctypes and CDATA are NavigableString subclasses
        rendered = _render_text(str(node))
        if rendered is not None:
            node.replace_with(BeautifulSoup(rendered, "html.parser"))
    return str(soup)


def unrendered(page: str) -> list[str]:
    """Formulas still written with TeX delimiters in the page's prose (what a test wants empty)."""
    soup = BeautifulSoup(page, "html.parser")
    body = soup.body or soup
    found = []
    for node in body.find_all(string=True):
        if type(node) is NavigableString and not _in_skipped(node):
            found += [m.group(0) for m in _MATH.finditer(str(node))]
    return found
