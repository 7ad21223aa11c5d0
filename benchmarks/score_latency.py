"""In-process latency of one recommendation: embed needs + candidates + rank + reasons.

Loads the ranker saved by ``benchmarks/train_full.py --save PATH`` (``--model PATH``), else the
promoted model of the store, else trains one on the store. Times ~200 varied queries
(known cities without and with a needs text, new cities by profile with and without needs)
with one thread for PyTorch, LightGBM and BLAS, as a server worker runs, and writes
benchmarks/results/score_latency.json with p50/p90/p99 per query type. As in the service, a
needs text is embedded on the ranker's helper thread while the other features are computed.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from _common import NEEDS, write_report  # the sibling module

OUT = Path(__file__).resolve().parent / "results" / "score_latency.json"


def _load(args):
    import joblib

    from db.session import make_engine, make_session_factory

    if args.model:
        return joblib.load(args.model), "file"
    session = make_session_factory(make_engine(args.db))()
    from models import registry

    ref = registry.promoted(session)
    if ref is not None and not args.train:
        return registry.load_model(session, ref.version), f"promoted {ref.version}"
    from db.repositories.embeddings import EmbeddingCache
    from models.store import load_graph
    from models.train import build_ranker

    ranker = build_ranker().fit(load_graph(session), cache=EmbeddingCache(session))
    session.close()
    return ranker, "trained"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--db", default=os.environ.get("PARTNERMATCH_DATABASE_URL", "sqlite:///var/partnermatch.db")
    )
    ap.add_argument("--model", default=None, help="joblib file written by train_full.py --save")
    ap.add_argument("--train", action="store_true", help="train a ranker even if one is promoted")
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()

    import torch
    from threadpoolctl import threadpool_limits

    from models.advice.explain import reasons
    from models.dataset import CityQuery

    torch.set_num_threads(1)
    threadpool_limits(1)
    ranker, source = _load(args)
    for name in ("warm_model_", "cold_model_", "theme_model_"):
        if getattr(ranker, name, None) is not None:
            getattr(ranker, name).set_params(n_jobs=1)
    if not hasattr(ranker.embedder, "encoder_"):
        ranker.embedder.fit()
    cities = ranker.cities_
    t = ranker.featurizer_.table_
    deg = np.array([len(p) for p in ranker.neighbours_])
    rng = np.random.default_rng(0)
    known = rng.choice(np.flatnonzero(deg > 0), size=args.queries // 2, replace=False)
    lat, lon = t.latitude, t.longitude
    pop = 10 ** np.nan_to_num(t.log_population, nan=4.0)
    jobs = []
    for k, p in enumerate(known):
        needs = NEEDS[k % len(NEEDS)] + f" ({k})" if k % 2 else ""
        kind = "known_with_needs" if needs else "known"
        jobs.append(
            (kind, CityQuery(position=int(p), needs=needs), str(cities.name[p]), str(cities.country[p]))
        )
    for k, p in enumerate(rng.choice(t.n, size=args.queries - len(known), replace=False)):
        # A new city near an existing one, known by its profile only.
        needs = NEEDS[k % len(NEEDS)] + f" [{k}]" if k % 2 else ""
        q = CityQuery(
            name=f"New {k}", country=str(cities.country[p]), latitude=float(lat[p]) + 0.05,
            longitude=float(lon[p]) + 0.05, population=float(pop[p]) * 0.8, needs=needs,
        )  # fmt: skip
        jobs.append(("new_city_with_needs" if needs else "new_city", q, q.name, q.country))
    for _, q, _name, _country in jobs[:5]:  # warm-up: first-call costs are not per-request costs
        ranker.rank(q, k=10)
    times: dict[str, list[float]] = {}
    for kind, q, name, country in jobs:
        t0 = time.perf_counter()
        frame = ranker.rank(q, k=10)  # as served: needs embedded on the helper thread meanwhile
        for _, row in frame.iterrows():
            reasons(row, name, row["name"], query_country=country, candidate_country=row["country"])
        times.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
    all_ms = np.concatenate([np.asarray(v) for v in times.values()])

    def stats(v) -> dict:
        v = np.asarray(v)
        return {"n": int(len(v)), **{f"p{q}": round(float(np.percentile(v, q)), 2) for q in (50, 90, 99)}}

    report = {
        "model": source,
        "n_cities": int(ranker.n_cities_),
        "threads": {"torch": torch.get_num_threads(), "lightgbm": 1, "blas": 1},
        "all": stats(all_ms),
        "by_type": {k: stats(v) for k, v in times.items()},
        "unit": "ms per request (embed needs + candidates + rank + reasons for the top 10)",
    }
    return write_report(report, OUT)


if __name__ == "__main__":
    raise SystemExit(main())
