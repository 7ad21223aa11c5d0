"""Ranking metrics as pure functions of the ranks of each query's relevant items.

``ranks`` is a sequence with one entry per query: the 1-based positions of
that query's relevant items in its full ranking of all cities (an item the
ranking does not contain counts as ``inf``). A query with no relevant item
found scores 0 on every metric.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np


def ranks_of(ranking: Sequence[int] | np.ndarray, relevant: Iterable[int]) -> np.ndarray:
    """1-based ranks of ``relevant`` items in ``ranking`` (``inf`` when absent)."""
    pos = {int(x): k + 1 for k, x in enumerate(np.asarray(ranking).tolist())}
    return np.array([pos.get(int(r), np.inf) for r in relevant], dtype=float)


def _per_query(ranks: Sequence[np.ndarray], fn: Callable[[np.ndarray], float]) -> np.ndarray:
    return np.array([fn(np.asarray(r, dtype=float)) for r in ranks], dtype=float)


def hit_rate_at_k(ranks: Sequence[np.ndarray], k: int, *, per_query: bool = False):
    """Share of queries with at least one relevant item in the top ``k`` (0..1)."""
    v = _per_query(ranks, lambda r: float(len(r) > 0 and r.min() <= k))
    return v if per_query else float(v.mean()) if len(v) else 0.0


def recall_at_k(ranks: Sequence[np.ndarray], k: int, *, per_query: bool = False):
    """Mean share of each query's relevant items in its top ``k`` (0..1)."""
    v = _per_query(ranks, lambda r: float((r <= k).mean()) if len(r) else 0.0)
    return v if per_query else float(v.mean()) if len(v) else 0.0


def ndcg_at_k(ranks: Sequence[np.ndarray], k: int, *, per_query: bool = False):
    """Binary-relevance NDCG@k (0..1; 1 when all relevant items lead the ranking)."""

    def one(r: np.ndarray) -> float:
        if not len(r):
            return 0.0
        top = r[r <= k]
        dcg = float(np.sum(1.0 / np.log2(top + 1.0)))
        ideal = float(np.sum(1.0 / np.log2(np.arange(2, min(len(r), k) + 2))))
        return dcg / ideal

    v = _per_query(ranks, one)
    return v if per_query else float(v.mean()) if len(v) else 0.0


def mrr(ranks: Sequence[np.ndarray], *, per_query: bool = False):
    """Mean reciprocal rank of each query's first relevant item (0..1)."""
    v = _per_query(ranks, lambda r: float(1.0 / r.min()) if len(r) else 0.0)
    return v if per_query else float(v.mean()) if len(v) else 0.0


def catalogue_coverage(top_lists: Iterable[Sequence[int]], n_items: int) -> float:
    """Share of all items that appear in at least one recommendation list (0..1)."""
    seen: set[int] = set()
    for lst in top_lists:
        seen.update(int(x) for x in lst)
    return len(seen) / n_items if n_items else 0.0


def bootstrap_ci(
    values: Sequence[float] | np.ndarray, *, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of per-query ``values``.

    Examples
    --------
    >>> bootstrap_ci([1.0, 1.0, 1.0])
    (1.0, 1.0)
    """
    v = np.asarray(values, dtype=float)
    if not len(v):
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    means = v[rng.integers(0, len(v), size=(n_boot, len(v)))].mean(axis=1)
    lo, hi = np.quantile(means, [(1 - level) / 2, 1 - (1 - level) / 2])
    return (float(lo), float(hi))


def paired_bootstrap_diff(
    a: Sequence[float], b: Sequence[float], *, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Bootstrap interval of ``mean(a - b)`` over the same queries (is a better than b?)."""
    return bootstrap_ci(np.asarray(a, float) - np.asarray(b, float), n_boot=n_boot, level=level, seed=seed)


def cluster_bootstrap_means(
    values: dict[str, np.ndarray], clusters: Sequence[Any], *, n_boot: int = 1000, seed: int = 0
) -> dict[str, np.ndarray]:
    """Bootstrap replicates of the mean of each model's ``values``, resampling whole clusters.

    All models share the same draws, so a replicate's ratio or difference between two models
    is a paired comparison. A replicate's mean is over the queries of the drawn clusters.
    """
    keys = list(dict.fromkeys(clusters))
    index = {k: i for i, k in enumerate(keys)}
    ids = np.array([index[c] for c in clusters], dtype=np.int64)
    sizes = np.bincount(ids, minlength=len(keys)).astype(float)
    draws = np.random.default_rng(seed).integers(0, len(keys), size=(n_boot, len(keys)))
    denom = np.maximum(sizes[draws].sum(axis=1), 1.0)
    return {
        name: np.bincount(ids, weights=np.asarray(v, dtype=float), minlength=len(keys))[draws].sum(axis=1)
        / denom
        for name, v in values.items()
    }


def cluster_bootstrap_ci(
    values: Sequence[float] | np.ndarray,
    clusters: Sequence[Any],
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile interval of the mean of ``values`` resampling whole clusters with replacement.

    Queries that share a cluster (pairs of one network) are not independent, so the interval draws
    clusters, each bringing all its queries.

    Examples
    --------
    >>> cluster_bootstrap_ci([1.0, 1.0, 0.0], ["a", "a", "b"], n_boot=10)[1] <= 1.0
    True
    """
    v = np.asarray(values, dtype=float)
    if not len(v):
        return (0.0, 0.0)
    means = cluster_bootstrap_means({"v": v}, clusters, n_boot=n_boot, seed=seed)["v"]
    lo, hi = np.quantile(means, [(1 - level) / 2, 1 - (1 - level) / 2])
    return (float(lo), float(hi))
