"""Needs queries against strong baselines: the ``needs`` setting and leave-one-out with needs.

Runs :func:`models.evaluate_needs.run_needs_setting` (members of held-out URBACT networks ask
with the network's text, as known cities and as new cities; five folds over networks, one
ranker fitted per fold) and :func:`models.evaluate_needs.leave_one_out_with_needs` (the
leave-one-out queries asked again with a generic twinning text). Writes one JSON report.

Fitting six rankers takes a while (each about as long as ``partnermatch train``); ``--fits DIR``
keeps every fitted ranker there, keyed by its parameters, the sources of the ranker, its sampler, its
retrieval and the features, and the training graph, so that a re-run that changes only the scoring
reuses them.

Usage::

    python benchmarks/needs_eval.py [--db sqlite:///var/partnermatch.db] [--loo-queries 3000]
        [--fits var/needs-fits] [--output benchmarks/results/needs_eval.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

OUT = REPO / "benchmarks" / "results" / "needs_eval.json"


def _rrf(*orders, k: int = 60):
    """Reciprocal-rank fusion of full orders (an unlearned blend)."""
    import numpy as np

    score = np.full(int(max(o.max() for o in orders)) + 1, -np.inf)
    score[orders[0]] = 0.0  # only the cities every order ranks (the same set)
    for order in orders:
        score[order] += 1.0 / (k + 1 + np.arange(len(order)))
    return np.argsort(-score, kind="stable")[: len(orders[0])]


def variants() -> dict:
    """Ways of scoring a query with needs, compared in one run on the same fitted rankers.

    ``ranker`` is what the service does; the others are alternatives under study.
    """
    import copy

    def without_theme(r):
        w = copy.copy(r)
        w.theme_model_ = None  # known cities: the warm model, new cities: the cold model
        return w

    def fused(r, cq, e):
        a, b = r.rank_all(cq, needs_embedding=e), without_theme(r).rank_all(cq, needs_embedding=e)
        return _rrf(a, b)

    return {
        "ranker": lambda r, cq, e: r.rank_all(cq, needs_embedding=e),
        "warm_cold_with_needs": lambda r, cq, e: without_theme(r).rank_all(cq, needs_embedding=e),
        "ignoring_needs": lambda r, cq, e: r.rank_all(cq),
        "rrf_theme_warm": fused,
    }


def _graph_key(graph) -> str:
    h = hashlib.sha256()
    h.update(graph.links.tobytes())
    for g in graph.groups:
        h.update(g.id.encode())
        h.update(g.members.astype("int64").tobytes())
    h.update(str(graph.n_cities).encode())
    return h.hexdigest()[:16]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--db", default=os.environ.get("PARTNERMATCH_DATABASE_URL", "sqlite:///var/partnermatch.db")
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--loo-queries", type=int, default=3000)
    ap.add_argument("--skip-groups", action="store_true", help="only the leave-one-out part")
    ap.add_argument("--skip-loo", action="store_true", help="only the needs setting")
    ap.add_argument("--params", default="{}", help="PartnerRanker parameters as JSON")
    ap.add_argument("--fits", type=Path, default=None, help="folder that keeps fitted rankers")
    ap.add_argument("--output", type=Path, default=OUT)
    args = ap.parse_args()

    import joblib

    from db.progress import stage
    from db.repositories.embeddings import EmbeddingCache
    from db.session import make_engine, make_session_factory
    from features.text import SentenceEmbedder, embed_texts
    from models.evaluate_needs import format_needs_report, leave_one_out_with_needs, run_needs_setting
    from models.store import load_graph
    from models.train import build_ranker
    from service.logs import configure_logging

    configure_logging()
    params = json.loads(args.params)
    session = make_session_factory(make_engine(args.db))()
    cache = EmbeddingCache(session)
    graph = load_graph(session)
    embedder = SentenceEmbedder().fit()
    # a fitted ranker is reused only by the same code: the ranker's, its sampler's and retrieval's,
    # and the features' sources
    code = [
        *(REPO / "models" / m for m in ("ranker.py", "sampling.py", "candidates.py")),
        *sorted((REPO / "features").glob("*.py")),
    ]
    source = hashlib.sha256(b"".join(p.read_bytes() for p in code)).hexdigest()[:12]
    fit_seconds: list[float] = []

    def embed(texts):
        return embed_texts(texts, embedder=embedder, cache=cache)

    def fit_ranker(train, fold):
        key = f"{source}-{hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:8]}"
        path = args.fits / f"ranker-{key}-{_graph_key(train)}.joblib" if args.fits else None
        if path is not None and path.exists():
            ranker = joblib.load(path)
            ranker.embedder = embedder
            return ranker
        t0 = time.perf_counter()
        with stage(f"fit the ranker (fold {fold})"):
            ranker = build_ranker(seed=args.seed, **params).fit(train, cache=cache)
        fit_seconds.append(time.perf_counter() - t0)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            kept = ranker.embedder
            ranker.embedder = None  # the encoder is loaded from its package, not pickled
            joblib.dump(ranker, path)
            ranker.embedder = kept
        return ranker

    report: dict = {"seed": args.seed, "params": params, "n_cities": graph.n_cities}
    if not args.skip_groups:
        report["needs"] = run_needs_setting(
            graph, fit_ranker=fit_ranker, embed=embed, n_folds=args.folds, seed=args.seed, variants=variants()
        )
        print(format_needs_report(report["needs"]))
    if not args.skip_loo:
        report["leave_one_out_with_needs"] = loo = leave_one_out_with_needs(
            graph, fit_ranker=fit_ranker, embed=embed, n_queries=args.loo_queries, seed=args.seed,
            variants=variants(),
        )  # fmt: skip
        print(json.dumps({k: loo[k] for k in ("n_queries", "HR@10", "with_over_without")}, indent=1))
    report["fit_seconds"] = fit_seconds
    session.rollback()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
