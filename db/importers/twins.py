"""Twin-town pairs (``twin_cities.csv`` and/or ``twin_cities_geocoded.csv``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy.orm import Session

from db.importers.common import (
    CityRegistry,
    ImportFileError,
    ImportReport,
    load_cooperations,
    record_unresolved,
    upsert_cooperation,
)
from db.importers.twins_source import read_twin_pairs
from db.places.countries import normalise_country
from db.places.names import normalise_name
from db.places.resolve import Gazetteer, Resolution

SOURCE = "twin_cities"
RAW = "twin_cities.csv"
GEOCODED = "twin_cities_geocoded.csv"


def import_twins(
    session: Session, raw: Path | None, geocoded: Path | None, *, gazetteer: Gazetteer
) -> ImportReport:
    try:
        rows = read_twin_pairs(raw or geocoded, geocoded)
    except ValueError as exc:  # the reader's message names the file, line and reason
        raise ImportFileError(None, None, str(exc)) from exc
    report = ImportReport(source=SOURCE, files=[str(p) for p in (raw, geocoded) if p is not None])

    cache: dict[tuple[str, str, float | None, float | None], Resolution] = {}

    def resolve(name: str, country: str, lat: float | None, lng: float | None) -> Resolution:
        key = (name, country, lat, lng)
        if key not in cache:
            cache[key] = gazetteer.resolve(name, country, lat, lng)
        return cache[key]

    registry = CityRegistry(session, report)
    distinct_pairs: set[frozenset[tuple[str, str]]] = set()
    resolved_pairs: set[frozenset[tuple[str, str]]] = set()
    end_status: dict[tuple[str, str], str] = {}
    unresolved: Counter[tuple[str, str, str]] = Counter()
    links: dict[tuple[str, str], tuple] = {}
    for row in rows:
        ends = []
        for side in ("1", "2"):
            name, country = row["city" + side], row["country" + side]
            res = resolve(name, country, row.get("lat" + side), row.get("lng" + side))
            norm = (normalise_name(name), normalise_country(country) or country.casefold())
            end_status.setdefault(norm, res.status)
            if res.status != "resolved":
                unresolved[(name.strip(), country.strip(), res.status)] += 1
            ends.append((norm, res))
        pair = frozenset(e[0] for e in ends)
        if len(pair) < 2:
            continue  # a place twinned with itself is a scraping artefact
        distinct_pairs.add(pair)
        (_, res_a), (_, res_b) = ends
        if (
            res_a.city is None
            or res_b.city is None
            or res_a.status != "resolved"
            or res_b.status != "resolved"
        ):
            continue
        resolved_pairs.add(pair)
        if res_a.city.geonameid == res_b.city.geonameid:
            continue
        city_a = registry.from_geo(res_a.city, source=SOURCE)
        city_b = registry.from_geo(res_b.city, source=SOURCE)
        key = "|".join(sorted((city_a.source_key, city_b.source_key)))
        links.setdefault(key, (city_a, city_b))
    session.flush()

    existing = load_cooperations(session, SOURCE)
    for key, (city_a, city_b) in links.items():
        upsert_cooperation(
            session,
            report,
            existing,
            key=f"twin:{key}",
            values={
                "kind": "twinning",
                "title": f"{city_a.name} – {city_b.name} twinning",
                "description": "",
                "source": SOURCE,
            },
            members=[(city_a, "partner"), (city_b, "partner")],
        )
    record_unresolved(session, SOURCE, unresolved, report)
    statuses = Counter(end_status.values())
    report.resolution = {
        "distinct_pairs": len(distinct_pairs),
        "pairs_both_ends_resolved": len(resolved_pairs),
        "pairs_resolved_pct": round(100 * len(resolved_pairs) / max(len(distinct_pairs), 1), 2),
        "links": len(links),
        "ends_resolved": statuses.get("resolved", 0),
        "ends_ambiguous": statuses.get("ambiguous", 0),
        "ends_unresolved": statuses.get("unresolved", 0),
    }
    return report
