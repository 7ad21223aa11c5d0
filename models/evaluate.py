"""Offline evaluation: splits, full-ranking metrics, baselines from the same run.

Every setting ranks all cities for each query; a true partner the candidate
stage drops is ranked after the candidates (by the retrieval score), so it is
a miss at small k. Reports are plain dicts (JSON-serialisable); each setting
keeps every query's ranks of its true partners (``queries``) for breakdowns,
which :func:`without_queries` drops where only the averages are stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from db.progress import stage
from features.text import embed_texts, group_text
from models import metrics as M
from models.baselines import AdamicAdarBaseline, CountryDistancePrior, PopularityBaseline
from models.dataset import CityQuery, GraphData

KS = (10, 20, 50)


@dataclass
class EvalQuery:
    """One evaluation query: who asks (and with which needs text) and the true partners."""

    position: int
    targets: np.ndarray
    needs: str = ""
    cold: bool = False
    needs_embedding: np.ndarray | None = field(default=None, repr=False)


def leave_one_out_split(graph: GraphData, *, n_queries: int = 1000, seed: int = 0):
    """Hide one link of each of ``n_queries`` cities with degree >= 2.

    Both ends stay visible (:meth:`GraphData.visible`): the query keeps a link, and the
    hidden partner keeps a link or a group membership, else its sudden isolation would
    give it away (the store only holds cities that some cooperation names).

    Returns
    -------
    (GraphData, list of EvalQuery)
        Training graph without the hidden links, and queries targeting them.
    """
    rng = np.random.default_rng(seed)
    left = graph.degrees()  # links each city keeps as links are hidden
    grouped = graph.group_counts() > 0
    asked = np.zeros(graph.n_cities, dtype=bool)  # a query must keep a link, not just a group
    pool = rng.permutation(np.flatnonzero(left >= 2))
    nb = graph.neighbours()
    hidden: set[tuple[int, int]] = set()
    queries = []
    for q in pool:
        if len(queries) >= n_queries:
            break
        ok = nb[q][(left[nb[q]] >= 2) | (grouped[nb[q]] & ~asked[nb[q]])]
        if left[q] < 2 or not len(ok):
            continue
        p = int(rng.choice(ok))
        pair = (min(q, p), max(q, p))
        if pair in hidden:
            continue
        hidden.add(pair)
        left[[q, p]] -= 1
        asked[q] = True
        queries.append(EvalQuery(position=int(q), targets=np.array([p])))
    train = graph.without_pairs(np.array(sorted(hidden)))
    return train, queries


def cold_start_split(graph: GraphData, *, n_queries: int = 500, seed: int = 0):
    """Remove all links and group memberships of ``n_queries`` cities; query them by profile.

    The targets are the partners that stay visible in the training graph (see
    :func:`leave_one_out_split`); cities left without one are not queried.
    """
    rng = np.random.default_rng(seed)
    deg = graph.degrees()
    chosen = rng.choice(np.flatnonzero(deg >= 1), size=min(n_queries, int((deg >= 1).sum())), replace=False)
    nb = graph.neighbours()
    train = graph.without_cities(chosen.tolist())
    visible = train.visible()
    queries = [EvalQuery(position=int(q), targets=nb[q][visible[nb[q]]], cold=True) for q in chosen]
    return train, [q for q in queries if len(q.targets)]


def themed_split(graph: GraphData, *, split_year: int = 2015, members_per_group: int = 5, seed: int = 0):
    """Train on groups that started before ``split_year``; query newer groups by their text.

    Each sampled member of a newer group asks with the group's text as needs;
    the targets are the other members it is not already linked to that stay
    visible in the training graph (see :func:`leave_one_out_split`).
    """
    rng = np.random.default_rng(seed)
    test = [g for g in graph.groups if g.text and g.start_year is not None and g.start_year >= split_year]
    train = graph.without_groups([g.id for g in test])
    nb = train.neighbours()
    visible = train.visible()
    queries = []
    for g in test:
        members = np.asarray(g.members)
        for q in rng.permutation(members)[:members_per_group]:
            targets = np.setdiff1d(members[(members != q) & visible[members]], nb[q])
            if len(targets):
                queries.append(EvalQuery(position=int(q), targets=targets, needs=group_text(g)))
    return train, queries


def _summary(ranks: list[np.ndarray], tops: list[np.ndarray], n_cities: int, seed: int) -> dict:
    out: dict = {}
    per = {}
    for k in KS:
        per[f"HR@{k}"] = M.hit_rate_at_k(ranks, k, per_query=True)
        per[f"Recall@{k}"] = M.recall_at_k(ranks, k, per_query=True)
        per[f"NDCG@{k}"] = M.ndcg_at_k(ranks, k, per_query=True)
    per["MRR"] = M.mrr(ranks, per_query=True)
    for name, v in per.items():
        lo, hi = M.bootstrap_ci(v, seed=seed)
        out[name] = {"value": float(v.mean()) if len(v) else 0.0, "ci95": [lo, hi]}
    out["coverage@10"] = {"value": M.catalogue_coverage(tops, n_cities), "ci95": None}
    return out, per


def evaluate_setting(
    train: GraphData,
    queries: list[EvalQuery],
    *,
    make_ranker: Callable[[], object],
    embedder=None,
    cache=None,
    seed: int = 0,
) -> dict:
    """Fit the ranker and the baselines on ``train`` and score ``queries`` by full ranking."""
    t0 = time.perf_counter()
    with stage("fit the ranker"):
        ranker = make_ranker().fit(train, cache=cache)
    fit_s = time.perf_counter() - t0
    if embedder is not None and any(q.needs for q in queries):
        emb = embed_texts([q.needs for q in queries], embedder=embedder, cache=cache)
        for q, e in zip(queries, emb, strict=True):
            q.needs_embedding = e if q.needs else None
    baselines = {
        "popularity": PopularityBaseline().fit(train),
        "adamic_adar": AdamicAdarBaseline().fit(train),
        "country_distance_prior": CountryDistancePrior().fit(train, table=ranker.featurizer_.table_),
    }
    ranks: dict[str, list] = {name: [] for name in ["ranker", *baselines]}
    tops: dict[str, list] = {name: [] for name in ranks}
    lat = []
    nb = train.neighbours()
    with stage("rank the queries", total=len(queries)) as progress:
        for q in queries:
            t = time.perf_counter()
            order = ranker.rank_all(
                CityQuery(position=q.position, cold=q.cold), needs_embedding=q.needs_embedding
            )
            lat.append(time.perf_counter() - t)
            ranks["ranker"].append(M.ranks_of(order, q.targets))
            tops["ranker"].append(order[:10])
            side = ranker.featurizer_.table_.side(np.array([q.position]), cold=np.array([q.cold]))
            drop = np.r_[q.position, nb[q.position]]
            for name, b in baselines.items():
                o = b.rank_all(side)
                o = o[~np.isin(o, drop)]
                ranks[name].append(M.ranks_of(o, q.targets))
                tops[name].append(o[:10])
            progress.advance()
    models, per = {}, {}
    for name in ranks:
        models[name], per[name] = _summary(ranks[name], tops[name], train.n_cities, seed)
    diffs = {}
    for metric in ("HR@10", "MRR"):
        best = max(baselines, key=lambda b: models[b][metric]["value"])
        lo, hi = M.paired_bootstrap_diff(per["ranker"][metric], per[best][metric], seed=seed)
        diffs[metric] = {"vs": best, "diff": float(np.mean(per["ranker"][metric] - per[best][metric])),
                         "ci95": [lo, hi]}  # fmt: skip
    per_query = [
        {"position": q.position, "targets": q.targets.tolist(),
         "ranks": {name: [int(r) if np.isfinite(r) else None for r in ranks[name][i]] for name in ranks}}
        for i, q in enumerate(queries)
    ]  # fmt: skip
    return {
        "n_queries": len(queries),
        "models": models,
        "ranker_minus_best_baseline": diffs,
        "fit_seconds": fit_s,
        "rank_all_ms_p50": float(np.median(lat) * 1000) if lat else None,
        "queries": per_query,
    }


def without_queries(report: dict) -> dict:
    """The report without per-query ranks (what a model version stores)."""
    settings = {
        name: {k: v for k, v in res.items() if k != "queries"} for name, res in report["settings"].items()
    }
    return {**report, "settings": settings}


def run_evaluation(
    graph: GraphData,
    *,
    make_ranker: Callable[[], object],
    embedder=None,
    cache=None,
    settings: tuple[str, ...] = ("leave_one_out", "cold_start", "themed"),
    n_queries: int = 1000,
    split_year: int = 2015,
    seed: int = 0,
) -> dict:
    """Run the requested settings; returns a JSON-serialisable report."""
    report: dict = {"seed": seed, "n_cities": graph.n_cities, "n_links": int(len(graph.links))}
    report["settings"] = {}
    splits = {
        "leave_one_out": lambda: leave_one_out_split(graph, n_queries=n_queries, seed=seed),
        "cold_start": lambda: cold_start_split(graph, n_queries=max(n_queries // 2, 1), seed=seed),
        "themed": lambda: themed_split(graph, split_year=split_year, seed=seed),
    }
    for name in settings:
        with stage(f"evaluate {name}") as progress:
            train, queries = splits[name]()
            progress.count(queries=len(queries))
            report["settings"][name] = evaluate_setting(
                train, queries, make_ranker=make_ranker, embedder=embedder, cache=cache, seed=seed
            )
    return report


def format_report(report: dict) -> str:
    """Readable table: one block per setting, a row per model, value [95% CI] per metric."""
    cols = ["HR@10", "HR@20", "HR@50", "Recall@20", "NDCG@10", "MRR", "coverage@10"]
    lines = []
    for setting, res in report["settings"].items():
        lines.append(f"== {setting} ({res['n_queries']} queries, fit {res['fit_seconds']:.0f}s) ==")
        lines.append(f"{'model':<24}" + "".join(f"{c:>22}" for c in cols))
        for model, m in res["models"].items():
            cells = []
            for c in cols:
                v = m[c]
                ci = f" [{v['ci95'][0]:.3f},{v['ci95'][1]:.3f}]" if v["ci95"] else ""
                cells.append(f"{v['value']:.3f}{ci}".rjust(22))
            lines.append(f"{model:<24}" + "".join(cells))
        for metric, d in res["ranker_minus_best_baseline"].items():
            lines.append(
                f"ranker - {d['vs']} {metric}: {d['diff']:+.3f} [{d['ci95'][0]:+.3f},{d['ci95'][1]:+.3f}]"
            )
    return "\n".join(lines)
