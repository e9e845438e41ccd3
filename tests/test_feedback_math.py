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


def test_html_in_the_prose_around_a_formula_is_escaped():
    out = render_math("<html><body><p>a &lt;b&gt; then $a &lt; b$</p></body></html>")
    assert "<b>" not in out and "&lt;b&gt;" in out
    assert "<mo>&lt;</mo>" in out


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
