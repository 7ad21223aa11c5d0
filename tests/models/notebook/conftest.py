"""Notebook tables on tiny hand-made inputs; figures drawn off screen."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # before any test module imports pyplot
