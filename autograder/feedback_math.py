"""Formulas in feedback pages, rendered at grading time: MathML instead of raw ``$...$``.

nbgrader's feedback page asks MathJax (from the internet) to typeset the notebook's
formulas in the browser.  Our feedback pages forbid every script (see the CSP in the
report), so without this step a learner reads ``$\\mathrm{softmax}(x)_i$`` as typed.
Browsers render MathML natively, so the page stays script-free and works offline.

Only text that a learner reads as prose is touched: code, preformatted output and
anything already in ``<math>`` keep their dollars (``x = "$5"`` in a cell stays as is).
"""

from __future__ import annotations

import functools
import html
import re

from bs4 import BeautifulSoup, NavigableString  # for unrendered(): the tree-based check
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


@functools.lru_cache(maxsize=4096)  # a class's pages share their formulas: each is converted once per process
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


# One token of markup: a comment, CDATA, a start or end tag (quoted attribute values may hold ">"), a declaration.
_TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>"
    r"|<(?P<end>/)?(?P<name>[A-Za-z][\w:-]*)(?:\"[^\"]*\"|'[^']*'|[^'\">])*>"
    r"|<[!?][^>]*>",
    re.DOTALL,
)
_RAW_TEXT = {"script", "style", "textarea"}  # their content is not markup: skipped up to the end tag


def render_math(page: str) -> str:
    """Return the HTML page with every formula in its prose (the body's text outside ``_SKIP`` elements)
    replaced by MathML; every other byte of the page is kept as it was.

    A scan of the markup's tokens, not a parse into a tree: a feedback page holds thousands of tags (each
    highlighted code token is one): a tree cost 0.2-0.8 CPU-s per page, this scan takes hundredths.
    :func:`unrendered` is the tree-based check of the result.
    """
    match = re.search(r"<body\b", page, re.IGNORECASE)
    start = match.start() if match else 0
    pieces, last, depth = [page[:start]], start, 0
    position = start
    while True:
        token = _TOKEN.search(page, position)
        end = token.start() if token else len(page)
        if depth == 0 and end > last:
            text = page[last:end]
            rendered = _render_text(html.unescape(text)) if ("$" in text or "\\" in text) else None
            pieces.append(text if rendered is None else rendered)
        elif end > last:
            pieces.append(page[last:end])
        if token is None:
            break
        pieces.append(token.group(0))
        last = position = token.end()
        name = (token.group("name") or "").lower()
        if name in _SKIP and not token.group(0).endswith("/>"):
            if token.group("end"):
                depth = max(0, depth - 1)
            elif name in _RAW_TEXT:
                close = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(page, position)
                stop = close.start() if close else len(page)
                pieces.append(page[position:stop])
                last = position = stop
            else:
                depth += 1
    return "".join(pieces)


def unrendered(page: str) -> list[str]:
    """Formulas still written with TeX delimiters in the page's prose (what a test wants empty)."""
    soup = BeautifulSoup(page, "html.parser")
    body = soup.body or soup
    found = []
    for node in body.find_all(string=True):
        if type(node) is NavigableString and not _in_skipped(node):
            found += [m.group(0) for m in _MATH.finditer(str(node))]
    return found
