"""Reads for existing partnerships: the cooperations two cities share, every dated cooperation with
its members (the trajectories next steps are learned from), and the places a roll-out can reach.

Functions take a session and never commit. Rows are plain dicts (the trajectories hold tens of
thousands of pairs, so no ORM objects).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.tables import City, CityProfile, Cooperation, CooperationMember, CooperationSector

_COLUMNS = (
    Cooperation.id, Cooperation.kind, Cooperation.title, Cooperation.start_year, Cooperation.end_year,
    Cooperation.source, Cooperation.source_key, Cooperation.parent_id, Cooperation.funding_scheme_ids,
    Cooperation.success,
)  # fmt: skip


def _parent_ids(session: Session) -> set[int]:
    """Cooperations that have sub-cases (a parent lists the sectors of its whole history)."""
    stmt = select(Cooperation.parent_id).where(Cooperation.parent_id.is_not(None)).distinct()
    return set(session.scalars(stmt))


def _rows(session: Session, where: Any) -> list[dict[str, Any]]:
    parents = _parent_ids(session)
    coops = {
        r.id: {
            "id": r.id,
            "kind": r.kind,
            "title": r.title,
            "start_year": r.start_year,
            "end_year": r.end_year,
            "source": r.source,
            "source_key": r.source_key,
            "parent_id": r.parent_id,
            "is_parent": r.id in parents,
            "schemes": tuple(r.funding_scheme_ids or ()),
            "success": r.success,
            "members": [],
            "sectors": [],
        }
        for r in session.execute(select(*_COLUMNS).where(where))
    }
    ids = list(coops)
    for start in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        chunk = ids[start : start + 900]
        members = select(CooperationMember.cooperation_id, CooperationMember.city_id).where(
            CooperationMember.cooperation_id.in_(chunk)
        )
        for coop_id, city_id in session.execute(members.order_by(CooperationMember.city_id)):
            coops[coop_id]["members"].append(city_id)
        sectors = select(CooperationSector.cooperation_id, CooperationSector.sector_id).where(
            CooperationSector.cooperation_id.in_(chunk)
        )
        for coop_id, sector_id in session.execute(sectors.order_by(CooperationSector.sector_id)):
            coops[coop_id]["sectors"].append(sector_id)
    out = list(coops.values())
    for row in out:
        row["members"] = tuple(row["members"])
        row["sectors"] = tuple(row["sectors"])
    return out


def dated_cooperations(session: Session) -> list[dict[str, Any]]:
    """Every cooperation with a start year, its members, sectors and schemes (ordered by id).
    ``is_parent`` marks those with sub-cases."""
    return sorted(_rows(session, Cooperation.start_year.is_not(None)), key=lambda r: r["id"])


def shared_cooperations(session: Session, *, city_id: int, partner_city_id: int) -> list[dict[str, Any]]:
    """The cooperations both cities are members of, dated or not, in the shape of ``dated_cooperations``."""
    mine = aliased(CooperationMember)
    theirs = aliased(CooperationMember)
    shared = (
        select(mine.cooperation_id)
        .join(theirs, theirs.cooperation_id == mine.cooperation_id)
        .where(mine.city_id == city_id, theirs.city_id == partner_city_id)
    )
    return sorted(_rows(session, Cooperation.id.in_(shared)), key=lambda r: r["id"])


def cooperations_of(
    session: Session, *, city_ids: Sequence[int], sectored_only: bool = False
) -> list[dict[str, Any]]:
    """Every cooperation any of these cities is a member of (only those with a sector, if asked:
    a country's thousands of twinnings name none)."""
    if not city_ids:
        return []
    stmt = select(CooperationMember.cooperation_id).where(CooperationMember.city_id.in_(list(city_ids)))
    where = Cooperation.id.in_(stmt)
    if sectored_only:
        where = where & Cooperation.id.in_(select(CooperationSector.cooperation_id))
    return sorted(_rows(session, where), key=lambda r: r["id"])


def partner_ids(session: Session, *, city_id: int) -> list[int]:
    """Every city that shares at least one cooperation with ``city_id``."""
    mine = select(CooperationMember.cooperation_id).where(CooperationMember.city_id == city_id)
    stmt = select(CooperationMember.city_id).where(
        CooperationMember.cooperation_id.in_(mine), CooperationMember.city_id != city_id
    )
    return sorted(set(session.scalars(stmt.distinct())))


def place_rows(session: Session, *, country: str) -> list[dict[str, Any]]:
    """The stored places of a country with their profile's stated sectors and challenges."""
    stmt = (
        select(
            City.id, City.geonames_id, City.name, City.kind, City.admin_area, City.latitude,
            City.longitude, City.population, CityProfile.sectors, CityProfile.challenges,
        )
        .outerjoin(CityProfile, CityProfile.city_id == City.id)
        .where(City.country == country)
        .order_by(City.id)
    )  # fmt: skip
    return [
        {
            "id": r.id,
            "geonames_id": r.geonames_id,
            "name": r.name,
            "kind": r.kind,
            "admin_area": r.admin_area,
            "latitude": r.latitude,
            "longitude": r.longitude,
            "population": r.population,
            "stated_sectors": tuple(r.sectors or ()),
            "challenges": tuple(map(str, r.challenges or ())),
        }
        for r in session.execute(stmt)
    ]


def member_map(rows: Sequence[dict[str, Any]]) -> dict[int, list[int]]:
    """City id -> ids of the given cooperation rows it is a member of."""
    out: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        for city_id in row["members"]:
            out[city_id].append(row["id"])
    return out


def partners_of(session: Session, *, city_id: int, limit: int) -> list[dict[str, Any]]:
    """The cities ``city_id`` shares cooperations with, most shared first (then the latest start):
    id, name, country, how many it shares, how many of those are dated, their first and last year."""
    mine = aliased(CooperationMember)
    theirs = aliased(CooperationMember)
    shared = func.count(Cooperation.id)
    stmt = (
        select(
            City.id, City.name, City.country, shared.label("cooperations"),
            func.count(Cooperation.start_year).label("dated"),
            func.min(Cooperation.start_year).label("first_year"),
            func.max(Cooperation.start_year).label("last_year"),
        )
        .select_from(mine)
        .join(theirs, (theirs.cooperation_id == mine.cooperation_id) & (theirs.city_id != mine.city_id))
        .join(Cooperation, Cooperation.id == mine.cooperation_id)
        .join(City, City.id == theirs.city_id)
        .where(mine.city_id == city_id)
        .group_by(City.id, City.name, City.country)
        .order_by(shared.desc(), func.max(Cooperation.start_year).desc(), City.id)
        .limit(limit)
    )  # fmt: skip
    return [dict(r._mapping) for r in session.execute(stmt)]
