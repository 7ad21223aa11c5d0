"""Ranking under a wish: leave-one-out queries asked with the hidden partner's country as the wish.

Hides one link of each of ``--queries`` cities (``models.evaluate.leave_one_out_split`` on the full
store), keeps those whose hidden partner is abroad, fits the production ranker on the rest, and asks
each query with ``desired_countries`` = the hidden partner's country. The ranker's list is ordered
by :func:`models.wishes.order_by_wishes` (at several floors); same-run baselines rank the cities of
that country by popularity, by distance, and by both (the country-distance prior within a country).
Existing partners are left out of every list. Writes benchmarks/results/wish_eval.json.

Usage: ``python benchmarks/wish_eval.py [--db sqlite:///var/partnermatch.db] [--queries 1000]``
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from _common import write_report  # the sibling module

OUT = Path(__file__).resolve().parent / "results" / "wish_eval.json"
FLOORS = (0.0, 0.02, 0.05, 0.1, 0.25, 0.5)
LIMIT = 50


def _rank_of(order: np.ndarray, target: int) -> float:
    hit = np.flatnonzero(order == target)
    return float(hit[0] + 1) if len(hit) else np.inf


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--db", default=os.environ.get("PARTNERMATCH_DATABASE_URL", "sqlite:///var/partnermatch.db")
    )
    ap.add_argument("--queries", type=int, default=1000, help="queries before the abroad filter")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from db.places.geometry import haversine_km
    from db.repositories.embeddings import EmbeddingCache
    from db.session import make_engine, make_session_factory
    from models import metrics as M
    from models.dataset import CityQuery
    from models.evaluate import leave_one_out_split
    from models.store import load_graph
    from models.train import build_ranker
    from models.wishes import order_by_wishes

    session = make_session_factory(make_engine(args.db))()
    graph = load_graph(session)
    train, queries = leave_one_out_split(graph, n_queries=args.queries, seed=args.seed)
    country = graph.cities["country"].to_numpy()
    queries = [q for q in queries if country[q.targets[0]] != country[q.position]]
    t0 = time.perf_counter()
    ranker = build_ranker(seed=args.seed).fit(train, cache=EmbeddingCache(session))
    fit_s = time.perf_counter() - t0
    session.rollback()
    t = ranker.featurizer_.table_
    degree = np.array([len(p) for p in train.neighbours()], dtype=float)
    nb = train.neighbours()

    hits: dict[str, dict[int, list[float]]] = {}
    share10: dict[float, list[float]] = {f: [] for f in FLOORS}
    shortfalls: dict[float, list[int]] = {f: [] for f in FLOORS}

    def record(name: str, rank: float) -> None:
        for k in (10, 50):
            hits.setdefault(name, {10: [], 50: []})[k].append(float(rank <= k))

    for q in queries:
        target, pos = int(q.targets[0]), q.position
        wished_code = country[target]
        frame = ranker.rank(CityQuery(position=pos), k=ranker.n_cities_)
        positions = frame["position"].to_numpy()
        wished = frame["country"].to_numpy() == wished_code
        for floor in FLOORS:
            w = order_by_wishes(frame["score"].to_numpy(), wished, LIMIT, floor=floor)
            record(f"ranker floor={floor}", _rank_of(positions[w.order], target))
            share10[floor].append(float(wished[w.order[:10]].mean()))
            shortfalls[floor].append(w.shortfall)
        inside = np.flatnonzero(country == wished_code)
        inside = inside[~np.isin(inside, np.r_[pos, nb[pos]])]
        d = haversine_km(t.latitude[pos], t.longitude[pos], t.latitude[inside], t.longitude[inside])
        for name, score in {
            "popularity in country": degree[inside],
            "distance in country": -d,
            "popularity x distance in country": np.log(degree[inside] + 0.5) - 0.6 * np.log1p(d / 100),
        }.items():
            record(name, _rank_of(inside[np.argsort(-score, kind="stable")], target))

    report: dict = {"n_queries": len(queries), "fit_seconds": round(fit_s, 1), "limit": LIMIT, "models": {}}
    for name, by_k in hits.items():
        report["models"][name] = {
            f"HR@{k}": {"value": float(np.mean(v)), "ci95": list(M.bootstrap_ci(v, seed=args.seed))}
            for k, v in by_k.items()
        }
    baselines = [n for n in hits if not n.startswith("ranker")]
    report["ranker_minus_baseline"] = {
        f"floor={floor} vs {b} HR@{k}": {
            "diff": float(np.mean(np.subtract(hits[f"ranker floor={floor}"][k], hits[b][k]))),
            "ci95": list(
                M.paired_bootstrap_diff(hits[f"ranker floor={floor}"][k], hits[b][k], seed=args.seed)
            ),
        }
        for floor in FLOORS
        for b in baselines
        for k in (10, 50)
    }
    report["top10_share_in_wished_country"] = {str(f): float(np.mean(v)) for f, v in share10.items()}
    report["queries_with_shortfall_at_10"] = {
        str(f): int(sum(s > LIMIT - 10 for s in v)) for f, v in shortfalls.items()
    }
    report["queries_with_shortfall_at_50"] = {
        str(f): int(sum(s > 0 for s in v)) for f, v in shortfalls.items()
    }
    return write_report(report, OUT)


if __name__ == "__main__":
    raise SystemExit(main())
