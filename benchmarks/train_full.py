"""Train the production partner ranker on the full store and record wall time and peak memory.

Works on a copy of the store (``PARTNERMATCH_DATABASE_URL`` or ``--db``), never on the
original, fits :func:`models.train.build_ranker` on everything, optionally saves the
fitted ranker (``--save PATH``, read by ``benchmarks/score_latency.py``) and writes
benchmarks/results/train_full.json.

Usage: ``python benchmarks/train_full.py [--db sqlite:////tmp/pm_eval.db] [--save /tmp/ranker.joblib]``
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path

from _common import write_report  # the sibling module

OUT = Path(__file__).resolve().parent / "results" / "train_full.json"


def _copy_sqlite(url: str) -> tuple[str, str | None]:
    """A private copy of a SQLite store (other URLs are used as they are)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return url, None
    tmp = tempfile.mkdtemp(prefix="pm_train_")
    dst = os.path.join(tmp, "store.db")
    shutil.copyfile(url[len(prefix) :], dst)
    return prefix + dst, tmp


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--db", default=os.environ.get("PARTNERMATCH_DATABASE_URL", "sqlite:///var/partnermatch.db")
    )
    ap.add_argument("--save", default=None, help="pickle the fitted ranker here (joblib)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    t_start = time.perf_counter()
    import joblib

    from db.repositories.embeddings import EmbeddingCache
    from db.session import make_engine, make_session_factory
    from models.store import load_graph
    from models.train import build_ranker

    url, tmp = _copy_sqlite(args.db)
    try:
        session = make_session_factory(make_engine(url))()
        t0 = time.perf_counter()
        graph = load_graph(session)
        t_load = time.perf_counter() - t0
        ranker = build_ranker(seed=args.seed)
        t0 = time.perf_counter()
        ranker.fit(graph, cache=EmbeddingCache(session))
        t_fit = time.perf_counter() - t0
        session.commit()
        session.close()
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.save:
        joblib.dump(ranker, args.save)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "cities": graph.n_cities,
        "links": int(len(graph.links)),
        "groups": len(graph.groups),
        "load_graph_seconds": round(t_load, 1),
        "fit_seconds": round(t_fit, 1),
        "wall_seconds_total": round(time.perf_counter() - t_start, 1),
        "peak_rss_mb": round(peak_mb),
        "params": {k: v for k, v in ranker.get_params(deep=False).items() if k != "embedder"},
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "note": "fit includes embedding texts missing from the store's cache (none on a re-run)",
    }
    return write_report(report, OUT)


if __name__ == "__main__":
    raise SystemExit(main())
