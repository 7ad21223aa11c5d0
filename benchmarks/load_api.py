"""Load benchmark: the real server (uvicorn workers) on the store, driven over loopback.

Phases of at least 30 s each: one client sending back-to-back, then 8 concurrent clients
opening a connection per request (as separate users do; the free worker takes it), then
8 clients on kept-alive connections (each pinned to the worker that accepted it).
Requests vary the city (known ids and new cities by profile) and the needs
text. Writes latency percentiles, throughput, errors and RSS per worker process to
benchmarks/results/load_api.json.

    .venv/bin/python benchmarks/load_api.py [--workers 2] [--seconds 30] [--port 8765]

The database is PARTNERMATCH_DATABASE_URL (default: the embedded SQLite built by
`make run`, which must hold the full public data and a promoted model).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
from _common import NEEDS, write_report  # the sibling module
from sqlalchemy import select

from db.session import make_engine, make_session_factory
from db.tables import City
from models import registry
from service.config import get_settings

OUT = Path(__file__).resolve().parent / "results" / "load_api.json"


def _requests(n: int, seed: int = 0) -> list[dict]:
    settings = get_settings()
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        if registry.promoted(session) is None:
            sys.exit("no promoted model in the store; run `make run` (or partnermatch train --promote) first")
        cities = session.execute(select(City.id, City.country, City.latitude, City.longitude)).all()
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        city = rng.choice(cities)
        needs = rng.choice([*NEEDS, ""])  # one request in eleven without needs
        if rng.random() < 0.25 or not needs:
            body = {"city_id": city.id, "needs": needs, "limit": 10}
        else:
            body = {
                "city": {
                    "name": "Benchmark town",
                    "country": city.country,
                    "latitude": city.latitude,
                    "longitude": city.longitude,
                    "population": rng.randint(5_000, 2_000_000),
                },
                "needs": needs,
                "limit": 10,
            }
        out.append(body)
    return out


async def _client(
    base: str, bodies: list[dict], until: float, latencies: list[float], errors: list[str], keepalive: bool
) -> None:
    # Without keep-alive every request is a new connection, taken by whichever worker is free;
    # a kept-alive connection stays with the worker that accepted it, however busy that one is.
    limits = httpx.Limits(max_keepalive_connections=None if keepalive else 0)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        i = 0
        while time.perf_counter() < until:
            body = bodies[i % len(bodies)]
            i += 1
            start = time.perf_counter()
            try:
                r = await client.post("/v1/recommendations", json=body)
                if r.status_code != 200:
                    errors.append(f"{r.status_code}: {r.text[:200]}")
            except httpx.HTTPError as exc:
                errors.append(repr(exc))
            latencies.append(time.perf_counter() - start)


def _phase(base: str, bodies: list[dict], clients: int, seconds: float, keepalive: bool = True) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    until = time.perf_counter() + seconds
    start = time.perf_counter()

    async def run() -> None:
        step = len(bodies) // clients
        await asyncio.gather(
            *(
                _client(base, bodies[k * step :] + bodies[: k * step], until, latencies, errors, keepalive)
                for k in range(clients)
            )
        )

    asyncio.run(run())
    elapsed = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "clients": clients,
        "keepalive": keepalive,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "errors": len(errors),
        "error_samples": errors[:5],
        "latency_ms": {
            "p50": round(statistics.median(latencies) * 1000, 1),
            "p90": round(q[89] * 1000, 1),
            "p99": round(q[98] * 1000, 1),
            "max": round(max(latencies) * 1000, 1),
        },
    }


def _worker_rss(server: subprocess.Popen) -> dict[str, float]:
    parent = psutil.Process(server.pid)
    procs = [parent, *parent.children(recursive=True)]
    return {
        f"pid {p.pid} ({' '.join(p.cmdline()[-2:])})": round(p.memory_info().rss / 2**20, 1) for p in procs
    }


def wait_ready(base: str, server: subprocess.Popen, *, seconds: float) -> None:
    """Until ``/readyz`` answers 200; exits when the server stops or ``seconds`` pass first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            sys.exit("server did not become ready")
        time.sleep(1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    bodies = _requests(2000)
    env = {**os.environ, "PARTNERMATCH_LOG_LEVEL": "WARNING"}
    cli = Path(sys.executable).parent / "partnermatch"
    server = subprocess.Popen(
        [str(cli), "serve", "--host", "127.0.0.1", "--port", str(args.port), "--workers", str(args.workers)],
        env=env,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_ready(base, server, seconds=180)
        _phase(base, bodies[:200], 2, 10)  # warm up every worker (encoder, catalogue, caches)
        result = {
            "workers": args.workers,
            "single_client": _phase(base, bodies, 1, args.seconds),
            "concurrent_8": _phase(base, bodies, 8, args.seconds, keepalive=False),
            "concurrent_8_keepalive": _phase(base, bodies, 8, args.seconds),
            "rss_mb": _worker_rss(server),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    return write_report(result, OUT)


if __name__ == "__main__":
    sys.exit(main())
