"""Formulas in feedback pages are MathML made at grading time: no `$` survives, no script is needed."""

import nbformat
import pytest
from nbconvert import HTMLExporter

from autograder import course
from autograder.feedback_math import render_math, unrendered


def test_inline_and_display_formulas_become_mathml():
    page = "<html><body><p>Scores $q \\cdot k$ and</p><p>$$\\frac{1}{\\sqrt{d}}$$ and \\(x_i\\)</p></body></html>"
    out = render_math(page)
    assert not unrendered(out)
    assert out.count("<math") == 3
    assert 'display="block"' in out and 'display="inline"' in out
    assert "<mfrac>" in out and "<msqrt>" in out


def test_code_prices_and_escaped_dollars_are_left_alone():
    page = ('<html><body><pre>cost = "$5"; other = "$6"</pre><code>$x$</code>'
            "<p>It costs \\$5 and \\$6, or $ 7 dollars $ with spaces.</p></body></html>")
    out = render_math(page)
    assert "<math" not in out, out
    assert '<pre>cost = "$5"; other = "$6"</pre>' in out and "<code>$x$</code>" in out
    assert "It costs $5 and $6" in out


def test_only_prose_changes_attributes_comments_and_raw_text_keep_their_dollars():
    page = ('<html><head><style>p::after {content: "$s$"}</style></head><body><a title="a>$b$">$c$</a>'
            '<!-- $d$ --><script>if (a<b) {x = "$e$"}</script><pre>$f$ <b>$g$</b></pre><p>$h$</p>'
            '<textarea>$i$ <p>$j$</p></textarea></body></html>')
    out = render_math(page)
    assert out.count("<math") == 2 and "<mi>c</mi>" in out and "<mi>h</mi>" in out, out
    for kept in ('content: "$s$"', 'title="a>$b$"', "<!-- $d$ -->", '{x = "$e$"}', "<pre>$f$ <b>$g$</b></pre>",
                 "<textarea>$i$ <p>$j$</p></textarea>"):
        assert kept in out
    assert out.replace(out[out.index("<math"):out.index("</math>") + 7], "$c$", 1).startswith(page[:60])


def test_html_in_the_prose_around_a_formula_is_escaped():
    out = render_math("<html><body><p>a &lt;b&gt; then $a &lt; b$</p></body></html>")
    assert "<b>" not in out and "&lt;b&gt;" in out
    assert "<mo>&lt;</mo>" in out or "<mo>&#x0003C;</mo>" in out  # the formula's "<" stays escaped


def test_a_formula_the_converter_cannot_read_shows_its_source_without_dollars():
    out = render_math("<html><body><p>see $\\begin{nonsense}$ here</p></body></html>")
    assert not unrendered(out)
    assert "$" not in out.split("<body>")[1]


@pytest.mark.parametrize("assignment", course.assignments())
def test_every_formula_of_every_notebook_renders(assignment):
    """The release notebooks hold every formula a feedback page can show; each converts without a fallback."""
    nb = nbformat.read(course.RELEASE / assignment / f"{course.notebook_name(assignment)}.ipynb", 4)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    out = render_math(body)
    assert not unrendered(out)
    assert 'class="math-source"' not in out, "a formula fell back to its TeX source"
