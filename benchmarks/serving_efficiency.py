"""Serving efficiency: what the HTTP service adds to the recommendation function, in one run.

On the store and promoted model of ``PARTNERMATCH_DATABASE_URL`` (the full store after
``make database``):

1. in process: p50 and mean of ``service.recommendations.service.recommend`` (ranking, sectors,
   schemes, precedents, reasons) on the seeded mix of ``benchmarks/recommend_cost.py``; then the
   same requests through the whole app over ASGI, each timed with and without the app around it
   (what middleware, dependencies, validation and serialisation add, robust to a busy machine);
2. the real server (``partnermatch serve --workers 2``, uvicorn) on loopback, after a warm-up of
   every worker: one client sending the same requests back to back on a kept-alive connection
   (its p50), then 8 clients opening a connection per request for ``--seconds`` (throughput).

The load client shares the cores with the server. Targets (issue 30): served p50 minus
in-process p50 at most 5 ms, and 8-client throughput at least 0.75 x (workers / in-process mean
in seconds). Writes benchmarks/results/serving_efficiency.json (or ``--output``).

    PARTNERMATCH_DATABASE_URL=sqlite:////path/to/var/partnermatch.db \\
      .venv/bin/python benchmarks/serving_efficiency.py [--workers 2] [--seconds 30]

The code measured (in process and served) is this checkout's, whatever the venv has installed.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CODE = HERE.parent
sys.path[:0] = [str(CODE), str(HERE)]  # this checkout's packages, then the sibling benchmarks

import httpx  # noqa: E402
import psutil  # noqa: E402
from _common import write_report  # noqa: E402
from load_api import _phase, wait_ready  # noqa: E402
from recommend_cost import measure  # noqa: E402

OUT = HERE / "results" / "serving_efficiency.json"
SERVED_P50_OVERHEAD_MS = 5.0
THROUGHPUT_SHARE = 0.75


def _serve(port: int, workers: int) -> subprocess.Popen:
    path = os.pathsep.join(filter(None, [str(CODE), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    cmd = [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen([*cmd, "--workers", str(workers)], env=env, cwd=CODE)


def _one_client(base: str, bodies: list[dict]) -> dict:
    latencies, errors = [], []
    with httpx.Client(base_url=base, timeout=30) as client:
        for body in bodies:
            start = time.perf_counter()
            r = client.post("/v1/recommendations", json=body)
            latencies.append(time.perf_counter() - start)
            if r.status_code != 200:
                errors.append(f"{r.status_code}: {r.text[:200]}")
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2),
    }


def _app_overhead(bodies: list[dict]) -> dict:
    """The whole app through ASGI (no socket) against ``recommend`` alone, timed in the same requests.

    Both sides of each difference share the moment, so a busy machine skews it far less than
    the served-minus-in-process figure; it leaves out uvicorn, the socket and the HTTP client.
    """
    import asyncio

    import service.recommendations.routes as routes
    from service.app import create_app

    inner: list[float] = []
    original = routes.recommend

    def timed(*args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            inner.append(time.perf_counter() - start)

    async def run() -> list[float]:
        app = create_app()
        async with app.router.lifespan_context(app):
            while app.state.model_holder.current is None:
                await asyncio.sleep(0.5)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
                for body in bodies[:20]:
                    await client.post("/v1/recommendations", json=body)
                inner.clear()
                outer = []
                for body in bodies:
                    start = time.perf_counter()
                    await client.post("/v1/recommendations", json=body)
                    outer.append(time.perf_counter() - start)
        return outer

    routes.recommend = timed
    try:
        outer = asyncio.run(run())
    finally:
        routes.recommend = original
    extra = [o - i for o, i in zip(outer, inner, strict=True)]
    return {
        "requests": len(extra),
        "overhead_p50_ms": round(statistics.median(extra) * 1000, 2),
        "overhead_mean_ms": round(statistics.fmean(extra) * 1000, 2),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--port", type=int, default=8766)
    ap.add_argument("--output", type=Path, default=OUT)
    args = ap.parse_args()

    load_before = os.getloadavg()
    in_process, asked = measure(args.requests, args.seed)
    bodies = [body for _, body in asked]
    app_overhead = _app_overhead(bodies)
    gc.collect()  # the in-process models stay loaded; the server's workers load their own

    server = _serve(args.port, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_ready(base, server, seconds=300)
        _phase(base, bodies[:40], args.workers, 8, keepalive=False)  # warm up every worker
        served = _one_client(base, bodies)
        workers = psutil.Process(server.pid).children(recursive=True)
        before = {w.pid: sum(w.cpu_times()[:2]) for w in workers}
        concurrent = _phase(base, bodies, 8, args.seconds, keepalive=False)
        # cores each worker used: well under 1 while the load is high means others took the CPU
        concurrent["worker_cores_used"] = [
            round((sum(w.cpu_times()[:2]) - before[w.pid]) / concurrent["seconds"], 2) for w in workers
        ]
    finally:
        server.terminate()
        server.wait(timeout=60)

    overhead = served["p50_ms"] - in_process["p50_ms"]
    ceiling = args.workers / (in_process["mean_ms"] / 1000)
    report = {
        "code": str(CODE),
        "database_url": os.environ.get("PARTNERMATCH_DATABASE_URL", "(default)"),
        "workers": args.workers,
        # 1-minute load averages at the start and the end: other work on the machine skews every figure
        "load_average": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "in_process": in_process,
        "app_through_asgi_minus_recommend": app_overhead,
        "served_1_client": served,
        "concurrent_8_new_connection_each": concurrent,
        "served_p50_minus_in_process_p50_ms": round(overhead, 2),
        "served_p50_overhead_target_ms": SERVED_P50_OVERHEAD_MS,
        "served_p50_overhead_met": overhead <= SERVED_P50_OVERHEAD_MS,
        "throughput_rps": concurrent["throughput_rps"],
        "throughput_target_rps": round(THROUGHPUT_SHARE * ceiling, 1),
        "throughput_ceiling_rps": round(ceiling, 1),
        "throughput_met": concurrent["throughput_rps"] >= THROUGHPUT_SHARE * ceiling,
    }
    return write_report(report, args.output)


if __name__ == "__main__":
    raise SystemExit(main())
