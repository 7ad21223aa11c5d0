"""Matplotlib figures for the analyst notebooks.

Each function takes a frame from a :mod:`models.notebook` module and returns a
:class:`matplotlib.figure.Figure` (drawn with pyplot, so notebooks show it
inline; tests use the Agg backend).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

MODEL_COLOURS = {
    "ranker": "tab:blue",
    "popularity": "tab:gray",
    "adamic_adar": "tab:orange",
    "country_distance_prior": "tab:green",
}


def bar_chart(
    frame: pd.DataFrame, *, label: str, value: str, title: str, xlabel: str | None = None, top: int = 20
) -> Figure:
    """Horizontal bars of ``value`` per ``label`` (first row on top).

    Parameters
    ----------
    frame : pandas.DataFrame
    label, value : str
        Column names.
    title : str
    xlabel : str, optional
    top : int
        Draw the first ``top`` rows.
    """
    data = frame.head(top)
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(data) + 1.2))
    ax.barh(data[label].astype(str)[::-1], data[value].to_numpy()[::-1], color="tab:blue")
    ax.set_title(title)
    ax.set_xlabel(xlabel or value)
    fig.tight_layout()
    return fig


def size_classes(sizes: pd.DataFrame) -> Figure:
    """Cities per population class (:func:`models.notebook.explore_data.size_classes`)."""
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.bar(sizes["size_class"], sizes["cities"], color="tab:blue")
    ax.set_title("Cities by population")
    ax.set_xlabel("population")
    ax.set_ylabel("cities")
    fig.tight_layout()
    return fig


def degree_distribution(dist: pd.DataFrame) -> Figure:
    """Number of cities per link count, log-log (degree 0 drawn at 0.5)."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    x = dist["degree"].to_numpy(dtype=float)
    ax.loglog(np.where(x == 0, 0.5, x), dist["cities"], "o", color="tab:blue")
    ax.set_title("Degree distribution of the cooperation graph")
    ax.set_xlabel("links of a city (0 drawn at 0.5)")
    ax.set_ylabel("cities")
    fig.tight_layout()
    return fig


def link_map(segments: pd.DataFrame, *, labels: pd.DataFrame | None = None, title: str = "Links") -> Figure:
    """Links as straight lon/lat segments (no country outlines), optional labelled cities.

    Parameters
    ----------
    segments : pandas.DataFrame
        :func:`models.notebook.explore_data.link_segments`.
    labels : pandas.DataFrame, optional
        ``name, longitude, latitude`` of cities to mark and name, e.g.
        :func:`models.notebook.explore_data.top_cities_by_degree`.
    title : str
    """
    fig, ax = plt.subplots(figsize=(11, 5.5))
    for domestic, colour, name in (
        (True, "tab:green", "within a country"),
        (False, "tab:blue", "international"),
    ):
        part = segments[segments["domestic"] == domestic]
        xs = np.c_[part["lon_a"], part["lon_b"], np.full(len(part), np.nan)].ravel()
        ys = np.c_[part["lat_a"], part["lat_b"], np.full(len(part), np.nan)].ravel()
        ax.plot(xs, ys, color=colour, alpha=0.25, linewidth=0.6, label=f"{name} ({len(part)})")
    ends = pd.concat(
        [segments[["lon_a", "lat_a"]].set_axis(["lon", "lat"], axis=1),
         segments[["lon_b", "lat_b"]].set_axis(["lon", "lat"], axis=1)]
    )  # fmt: skip
    ax.scatter(ends["lon"], ends["lat"], s=3, color="black", alpha=0.4, label="linked city")
    if labels is not None:
        ax.scatter(labels["longitude"], labels["latitude"], s=25, color="tab:red", zorder=3)
        for r in labels.itertuples(index=False):
            ax.annotate(f"{r.name} ({r.country})", (r.longitude, r.latitude), fontsize=7,
                        xytext=(3, 3), textcoords="offset points")  # fmt: skip
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 80)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title(title)
    ax.grid(True, linewidth=0.3)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig


