"""Benchmark: import every public dataset into a fresh SQLite (or $PARTNERMATCH_BENCH_DATABASE_URL) database.

Writes benchmarks/results/import_full.json with wall time per dataset, peak memory and counts.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from db.importers.runner import import_all
from db.migrate import upgrade
from db.session import make_engine, make_session_factory
from service.config import Settings

OUT = Path(__file__).resolve().parent / "results" / "import_full.json"


def main() -> int:
    settings = Settings()
    if settings.data_dir is None:
        print("no public data directory; set PARTNERMATCH_DATA_DIR", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("PARTNERMATCH_BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.db")
        engine = make_engine(url)
        upgrade(engine)
        factory = make_session_factory(engine)
        start = time.perf_counter()
        reports = import_all(factory, curated_dir=settings.curated_dir, data_dir=settings.data_dir)
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = import_all(factory, curated_dir=settings.curated_dir, data_dir=settings.data_dir)
        second = time.perf_counter() - start
        changed = sum(c.inserted + c.updated for r in again for c in r.tables.values())
        engine.dispose()
    result = {
        "database": url.split(":", 1)[0],
        "wall_seconds_first_import": round(first, 1),
        "wall_seconds_reimport": round(second, 1),
        "rows_changed_by_reimport": changed,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "reports": [r.to_dict() for r in reports],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2))
    twins = next(r for r in reports if r.source == "twin_cities").resolution
    print(json.dumps({k: v for k, v in result.items() if k != "reports"} | {"twins": twins}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
