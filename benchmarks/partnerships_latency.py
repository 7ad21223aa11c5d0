"""In-process latency of the partnership endpoints' service functions on the full store.

Times ``service.partnerships.service.next_steps`` and ``rollout`` (what the routes call) for a few
real pairs, after one warm call each (the worker's model fit and the gazetteer read happen once);
reports the median and the p90 per endpoint and the warm-up times. Writes
benchmarks/results/partnerships_latency.json.
Usage: ``python benchmarks/partnerships_latency.py [--db sqlite:///var/partnermatch.db] [--repeat 20]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "results" / "partnerships_latency.json"
PAIRS = [("Kitakyushu", "Dalian", "air-quality"), ("Kitakyushu", "Phnom Penh", "water-supply"),
         ("Essen", "Koriyama", "hydrogen"), ("Kitakyushu", "Hai Phong", "sewage-wastewater")]  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--db", default=os.environ.get("PARTNERMATCH_DATABASE_URL", "sqlite:///var/partnermatch.db")
    )
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()

    from sqlalchemy import select

    from db.session import make_engine, make_session_factory
    from db.tables import City
    from service.partnerships import service

    factory = make_session_factory(make_engine(args.db))

    def cid(session, name: str) -> int:
        return session.scalar(select(City.id).where(City.name == name).order_by(City.id).limit(1))

    calls = {
        "next_steps": lambda s, a, b, _: service.next_steps(s, city_id=a, partner_city_id=b, limit=5),
        "rollout_partner": lambda s, a, b, sector: service.rollout(
            s, city_id=a, partner_city_id=b, sector=sector, side="partner", limit=10
        ),
        "rollout_home": lambda s, a, b, sector: service.rollout(
            s, city_id=a, partner_city_id=b, sector=sector, side="home", limit=10
        ),
    }
    result = {}
    for name, call in calls.items():
        with factory() as session:
            pairs = [(cid(session, a), cid(session, b), sector) for a, b, sector in PAIRS]
            t0 = time.perf_counter()
            call(session, *pairs[0])
            warm = time.perf_counter() - t0
            times = []
            for _ in range(args.repeat):
                for a, b, sector in pairs:
                    t0 = time.perf_counter()
                    call(session, a, b, sector)
                    times.append((time.perf_counter() - t0) * 1000)
                    session.rollback()
        times.sort()
        result[name] = {
            "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(times[int(0.9 * (len(times) - 1))], 1),
            "first_call_s": round(warm, 2),
            "calls": len(times),
        }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
