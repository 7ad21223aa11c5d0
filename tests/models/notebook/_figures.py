"""Shared check of the figures models.plots draws from the notebook tables."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure


def assert_figures(figures: list[Figure]) -> None:
    """Every plot returned a figure with axes (closed afterwards)."""
    for fig in figures:
        assert isinstance(fig, Figure) and fig.axes
        plt.close(fig)