def heatmap(table: pd.DataFrame, *, title: str, cbar_label: str = "") -> Figure:
    """A labelled heatmap of a numeric table, e.g. the scheme x sector one.

    From :func:`models.notebook.explore_data.scheme_sector_matrix`.
    """
    n_rows, n_cols = table.shape
    fig, ax = plt.subplots(figsize=(max(6, 0.35 * n_cols + 3), max(3, 0.3 * n_rows + 1.5)))
    if n_rows and n_cols:
        im = ax.imshow(table.to_numpy(dtype=float), aspect="auto", cmap="Blues")
        fig.colorbar(im, ax=ax, label=cbar_label)
    ax.set_xticks(range(n_cols), [str(c) for c in table.columns], rotation=90, fontsize=7)
    ax.set_yticks(range(n_rows), [str(i) for i in table.index], fontsize=7)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def stacked_bars(table: pd.DataFrame, *, title: str, ylabel: str = "") -> Figure:
    """Stacked bars, one per row of ``table``, one segment per column."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    bottom = np.zeros(len(table))
    for col in table.columns:
        values = table[col].to_numpy(dtype=float)
        ax.bar([str(i) for i in table.index], values, bottom=bottom, label=str(col))
        bottom += values
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", rotation=30)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def hit_rate_curves(curve: pd.DataFrame, *, log_k: bool = True) -> Figure:
    """HR@k against k, one panel per setting, one line per model.

    From :func:`models.notebook.train_and_evaluate.hit_rate_curve`.
    """
    settings = list(dict.fromkeys(curve["setting"]))
    fig, axes = plt.subplots(
        1, max(len(settings), 1), figsize=(4.5 * max(len(settings), 1), 3.5), squeeze=False
    )
    for ax, setting in zip(axes[0], settings, strict=False):
        part = curve[curve["setting"] == setting]
        for model, g in part.groupby("model", sort=False):
            ax.plot(g["k"], g["hit_rate"], label=model, color=MODEL_COLOURS.get(model))
        for k in (10, 20, 50):
            ax.axvline(k, color="gray", linewidth=0.4, linestyle=":")
        if log_k:
            ax.set_xscale("log")
        ax.set_ylim(0, 1)
        ax.set_title(setting)
        ax.set_xlabel("k")
        ax.set_ylabel("HR@k")
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def breakdown_bars(table: pd.DataFrame, *, title: str, models: Sequence[str] | None = None) -> Figure:
    """Grouped bars of HR@k per group, queries in the labels.

    From :func:`models.notebook.train_and_evaluate.hit_breakdown`.
    """
    models = list(models or [c for c in table.columns if c != "queries"])
    fig, ax = plt.subplots(figsize=(max(6, 0.6 * len(table) * max(len(models), 1) / 2 + 3), 3.5))
    x = np.arange(len(table))
    width = 0.8 / max(len(models), 1)
    for i, model in enumerate(models):
        ax.bar(x + i * width, table[model].to_numpy(dtype=float), width, label=model,
               color=MODEL_COLOURS.get(model))  # fmt: skip
    names = [f"{idx}\n(n={n})" for idx, n in zip(table.index, table["queries"], strict=True)]
    ax.set_xticks(x + width * (len(models) - 1) / 2, names, fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("hit rate")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def feature_importances(importances: pd.DataFrame, *, top: int = 15) -> Figure:
    """Top features of each LightGBM model.

    From :func:`models.notebook.train_and_evaluate.feature_importances`.
    """
    models = list(dict.fromkeys(importances["model"]))
    fig, axes = plt.subplots(1, max(len(models), 1), figsize=(5 * max(len(models), 1), 0.28 * top + 1.5),
                             squeeze=False)  # fmt: skip
    for ax, model in zip(axes[0], models, strict=False):
        part = importances[importances["model"] == model].head(top)
        ax.barh(part["feature"][::-1], part["share"][::-1], color="tab:blue")
        ax.set_title(f"{model} model")
        ax.set_xlabel("share of splits")
        ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return fig


def version_metrics(versions: pd.DataFrame, *, metrics: Sequence[str]) -> Figure:
    """Grouped bars of the headline metrics per model version."""
    present = [m for m in metrics if m in versions.columns]
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(present) + 2), 3.5))
    x = np.arange(len(present))
    width = 0.8 / max(len(versions), 1)
    for i, (version, row) in enumerate(versions.iterrows()):
        values = pd.to_numeric(row[present], errors="coerce").to_numpy(dtype=float)
        ax.bar(x + i * width, values, width, label=f"{version} ({row.get('status', '')})")
    ax.set_xticks(x + width * (len(versions) - 1) / 2, present, rotation=20, fontsize=8)
    ax.set_title("Metrics per model version")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
