"""Code cells of the book's pages fit the book's width, so no code block scrolls sideways.

The limit was measured once on a built page (see ``CODE_WIDTH``); the browser check in
``tests/test_website.py::test_no_code_block_scrolls_sideways_at_desktop_width`` confirms it on the real site.
This test is the fast guard: it reads the Markdown sources and executes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted((REPO / "book").glob("**/*.md"))

# Characters of a code line that fit a code block of the book at its default desktop width (1366 px),
# measured once with Chromium on the built site: a cell's <pre> is 721 px wide inside its padding and the
# theme's 14 px monospace font (DejaVu Sans Mono here) draws 8.43 px per character, so 85 characters fit.
CODE_WIDTH = 85
# A folded cell (tags: [hide-input]) draws its code inside the toggle's box, about two characters narrower:
# an 84-character line overflowed there by 5 px.
FOLDED_CODE_WIDTH = 83
# A fence indented inside a list item draws a narrower block: an 88-character line overflowed there by 51 px.
LISTED_CODE_WIDTH = 81

FENCE = re.compile(r"^([ \t]*)(```+|~~~+)(\{code-cell\}|\S*)[^\n]*\n(.*?)^\1\2[ \t]*$", re.S | re.M)


def long_lines(text: str) -> list[tuple[int, int, str]]:
    """(line number, length, line) of every line of a code cell or code fence longer than CODE_WIDTH."""
    found = []
    for m in FENCE.finditer(text):
        indent, kind = m.group(1), m.group(3)
        if kind.startswith("{") and kind != "{code-cell}":
            continue  # a directive such as {note}: prose, wrapped by the browser
        first = text.count("\n", 0, m.start(4)) + 1
        body = [line[len(indent):] if line.startswith(indent) else line for line in m.group(4).splitlines()]
        skip = 0  # a code cell's options (tags, alt text) are not shown as code
        width = LISTED_CODE_WIDTH if indent else CODE_WIDTH
        if kind == "{code-cell}" and body and body[0] == "---":
            skip = body.index("---", 1) + 1
        elif kind == "{code-cell}":
            while skip < len(body) and re.match(r":[\w-]+:", body[skip]):
                skip += 1
        if any("hide-input" in line for line in body[:skip]):
            width = FOLDED_CODE_WIDTH
        for offset, line in enumerate(body):
            if offset >= skip and len(line) > width:
                found.append((first + offset, len(line), line))
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO / "book")))
def test_code_lines_fit_the_page(page: Path):
    bad = long_lines(page.read_text(encoding="utf-8"))
    assert not bad, (f"{page.relative_to(REPO)}: code lines longer than {CODE_WIDTH} characters scroll "
                     "sideways on the website; wrap them:\n"
                     + "\n".join(f"  line {n} ({length} chars): {line.strip()[:90]}" for n, length, line in bad))


def test_the_width_check_can_fail():
    page = ("text\n\n```{code-cell} ipython3\nx = 1\n" + "y = " + "1 + " * 30 + "1\n```\n\n```{note}\n"
            + "z" * 200 + "\n```\n\n```{code-cell} ipython3\n---\nmystnb:\n  alt: " + "w " * 60
            + "\n---\nz = 2\n```\n\n```bash\n" + "make " * 20 + "\n```\n")
    assert [n for n, _, _ in long_lines(page)] == [5, 21]
    folded = "```{code-cell} ipython3\n:tags: [hide-input]\n" + "x" * 84 + "\n" + "y" * 83 + "\n```\n"
    assert [n for n, _, _ in long_lines(folded)] == [3]
    listed = "1. Run:\n\n   ```bash\n   " + "a" * 82 + "\n   " + "b" * 81 + "\n   ```\n"
    assert [n for n, _, _ in long_lines(listed)] == [4]
