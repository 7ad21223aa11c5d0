"""Tables of notebook 02 (train and evaluate): an evaluation report laid out for reading.

Pure functions of an evaluation report (:func:`models.evaluate.run_evaluation`, as
``partnermatch evaluate --output`` writes it) or of a fitted ranker, returning a
:class:`pandas.DataFrame`; :func:`per_query_ranks` turns the report's per-query ranks into a
frame for breakdowns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from features.pairs import ALL_COLUMNS, COLD_COLUMNS
from models.dataset import GraphData

REPORT_METRICS: tuple[str, ...] = ("HR@10", "HR@20", "HR@50", "Recall@20", "NDCG@10", "MRR", "coverage@10")
DEGREE_BINS: tuple[float, ...] = (-0.5, 0.5, 1.5, 2.5, 4.5, 9.5, np.inf)
DEGREE_LABELS: tuple[str, ...] = ("0", "1", "2", "3-4", "5-9", "10+")


# --------------------------------------------------------------------------- evaluation reports


def metrics_table(
    report: dict[str, Any], *, metrics: Sequence[str] = REPORT_METRICS, ci: bool = False
) -> pd.DataFrame:
    """A report of :func:`models.evaluate.run_evaluation` as one table.

    Parameters
    ----------
    report : dict
    metrics : sequence of str
    ci : bool
        Add ``<metric> lo`` / ``<metric> hi`` columns with the 95% bootstrap interval.

    Returns
    -------
    pandas.DataFrame
        Index ``(setting, model)``, one column per metric, plus ``n_queries``.
    """
    rows = []
    for setting, res in report.get("settings", {}).items():
        for model, values in res["models"].items():
            row: dict[str, Any] = {"setting": setting, "model": model, "n_queries": res["n_queries"]}
            for m in metrics:
                v = values.get(m)
                row[m] = v["value"] if v else np.nan
                if ci:
                    lo, hi = (v or {}).get("ci95") or (np.nan, np.nan)
                    row[f"{m} lo"], row[f"{m} hi"] = lo, hi
            rows.append(row)
    if not rows:
        return pd.DataFrame(columns=["n_queries", *metrics])
    return pd.DataFrame(rows).set_index(["setting", "model"])


def ranker_vs_baseline(report: dict[str, Any]) -> pd.DataFrame:
    """Ranker minus the best baseline per setting and metric, with the paired 95% interval."""
    rows = []
    for setting, res in report.get("settings", {}).items():
        for metric, d in res.get("ranker_minus_best_baseline", {}).items():
            rows.append({"setting": setting, "metric": metric, "best_baseline": d["vs"], "diff": d["diff"],
                         "lo": d["ci95"][0], "hi": d["ci95"][1]})  # fmt: skip
    return pd.DataFrame(rows, columns=["setting", "metric", "best_baseline", "diff", "lo", "hi"])


def compare_reports(
    a: dict[str, Any], b: dict[str, Any], *, labels: tuple[str, str] = ("a", "b"),
    metrics: Sequence[str] = ("HR@10", "HR@50", "MRR"),
) -> pd.DataFrame:  # fmt: skip
    """Two evaluation reports side by side with the difference per metric (0 when reproduced).

    Returns
    -------
    pandas.DataFrame
        Index ``(setting, model)``; for each metric ``<metric> <a>``, ``<metric> <b>`` and
        ``<metric> diff``; plus ``equal`` (every metric within 1e-9).
    """
    ta = metrics_table(a, metrics=metrics).drop(columns="n_queries")
    tb = metrics_table(b, metrics=metrics).drop(columns="n_queries")
    out = ta.add_suffix(f" {labels[0]}").join(tb.add_suffix(f" {labels[1]}"), how="outer")
    for m in metrics:
        out[f"{m} diff"] = out[f"{m} {labels[1]}"] - out[f"{m} {labels[0]}"]
    out["equal"] = (out[[f"{m} diff" for m in metrics]].abs() <= 1e-9).all(axis=1)
    return out


def feature_importances(ranker: Any) -> pd.DataFrame:
    """Split-count importances of the ranker's LightGBM models.

    Parameters
    ----------
    ranker : models.ranker.PartnerRanker
        Fitted; the cold-start model sees only :data:`features.pairs.COLD_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        ``model, feature, importance, share`` (share within each model), largest first per model.
    """
    parts = []
    for model, attr, cols in (
        ("warm", "warm_model_", ALL_COLUMNS),
        ("cold", "cold_model_", COLD_COLUMNS),
        ("themed", "theme_model_", ALL_COLUMNS),
    ):
        est = getattr(ranker, attr, None)
        if est is None:
            continue
        imp = np.asarray(est.feature_importances_, dtype=float)
        if len(imp) != len(cols):
            raise ValueError(f"{attr} has {len(imp)} features but {len(cols)} column names are known")
        total = imp.sum()
        part = pd.DataFrame({"model": model, "feature": list(cols), "importance": imp,
                             "share": imp / total if total else 0.0})  # fmt: skip
        parts.append(part.sort_values("importance", ascending=False, kind="stable"))
    if not parts:
        return pd.DataFrame(columns=["model", "feature", "importance", "share"])
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- per-query ranks


def hit_rate_curve(ranks: pd.DataFrame, *, ks: Iterable[int] = range(1, 101)) -> pd.DataFrame:
    """HR@k for every k, per setting and model.

    Parameters
    ----------
    ranks : pandas.DataFrame
        One row per (setting, model, query) with ``first_rank`` (1-based rank of the
        best-ranked true partner; ``inf`` when none is ranked), e.g. :func:`per_query_ranks`.
    ks : iterable of int

    Returns
    -------
    pandas.DataFrame
        ``setting, model, k, hit_rate``.
    """
    ks = np.asarray(list(ks), dtype=float)
    rows = []
    for (setting, model), g in ranks.groupby(["setting", "model"], sort=False):
        first = g["first_rank"].to_numpy(dtype=float)
        hr = (first[None, :] <= ks[:, None]).mean(axis=1) if len(first) else np.zeros(len(ks))
        rows.append(pd.DataFrame({"setting": setting, "model": model, "k": ks.astype(int), "hit_rate": hr}))
    if not rows:
        return pd.DataFrame(columns=["setting", "model", "k", "hit_rate"])
    return pd.concat(rows, ignore_index=True)


def degree_class(degree: Iterable[int] | pd.Series) -> pd.Categorical:
    """Degree classes ``0, 1, 2, 3-4, 5-9, 10+`` (ordered categorical)."""
    return pd.cut(
        pd.Series(list(degree), dtype=float), bins=list(DEGREE_BINS), labels=list(DEGREE_LABELS)
    ).array


def hit_breakdown(
    ranks: pd.DataFrame, *, by: str, k: int = 10, setting: str | None = None, min_queries: int = 1,
    top: int | None = None,
) -> pd.DataFrame:  # fmt: skip
    """HR@k per group of queries (e.g. per degree class or per country), one column per model.

    Parameters
    ----------
    ranks : pandas.DataFrame
        Per-query ranks with ``setting, model, first_rank`` and the ``by`` column.
    by : str
        Grouping column, e.g. ``"degree_class"`` or ``"country"``.
    k : int
    setting : str, optional
        Only this setting.
    min_queries : int
        Drop groups with fewer queries.
    top : int, optional
        Keep the groups with the most queries.

    Returns
    -------
    pandas.DataFrame
        Index the groups; columns ``queries`` and one HR@k column per model.
    """
    frame = ranks if setting is None else ranks[ranks["setting"] == setting]
    frame = frame.assign(hit=frame["first_rank"].to_numpy(dtype=float) <= k)
    table = frame.pivot_table(index=by, columns="model", values="hit", aggfunc="mean", observed=True)
    n_models = max(frame["model"].nunique(), 1)
    counts = frame.groupby(by, observed=True).size() // n_models
    table.insert(0, "queries", counts.reindex(table.index).astype("int64"))
    table.columns.name = None
    table = table[table["queries"] >= min_queries]
    if top is not None:
        table = table.sort_values("queries", ascending=False, kind="stable").head(top)
    return table


def per_query_ranks(report: dict[str, Any], graph: GraphData) -> pd.DataFrame:
    """Each query's ranks of its true partners, from a report of :func:`models.train.evaluate_graph`.

    Parameters
    ----------
    report : dict
        An evaluation report with its per-query ranks (as ``partnermatch evaluate --output`` writes).
    graph : GraphData
        The full graph the report was computed on (for names, countries and degrees).

    Returns
    -------
    pandas.DataFrame
        One row per (setting, model, query): ``setting, model, position, city_id, name,
        country, degree`` (links in the full graph), ``degree_class, n_targets, first_rank,
        ranks`` (tuple of the true partners' 1-based ranks; ``inf`` when not ranked).
    """
    full_degree = graph.degrees()
    cities = graph.cities
    rows: list[dict[str, Any]] = []
    for setting, result in report["settings"].items():
        if "queries" not in result:
            raise ValueError(f"the report's {setting!r} setting has no per-query ranks; evaluate again")
        for q in result["queries"]:
            p = int(q["position"])
            city = cities.iloc[p]
            for model, r in q["ranks"].items():
                r = tuple(np.inf if v is None else float(v) for v in r)
                rows.append(
                    {"setting": setting, "model": model, "position": p, "city_id": int(city["city_id"]),
                     "name": city["name"], "country": city["country"], "degree": int(full_degree[p]),
                     "n_targets": len(q["targets"]), "first_rank": min(r, default=np.inf), "ranks": r}
                )  # fmt: skip
    out = pd.DataFrame(rows, columns=["setting", "model", "position", "city_id", "name", "country", "degree",
                                      "n_targets", "first_rank", "ranks"])  # fmt: skip
    out.insert(7, "degree_class", degree_class(out["degree"]))
    return out
