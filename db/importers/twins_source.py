"""Reading the twin-town CSVs (Hekman/twincities, scraped from English Wikipedia).

Two files describe the same pairs: ``twin_cities.csv`` (``city1,country1,city2,country2``)
and ``twin_cities_geocoded.csv`` (the same plus ``lat1,lng1,lat2,lng2``, a few
rows fewer). Rows are joined on the four name/country strings exactly as
written. Shared by the importer and the resolution benchmark.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from db.places.countries import normalise_country

__all__ = ["GEOCODED_COLUMNS", "RAW_COLUMNS", "TwinRow", "read_twin_pairs"]

RAW_COLUMNS = ("city1", "country1", "city2", "country2")
GEOCODED_COLUMNS = ("city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2")


class TwinRow(TypedDict):
    line: int  # physical line in the raw file where the record ends (header is line 1)
    geocoded_line: int | None  # line of the joined geocoded row; None if points were borrowed or absent
    city1: str
    country1: str
    lat1: float | None
    lng1: float | None
    city2: str
    country2: str
    lat2: float | None
    lng2: float | None


_Key = tuple[str, str, str, str]
_Point = tuple[float, float]


def _records(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line, row) and fail with file:line on anything malformed."""
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ValueError(f"{path}: cannot open: {exc}") from exc
    with fh:
        # strict=True turns an unterminated quote at EOF (a truncated file) into an error.
        reader = csv.reader(fh, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise ValueError(f"{path}:1: empty file, expected header {','.join(required)}") from None
        except csv.Error as exc:
            raise ValueError(f"{path}:{reader.line_num}: {exc}") from exc
        columns = [h.strip() for h in header]
        missing = [c for c in required if c not in columns]
        if missing:
            raise ValueError(
                f"{path}:1: missing header column(s) {', '.join(missing)}; found {','.join(columns)}"
            )
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ValueError(f"{path}:{reader.line_num}: {exc}") from exc
            if not fields:
                continue  # blank line
            if len(fields) != len(columns):
                raise ValueError(
                    f"{path}:{reader.line_num}: expected {len(columns)} fields, got {len(fields)} "
                    "(truncated or unquoted comma?)"
                )
            yield reader.line_num, dict(zip(columns, (f.strip() for f in fields), strict=True))


def _coordinate(value: str, kind: str, path: Path, line: int, column: str) -> float | None:
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{path}:{line}: column {column}: cannot parse {kind} {value!r}") from None
    limit = 90.0 if kind == "latitude" else 180.0
    if math.isnan(number) or not -limit <= number <= limit:
        raise ValueError(f"{path}:{line}: column {column}: {kind} {value!r} out of range")
    return number


def _point(row: dict[str, str], n: int, path: Path, line: int) -> _Point | None:
    lat = _coordinate(row[f"lat{n}"], "latitude", path, line, f"lat{n}")
    lng = _coordinate(row[f"lng{n}"], "longitude", path, line, f"lng{n}")
    if (lat is None) != (lng is None):
        raise ValueError(f"{path}:{line}: lat{n}/lng{n}: one coordinate given without the other")
    return (lat, lng) if lat is not None and lng is not None else None


@dataclass
class _Geocoded:
    by_row: dict[_Key, tuple[int, _Point | None, _Point | None]] = field(default_factory=dict)
    by_end: dict[tuple[str, str], _Point] = field(default_factory=dict)
    # Same city under another spelling of its country ("Scotland" vs "Scotland, United Kingdom").
    by_end_iso: dict[tuple[str, str], _Point] = field(default_factory=dict)

    def points(self, c1: str, k1: str, c2: str, k2: str) -> tuple[int | None, _Point | None, _Point | None]:
        joined = self.by_row.get((c1, k1, c2, k2))
        if joined is not None:
            return joined
        reverse = self.by_row.get((c2, k2, c1, k1))
        if reverse is not None:
            return reverse[0], reverse[2], reverse[1]
        return None, self._end(c1, k1), self._end(c2, k2)

    def _end(self, city: str, country: str) -> _Point | None:
        point = self.by_end.get((city, country))
        if point is None:
            point = self.by_end_iso.get((city, normalise_country(country) or country))
        return point


def _read_geocoded(path: Path) -> _Geocoded:
    geo = _Geocoded()
    for line, row in _records(path, GEOCODED_COLUMNS):
        p1, p2 = _point(row, 1, path, line), _point(row, 2, path, line)
        key = (row["city1"], row["country1"], row["city2"], row["country2"])
        geo.by_row.setdefault(key, (line, p1, p2))
        for city, country, point in (
            (row["city1"], row["country1"], p1),
            (row["city2"], row["country2"], p2),
        ):
            if point is not None:
                geo.by_end.setdefault((city, country), point)
                geo.by_end_iso.setdefault((city, normalise_country(country) or country), point)
    return geo


def read_twin_pairs(path_raw: str | Path, path_geocoded: str | Path | None = None) -> list[TwinRow]:
    """Rows of the raw twin file with coordinates joined from the geocoded file.

    Coordinates come from the geocoded row with the same four strings (or the
    same pair listed the other way round); when there is none, each end borrows
    the point geocoded for the same city elsewhere in the file, matching the
    country as written or, failing that, as an ISO code. Raises ValueError naming the
    file and line for a malformed row, a missing header column or an
    unparseable coordinate. Rows are returned in file order, duplicates kept.
    """
    raw = Path(path_raw)
    geo = _read_geocoded(Path(path_geocoded)) if path_geocoded is not None else _Geocoded()
    rows: list[TwinRow] = []
    for line, row in _records(raw, RAW_COLUMNS):
        c1, k1, c2, k2 = row["city1"], row["country1"], row["city2"], row["country2"]
        if not c1 or not c2:
            raise ValueError(f"{raw}:{line}: empty city name")
        geo_line, p1, p2 = geo.points(c1, k1, c2, k2)
        rows.append(
            TwinRow(
                line=line,
                geocoded_line=geo_line,
                city1=c1,
                country1=k1,
                lat1=p1[0] if p1 else None,
                lng1=p1[1] if p1 else None,
                city2=c2,
                country2=k2,
                lat2=p2[0] if p2 else None,
                lng2=p2[1] if p2 else None,
            )
        )
    return rows
