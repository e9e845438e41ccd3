"""Every figure a page's prose quotes is tied to the code that computes it.

A page of the book (``book/NN_name/*.md``, MyST with code cells, executed at build time) often quotes a
number its code produced: "the largest weight is 0.87". A torch upgrade or an edited cell would change
the output and leave the sentence wrong. So each quoted figure must be tied to code, in one of these ways:

* **glue**: the prose does not contain the number at all but a myst-nb role, ``{glue:text}`name:.2f```,
  filled in from ``glue("name", value)`` in a code cell of the page;
* **assert**: the same literal appears in an ``assert`` statement of a code cell of the page (usually a
  cell tagged ``remove-cell`` right after the output), e.g. ``assert f"{largest:.2f}" == "0.87"``, so
  the build (which does not allow errors) fails when text and code disagree;
* **input**: the number is an input the code sets, written as the same numeric literal in a code cell of
  the page ("10 random keys" and ``n_keys=10``, "at temperature 0.8" and ``(0.0, 0.5, 0.8, 1.2)``);
* **allowed**: a number that is not computed (years of citations, chapter and page references, sizes of
  published models); the allow-list below is explicit and short, with a reason for each entry.

Prose is the Markdown outside code cells plus the alt text of every figure, with maths (``$...$``,
``$$...$$``), inline code, roles, link targets, HTML comments and directive options left out. Every number
written in digits counts, small ones too. (Numbers written as words are not seen: write computed figures
in digits.)
The test is data-driven over every ``book/NN_*/*.md`` page, so new chapters are covered when they land.
Run with ``-s`` (or look at the failure message) to see, page by page, each figure and what ties it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted(p for p in (REPO / "book").glob("[0-9][0-9]_*/*.md"))

# Numbers that are not computed by the page they appear on: (page, or "*" for every page) -> number -> reason.
# Keep this list short and honest: a figure the page computes belongs in a glue role or an assertion, never here.
ALLOWED_NUMBERS: dict[str, dict[str, str]] = {
    "*": {
        "384": "width of the published all-MiniLM-L6-v2 (its config, not a measurement)",
        "768": "width of BERT-base and GPT-2 small, quoted from their papers",
        "30522": "vocabulary size of BERT's uncased word pieces, which all-MiniLM-L6-v2 uses (published config)",
    },
    "04_transformer/03_training.md": {
        "1.88": "nanoGPT's own reported loss for its CPU recipe, quoted from its README",
        "124": "parameter count of GPT-2 small in millions, quoted from the GPT-2 release",
        "50000": "the order of magnitude of a word-piece vocabulary (GPT-2 has 50,257), a hypothetical",
        "100": "the training script's final evaluation size (scripts/train_tiny_gpt.py), not stored in the checkpoint",
    },
    "05_attention_at_work/index.md": {
        "95": "the accuracy target that train_brackets' hidden test sets (a requirement, not a result)",
    },
    "05_attention_at_work/01_training.md": {
        "20": "the CPU budget in seconds that train_brackets' hidden test sets (a requirement, not a result)",
    },
}
# (page-relative regex, reason): contexts whose numbers are references, not results.
ALLOWED_CONTEXTS: list[tuple[str, str]] = [
    (r"\b(?:19[5-9]|20[0-3])\d\b", "a year (citations)"),
    (r"(?i)\b(?:chapters?|pages?|sections?|exercises?|experiments?|parts?|questions?|figures?|steps?)"
     r"\s+\d+(?:\s*(?:,|and|or|to|–)\s*\d+)*", "a reference to a chapter, page, section, step or exercise"),
    (r"(?i)\b\d+(?:\.\d+)?(?:\s*to\s*\d+(?:\.\d+)?)?\s*(?:minutes|hours)\s+(?:for|of reading)\b",
     "a time estimate for the reader"),
    (r"\b\d/5\b", "a difficulty on the course's scale"),
    (r"\b[23]-D\b", "2-D and 3-D are words, not figures"),
    (r"\b\d+(?:-layer|\s+layers|\s+transformer\s+blocks|\s+blocks\s+with|\s+attention\s+heads|\s+heads)\b",
     "the architecture of a published model or of the model the page builds"),
]

NUMBER = re.compile(r"(?<![\w.\-/#])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?%)?(?![\w])")
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", re.S | re.M)
GLUE_ROLE = re.compile(r"\{glue(?::text|:)?\}`([^`:]+)(?::[^`]*)?`")


def split_page(text: str) -> tuple[str, list[str]]:
    """(prose, code cells) of a MyST page."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter
    cells, alts = [], []
    for body in CODE_CELL.findall(text):
        options = re.match(r"\A---\n(.*?)\n---\n", body, flags=re.S)
        if options:  # a figure's alt text is prose too: screen readers read it out
            alt = re.search(r"^\s+alt:\s*(?:>-?)?\s*(.*?)(?=^\s*\w+:|\Z)", options.group(1), re.S | re.M)
            alts += [" ".join(alt.group(1).split())] if alt else []
            body = body[options.end():]
        cells.append("\n".join(line for line in body.splitlines() if not line.startswith(":")))
    prose = CODE_CELL.sub("", text) + "".join(f"\n\nFigure alt text: {a}\n" for a in alts)
    return prose, cells


