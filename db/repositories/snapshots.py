"""What training and the notebooks read of the whole store: every city and every cooperation as plain rows."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.tables import (
    City,
    CityProfile,
    Cooperation,
    CooperationMember,
    CooperationSector,
    Country,
)

# What a cities frame may hold, and the store column each comes from; the features declare
# which they read (models.dataset.CITY_COLUMNS). "profile_text" joins the profile's texts.
_CITY_FRAME_SOURCES: dict[str, Any] = {
    "city_id": City.id,
    "name": City.name,
    "country": City.country,
    "admin_area": City.admin_area,
    "latitude": City.latitude,
    "longitude": City.longitude,
    "population": City.population,
    "timezone": City.timezone,
    "continent": Country.continent,
    "wb_region": Country.wb_region,
    "income_group": Country.income_group,
    "sectors": CityProfile.sectors,
    "role": CityProfile.role,
}
_PROFILE_TEXTS = (CityProfile.profile_text, CityProfile.needs_text, CityProfile.strengths)


def city_frame_rows(session: Session, *, columns: Sequence[str]) -> list[dict[str, Any]]:
    """One dict per city with the given columns (country facts, profile texts), ordered by id."""
    unknown = [c for c in columns if c != "profile_text" and c not in _CITY_FRAME_SOURCES]
    if unknown:
        raise ValueError(f"no city frame column {unknown}")
    plain = [c for c in columns if c != "profile_text"]
    stmt = (
        select(*(_CITY_FRAME_SOURCES[c].label(c) for c in plain), *_PROFILE_TEXTS)
        .join(Country, Country.iso2 == City.country)
        .outerjoin(CityProfile, CityProfile.city_id == City.id)
        .order_by(City.id)
    )
    rows = []
    for r in session.execute(stmt):
        row = {c: getattr(r, c) for c in plain}
        if "population" in row:
            row["population"] = float(row["population"]) if row["population"] else np.nan
        if "sectors" in row:
            row["sectors"] = tuple(row["sectors"] or ())
        if "profile_text" in columns:
            texts = [r.profile_text or "", r.needs_text or "", "; ".join(r.strengths or [])]
            row["profile_text"] = " ".join(t for t in texts if t).strip()
        rows.append({c: row[c] for c in columns})
    return rows


def cooperation_rows(session: Session) -> list[dict[str, Any]]:
    """Every cooperation with member city ids and sector ids, ordered by id."""
    members: dict[int, list[int]] = defaultdict(list)
    for coop_id, city_id in session.execute(
        select(CooperationMember.cooperation_id, CooperationMember.city_id).order_by(
            CooperationMember.cooperation_id, CooperationMember.city_id
        )
    ):
        members[coop_id].append(city_id)
    sectors: dict[int, list[str]] = defaultdict(list)
    for coop_id, sector_id in session.execute(
        select(CooperationSector.cooperation_id, CooperationSector.sector_id).order_by(
            CooperationSector.cooperation_id, CooperationSector.sector_id
        )
    ):
        sectors[coop_id].append(sector_id)
    stmt = select(
        Cooperation.id,
        Cooperation.kind,
        Cooperation.title,
        Cooperation.description,
        Cooperation.start_year,
        Cooperation.source,
        Cooperation.parent_id,
        Cooperation.success,
    ).order_by(Cooperation.id)
    return [
        {
            "id": r.id,
            "kind": r.kind,
            "title": r.title,
            "description": r.description or "",
            "start_year": r.start_year,
            "source": r.source,
            "parent_id": r.parent_id,
            "success": r.success,
            "members": members.get(r.id, []),
            "sectors": tuple(sectors.get(r.id, [])),
        }
        for r in session.execute(stmt)
    ]


def data_snapshot_hash(session: Session) -> str:
    """Hash of what training sees: city ids, links and profile update times."""
    digest = hashlib.sha256()
    for row in session.execute(select(City.id, City.population, City.country).order_by(City.id)):
        digest.update(repr(tuple(row)).encode())
    for row in session.execute(
        select(CooperationMember.cooperation_id, CooperationMember.city_id).order_by(
            CooperationMember.cooperation_id, CooperationMember.city_id
        )
    ):
        digest.update(repr(tuple(row)).encode())
    for row in session.execute(
        select(CityProfile.city_id, CityProfile.updated_at).order_by(CityProfile.city_id)
    ):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def cooperation_outcome_rows(session: Session) -> list[dict[str, Any]]:
    """Funding schemes and outcomes of every cooperation (the notebooks add them to ``cooperation_rows``)."""
    columns = Cooperation.funding_scheme_ids, Cooperation.outcome_summary, Cooperation.outcome_indicators
    stmt = select(Cooperation.id, *columns)
    return [
        {
            "id": r.id,
            "funding_scheme_ids": r.funding_scheme_ids,
            "outcome_summary": r.outcome_summary,
            "outcome_indicators": r.outcome_indicators,
        }
        for r in session.execute(stmt)
    ]
