"""The class's scores as a histogram: an SVG file written directly, without matplotlib.

Importing matplotlib and drawing one figure cost a grading run about 2.5 CPU-s, as much as grading two
submissions; the figure is a few bars and labels, which SVG states directly. The text stays text (any browser,
JupyterLab or an image viewer shows it, and a screen reader reads it), and the file carries its own alt text
(``<title>`` and ``<desc>``).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 48, 64  # margins: room for the tick labels and the axis labels
BAR = "#0072B2"  # Okabe-Ito blue: colour-blind safe, and dark enough against white
INK = "#222222"
FONT = "font-family:DejaVu Sans,Arial,Helvetica,sans-serif"


def bins_of(scores: list[float], max_score: float) -> tuple[list[float], list[int]]:
    """Bin edges (from 0 to the top score) and counts; the last bin includes its right edge."""
    top = max(max_score, max(scores, default=0.0), 1.0)
    n = min(20, max(5, int(top)))
    width = top / n
    counts = [0] * n
    for score in scores:
        counts[min(n - 1, max(0, int(score / width)))] += 1
    return [i * width for i in range(n + 1)], counts


def _step(largest: int) -> int:
    """A whole-number step between count ticks: at most about six ticks."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if largest / step <= 6:
            return step
    return 10 ** len(str(largest))


def _number(value: float) -> str:
    return f"{value:.3g}"


def svg(scores: list[float], max_score: float, assignment: str) -> str:
    """The histogram of ``scores`` (points out of ``max_score``) as an SVG document."""
    edges, counts = bins_of(scores, max_score)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = _step(max(counts, default=0) or 1)
    y_top = max(step, -(-max(counts, default=0) // step) * step)
    x = lambda v: LEFT + plot_w * v / edges[-1]  # noqa: E731
    y = lambda c: TOP + plot_h * (1 - c / y_top)  # noqa: E731
    full = sum(1 for s in scores if s >= max_score > 0)
    mean = sum(scores) / len(scores) if scores else 0.0
    title = f"{assignment}: {len(scores)} submissions"
    desc = (f"Histogram of the scores of {len(scores)} submissions to {assignment}, out of {max_score:g} points. "
            f"Mean {mean:.3g}; {full} with full marks. Students per bin of {edges[1]:.3g} points: "
            + ", ".join(f"{_number(a)} to {_number(b)}: {c}"
                        for a, b, c in zip(edges, edges[1:], counts, strict=False)) + ".")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="title desc" style="{FONT}">',
        f'<title id="title">{escape(title)}</title>',
        f'<desc id="desc">{escape(desc)}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{WIDTH / 2}" y="28" text-anchor="middle" font-size="18" fill="{INK}">{escape(title)}</text>',
    ]
    for c in range(0, y_top + 1, step):  # count gridlines and ticks
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(c):.1f}" y2="{y(c):.1f}" stroke="#dddddd"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y(c) + 5:.1f}" text-anchor="end" font-size="14" '
                     f'fill="{INK}">{c}</text>')
    for a, b, count in zip(edges, edges[1:], counts, strict=False):
        if count:
            parts.append(f'<rect class="bar" data-count="{count}" x="{x(a):.1f}" y="{y(count):.1f}" '
                         f'width="{x(b) - x(a):.1f}" height="{y(0) - y(count):.1f}" fill="{BAR}" stroke="white"/>')
    label_every = 1 if len(edges) <= 11 else 2
    for i, edge in enumerate(edges):
        if i % label_every == 0 or i == len(edges) - 1:
            parts.append(f'<text x="{x(edge):.1f}" y="{TOP + plot_h + 20}" text-anchor="middle" font-size="14" '
                         f'fill="{INK}">{_number(edge)}</text>')
    parts += [
        f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="{INK}"/>',
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{y(0):.1f}" stroke="{INK}"/>',
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 14}" text-anchor="middle" font-size="16" fill="{INK}">'
        f'score (points out of {max_score:g})</text>',
        f'<text transform="translate(20 {TOP + plot_h / 2}) rotate(-90)" text-anchor="middle" font-size="16" '
        f'fill="{INK}">number of students</text>',
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def write(path: Path, scores: list[float], max_score: float, assignment: str) -> None:
    path.write_text(svg(scores, max_score, assignment), encoding="utf-8")
