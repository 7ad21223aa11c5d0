"""Benchmark: resolve both ends of every distinct twin-town pair to GeoNames.

Usage: python benchmarks/resolve_twins.py [DATA_DIR] [--no-cities500] [--output PATH]

Reads twin_cities.csv and twin_cities_geocoded.csv from DATA_DIR (default
/work/shared/data/public, or $PARTNERMATCH_DATA_DIR), resolves every distinct
undirected pair (names and countries normalised), and writes a JSON report to
benchmarks/results/resolve_twins.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from db.importers.twins_source import TwinRow, read_twin_pairs  # noqa: E402
from db.places.countries import normalise_country  # noqa: E402
from db.places.loading import load_gazetteer  # noqa: E402
from db.places.names import fold_name  # noqa: E402
from db.places.resolve import Gazetteer, Resolution  # noqa: E402

DEFAULT_DATA_DIR = Path(os.environ.get("PARTNERMATCH_DATA_DIR", "/work/shared/data/public"))
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "resolve_twins.json"
_RANK = {"resolved": 0, "ambiguous": 1, "unresolved": 2}

End = tuple[str, str]  # (folded name, ISO2 or folded raw country)
RawEnd = tuple[str, str, float | None, float | None]


def end_key(name: str, country: str) -> End:
    # Qualifiers stay: "Tarnów" and "Tarnów (rural gmina)" are different partners.
    return fold_name(name), normalise_country(country) or fold_name(country)


def group_pairs(rows: list[TwinRow]) -> dict[tuple[End, End], list[tuple[RawEnd, RawEnd]]]:
    """Distinct undirected pairs → the raw (name, country, lat, lng) ends of each row listing them."""
    pairs: dict[tuple[End, End], list[tuple[RawEnd, RawEnd]]] = defaultdict(list)
    for row in rows:
        a = end_key(row["city1"], row["country1"])
        b = end_key(row["city2"], row["country2"])
        raw_a: RawEnd = (row["city1"], row["country1"], row["lat1"], row["lng1"])
        raw_b: RawEnd = (row["city2"], row["country2"], row["lat2"], row["lng2"])
        if a <= b:
            pairs[(a, b)].append((raw_a, raw_b))
        else:
            pairs[(b, a)].append((raw_b, raw_a))
    return pairs


def best(results: list[Resolution]) -> Resolution:
    return min(results, key=lambda r: _RANK[r.status])


def run(data_dir: Path, include_cities500: bool) -> dict[str, Any]:
    started = time.perf_counter()
    rows = read_twin_pairs(data_dir / "twin_cities.csv", data_dir / "twin_cities_geocoded.csv")
    read_s = time.perf_counter() - started

    t0 = time.perf_counter()
    gazetteer: Gazetteer = load_gazetteer(include_cities500)
    load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    pairs = group_pairs(rows)
    memo: dict[RawEnd, Resolution] = {}

    def resolve(raw: RawEnd) -> Resolution:
        if raw not in memo:
            memo[raw] = gazetteer.resolve(raw[0], raw[1], raw[2], raw[3])
        return memo[raw]

    end_status: dict[End, str] = {}
    end_pairs: Counter[End] = Counter()
    both = 0
    for (a, b), listings in pairs.items():
        res_a = best([resolve(ra) for ra, _ in listings])
        res_b = best([resolve(rb) for _, rb in listings])
        both += res_a.resolved and res_b.resolved
        for end, res in ((a, res_a), (b, res_b)):
            end_pairs[end] += 1
            prev = end_status.get(end)
            if prev is None or _RANK[res.status] < _RANK[prev]:
                end_status[end] = res.status
    resolve_s = time.perf_counter() - t0

    status_counts = Counter(end_status.values())
    report: dict[str, Any] = {
        "data_dir": str(data_dir),
        "gazetteer": "cities1000 + cities500 fallback" if include_cities500 else "cities1000",
        "gazetteer_size": len(gazetteer),
        "rows": len(rows),
        "rows_with_both_points": sum(r["lat1"] is not None and r["lat2"] is not None for r in rows),
        "distinct_pairs": len(pairs),
        "both_ends_resolved": both,
        "both_ends_resolved_pct": round(100.0 * both / max(len(pairs), 1), 2),
        "distinct_ends": len(end_status),
        "ends_resolved": status_counts["resolved"],
        "ends_ambiguous": status_counts["ambiguous"],
        "ends_unresolved": status_counts["unresolved"],
        "largest_unresolved_groups": _largest(end_status, end_pairs, "unresolved"),
        "largest_ambiguous_groups": _largest(end_status, end_pairs, "ambiguous"),
        "reasons": _reason_counts(memo),
        "timing_s": {
            "read_csv": round(read_s, 2),
            "build_index": round(load_s, 2),
            "resolve": round(resolve_s, 2),
            "total": round(time.perf_counter() - started, 2),
        },
        "resolve_calls": len(memo),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    return report


def _largest(end_status: dict[End, str], end_pairs: Counter[End], status: str) -> list[dict[str, Any]]:
    groups = [(end_pairs[end], end) for end, s in end_status.items() if s == status]
    groups.sort(key=lambda ce: (-ce[0], ce[1]))
    return [{"name": end[0], "country": end[1], "pairs": count} for count, end in groups[:20]]


def _reason_counts(memo: dict[RawEnd, Resolution]) -> dict[str, int]:
    """How each call was settled, with the numbers stripped out of the reason text."""
    counts: Counter[str] = Counter()
    for res in memo.values():
        text = "".join("#" if ch.isdigit() else ch for ch in res.reason)
        counts[f"{res.status}: {text.split(' named ')[0].split('(#')[0].strip()}"] += 1
    return dict(counts.most_common(25))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--no-cities500", action="store_true", help="index cities1000 only")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    report = run(args.data_dir, include_cities500=not args.no_cities500)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nwrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