def clean_prose(prose: str) -> str:
    """Prose without what is not prose: fences of code, maths, inline code, roles, links, comments."""
    prose = re.sub(r"^```(?!\{)[^\n]*\n.*?^```\s*$", "", prose, flags=re.S | re.M)  # plain code fences
    prose = re.sub(r"^:[\w-]+:.*$", "", prose, flags=re.M)  # directive options
    prose = re.sub(r"<!--.*?-->", "", prose, flags=re.S)
    prose = re.sub(r"\$\$.*?\$\$", " ", prose, flags=re.S)
    prose = re.sub(r"(?<!\\)\$[^$\n]+?\$", " ", prose)
    prose = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", prose)  # roles (glue, doc, ref, ...)
    prose = re.sub(r"`[^`\n]*`", " ", prose)
    prose = re.sub(r"\]\([^)]*\)", "]", prose)  # link targets
    prose = re.sub(r"^\(.*\)=\s*$", "", prose, flags=re.M)  # labels
    prose = re.sub(r"^\s*\d+\.\s", " ", prose, flags=re.M)  # numbered-list markers
    return prose


def normalise(figure: str) -> str:
    return figure.replace(",", "").replace(" ", "")


def asserted_and_literal(cells: list[str]) -> tuple[set[str], set[float], set[float]]:
    """(number strings inside assert statements, numbers inside assert statements, numeric literals anywhere)."""
    strings: set[str] = set()
    values: set[float] = set()
    literals: set[float] = set()
    for cell in cells:
        source = "\n".join(line for line in cell.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and type(node.value) in (int, float):
                literals.add(float(node.value))
            if not isinstance(node, ast.Assert):
                continue
            for sub in ast.walk(node):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    strings.update(normalise(m.group()) for m in NUMBER.finditer(sub.value))
                elif isinstance(sub, ast.Constant) and type(sub.value) in (int, float):
                    values.add(float(sub.value))
    return strings, values, literals


def figures_of(page: Path) -> list[tuple[str, str]]:
    """[(figure, what ties it or 'UNTIED')] for one page, in reading order."""
    prose, cells = split_page(page.read_text(encoding="utf-8"))
    glued = GLUE_ROLE.findall(prose)
    text = clean_prose(prose)
    allowed_spans = [(m.start(), m.end(), reason) for pattern, reason in ALLOWED_CONTEXTS
                     for m in re.finditer(pattern, text)]
    strings, values, literals = asserted_and_literal(cells)
    name = page.relative_to(page.parents[1]).as_posix()
    allowed = {**ALLOWED_NUMBERS["*"], **ALLOWED_NUMBERS.get(name, {})}
    found = [(f"{{glue}}{name}", "glue") for name in glued]
    for m in NUMBER.finditer(text):
        figure, key = m.group(), normalise(m.group())
        number = key.rstrip("%")
        reason = next((r for s, e, r in allowed_spans if s <= m.start() < e), None)
        if key in strings or (not key.endswith("%") and float(number) in values):
            tie = "assert"
        elif reason:
            tie = f"allowed: {reason}"
        elif number in allowed:
            tie = f"allowed: {allowed[number]}"
        elif not key.endswith("%") and float(number) in literals:
            tie = "input (the same literal in the code)"
        else:
            tie = "UNTIED"
        found.append((figure, tie))
    return found


def report(page: Path, found: list[tuple[str, str]]) -> str:
    lines = [f"{page.relative_to(REPO)}: {len(found)} figure(s)"]
    lines += [f"    {figure:>12}  {tie}" for figure, tie in found]
    return "\n".join(lines)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO / "book")))
def test_every_quoted_figure_is_tied_to_code(page: Path):
    found = figures_of(page)
    print(report(page, found))
    untied = [figure for figure, tie in found if tie == "UNTIED"]
    assert not untied, (
        f"{page.relative_to(REPO)} quotes figures that no code checks: {untied}. Produce each with "
        "myst-nb glue ({glue:text}`name`) or assert it in a removed cell beside the output.\n"
        + report(page, found))


def test_the_pages_are_found():
    assert len(PAGES) >= 20, PAGES


def test_the_extractor_sees_what_it_must():
    """The rules above, on a made-up page: a test that cannot fail is a defect."""
    page = (
        "---\nkernelspec: {}\n---\n# Title\n\nThe weight is 0.87 and 12% of rows, over 10 keys, in 2021 "
        "(chapter 3); $x = 0.5$ and `1.5` are not prose; {glue:text}`top:.2f` is glued.\n\n"
        "```{code-cell} ipython3\n---\ntags: [remove-cell]\n---\nn_keys = 10\nassert f'{w:.2f}' == '0.87'\n```\n"
    )
    prose, cells = split_page(page)
    text = clean_prose(prose)
    figures = [m.group() for m in NUMBER.finditer(text)]
    assert figures == ["0.87", "12%", "10", "2021", "3"], figures
    figure = "```{code-cell} ipython3\n---\nmystnb:\n  image:\n    alt: >-\n      Rises to 0.42.\n---\nx = 1\n```\n"
    assert [m.group() for m in NUMBER.finditer(clean_prose(split_page(figure)[0]))] == ["0.42"]
    assert GLUE_ROLE.findall(prose) == ["top"]
    strings, values, literals = asserted_and_literal(cells)
    assert "0.87" in strings and 10 in literals and "12%" not in strings
