"""Plotting defaults shared by every page: readable fonts, colour-blind-safe colours.

Heatmaps use ``cividis`` (perceptually uniform and readable with every common
colour-vision deficiency); lines cycle through the Okabe-Ito palette.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

#: Okabe & Ito (2008), a palette distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
SEQUENTIAL_CMAP = "cividis"
DIVERGING_CMAP = "PuOr"


def use_course_style() -> None:
    """Apply the course's matplotlib defaults (call once per page)."""
    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 4.2),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.size": 12,
            "axes.titlesize": 13,
            "axes.labelsize": 12,
            "legend.fontsize": 11,
            "xtick.labelsize": 11,
            "ytick.labelsize": 11,
            "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
            "image.cmap": SEQUENTIAL_CMAP,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def heatmap(
    matrix,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    ax=None,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    cbar_label: str = "",
    cmap: str = SEQUENTIAL_CMAP,
    vmin: float | None = None,
    vmax: float | None = None,
    annotate: bool = True,
    fmt: str = "{:.2f}",
):
    """Draw a labelled heatmap of a (rows, cols) matrix and return the axes.

    Annotations switch between black and white text so they stay readable on
    both ends of the colour map.
    """
    m = np.asarray(matrix, dtype=float)
    if m.shape != (len(row_labels), len(col_labels)):
        raise ValueError(f"matrix has shape {m.shape} but there are {len(row_labels)} x {len(col_labels)} labels")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.55 * len(col_labels) + 2.5, 0.45 * len(row_labels) + 1.8))
    image = ax.imshow(m, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(col_labels)), labels=list(col_labels), rotation=45, ha="right")
    ax.set_yticks(range(len(row_labels)), labels=list(row_labels))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    colorbar = ax.figure.colorbar(image, ax=ax)
    colorbar.set_label(cbar_label)
    if annotate and m.size <= 400:
        lo, hi = image.get_clim()
        for (i, j), value in np.ndenumerate(m):
            bright = (value - lo) / (hi - lo + 1e-12) > 0.6
            ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=9,
                    color="black" if bright else "white")
    return ax

