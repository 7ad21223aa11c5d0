"""In-process cost of the whole recommendation function the route calls.

``service.recommendations.service.recommend``: ranking, sectors, schemes, precedents, reasons, on
the store and promoted model of ``PARTNERMATCH_DATABASE_URL`` (the full store after
``make database``). A fixed, seeded mix of requests is asked (known cities with and without needs,
with and without desired countries, as a learner or mentor, new cities by profile), after a
warm-up round, with one thread for PyTorch, LightGBM and BLAS as a server worker runs. Writes
p50/mean per kind to benchmarks/results/recommend_cost.json (or ``--output``).

To compare two versions in one session, run it alternately from each checkout, e.g.
``PYTHONPATH=/path/to/other/checkout python benchmarks/recommend_cost.py --output before-1.json``,
three times each, and compare the medians of the runs.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from _common import NEEDS, write_report  # the sibling module

OUT = Path(__file__).resolve().parent / "results" / "recommend_cost.json"
WISHES = ["JP", "DE", "FR", "KH", "US", "PL"]


def requests(city_ids: list[int], n: int, seed: int) -> list[tuple[str, dict]]:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        city = int(rng.choice(city_ids))
        needs = NEEDS[k % len(NEEDS)]
        kind = ("known", "known+needs", "known+needs+wish", "known+needs+role", "new+needs")[k % 5]
        if kind == "known":
            body: dict = {"city_id": city}
        elif kind == "known+needs":
            body = {"city_id": city, "needs": needs}
        elif kind == "known+needs+wish":
            body = {"city_id": city, "needs": needs, "desired_countries": [WISHES[k % len(WISHES)]]}
        elif kind == "known+needs+role":
            body = {"city_id": city, "needs": needs, "role": ("learner", "mentor")[k % 2]}
        else:
            lat, lon = rng.uniform(40, 55), rng.uniform(-5, 25)
            body = {
                "city": {"name": f"Newtown {k}", "country": "DE", "latitude": lat, "longitude": lon},
                "needs": needs,
            }
        out.append((kind, {**body, "limit": 10}))
    return out


@dataclass
class Served:
    """The promoted model and the store of ``PARTNERMATCH_DATABASE_URL``, as a server worker holds them."""

    settings: Any
    factory: Any
    loaded: Any
    catalogue: Any

    def recommend(self, body: dict) -> tuple[Any, float]:
        """The answer ``service.recommendations.service.recommend`` gives to one request body, and
        the seconds the function took (the body's validation and the session's opening not counted)."""
        from service.recommendations.schemas import RecommendationRequest
        from service.recommendations.service import recommend

        request = RecommendationRequest.model_validate(body)
        with self.factory() as session:
            t = time.perf_counter()
            answer = recommend(
                session, loaded=self.loaded, request=request, catalogue=self.catalogue,
                regions_path=self.settings.curated_dir / "regions.json",
            )  # fmt: skip
            return answer, time.perf_counter() - t


def served() -> Served:
    """Load the store's promoted model with one thread for PyTorch, LightGBM and BLAS (as a worker)."""
    import torch
    from threadpoolctl import threadpool_limits

    from db.session import make_engine, make_session_factory
    from service.catalogue_holder import CatalogueHolder
    from service.config import get_settings
    from service.model_holder import ModelHolder

    torch.set_num_threads(1)
    threadpool_limits(1)
    settings = get_settings()
    factory = make_session_factory(make_engine(settings.database_url))
    holder = ModelHolder(factory, cache_dir=settings.model_dir, poll_seconds=3600)
    holder.refresh()
    if holder.current is None:
        raise SystemExit("no promoted model: run `make database` first")
    return Served(settings, factory, holder.current, CatalogueHolder(settings.curated_dir / "regions.json"))


def measure(n: int = 200, seed: int = 0) -> tuple[dict, list[tuple[str, dict]]]:
    """Time ``recommend`` on ``n`` seeded requests (after a warm-up); the report and the requests."""
    from sqlalchemy import select

    import service
    from db.tables import City

    store = served()
    loaded = store.loaded
    trained = set(loaded.model.cities_["city_id"].tolist())
    with store.factory() as session:
        ids = sorted(i for i in session.scalars(select(City.id)) if i in trained)
    asked = requests(ids, n, seed)

    def run(body: dict) -> float:
        return store.recommend(body)[1]

    for _, body in asked[:20]:  # warm-up: caches, lazy imports, the catalogue index
        run(body)
    times: dict[str, list[float]] = {}
    for kind, body in asked:
        times.setdefault(kind, []).append(run(body))
    every = [t for ts in times.values() for t in ts]
    report = {
        "code": str(Path(service.__file__).resolve().parent.parent),
        "model_version": loaded.version,
        "requests": len(every),
        "p50_ms": round(float(np.median(every)) * 1000, 2),
        "mean_ms": round(float(np.mean(every)) * 1000, 2),
        "by_kind": {
            kind: {"n": len(ts), "p50_ms": round(float(np.median(ts)) * 1000, 2)}
            for kind, ts in times.items()
        },
    }
    return report, asked


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--output", type=Path, default=OUT)
    args = ap.parse_args()
    report, _ = measure(args.requests, args.seed)
    return write_report(report, args.output)


if __name__ == "__main__":
    raise SystemExit(main())
