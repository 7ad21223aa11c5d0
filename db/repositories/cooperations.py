"""Reads of cooperations: filtered pages, by city, light summaries, members and partners, and the
groups the catalogue index keeps (those that name funding schemes, those with sectors)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session, selectinload

from db.tables import (
    City,
    Cooperation,
    CooperationMember,
    CooperationSector,
)


def _cooperation_options() -> list[Any]:
    return [
        selectinload(Cooperation.members).selectinload(CooperationMember.city),
        selectinload(Cooperation.sector_links),
    ]


def list_cooperations(
    session: Session,
    *,
    city_id: int | None = None,
    sector: str | None = None,
    scheme: str | None = None,
    kind: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    limit: int,
    offset: int = 0,
    after_id: int | None = None,
) -> tuple[list[Cooperation], int]:
    """Cooperations matching every given filter, by id; ``after_id`` pages by keyset instead of offset.

    The total counts every match, whatever the page.
    """
    stmt = select(Cooperation)
    if city_id is not None:
        stmt = stmt.where(
            Cooperation.id.in_(
                select(CooperationMember.cooperation_id).where(CooperationMember.city_id == city_id)
            )
        )
    if sector is not None:
        stmt = stmt.where(
            Cooperation.id.in_(
                select(CooperationSector.cooperation_id).where(CooperationSector.sector_id == sector)
            )
        )
    if scheme is not None:
        # scheme ids are slugs, so the quoted id inside the JSON text is an exact element match
        # on both backends without JSON operators that SQLite and PostgreSQL spell differently
        scheme_text = cast(Cooperation.funding_scheme_ids, String)
        stmt = stmt.where(scheme_text.contains(f'"{scheme}"', autoescape=True))
    if kind is not None:
        stmt = stmt.where(Cooperation.kind == kind)
    if year_from is not None:
        stmt = stmt.where(Cooperation.start_year >= year_from)
    if year_to is not None:
        stmt = stmt.where(Cooperation.start_year <= year_to)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    if after_id is not None:
        stmt = stmt.where(Cooperation.id > after_id)
    else:
        stmt = stmt.offset(offset)
    stmt = stmt.order_by(Cooperation.id).limit(limit).options(*_cooperation_options())
    return list(session.scalars(stmt)), total


def get_cooperation(session: Session, *, cooperation_id: int) -> Cooperation | None:
    return session.get(Cooperation, cooperation_id, options=_cooperation_options())


def count_cooperations_of_city(session: Session, *, city_id: int) -> int:
    stmt = select(func.count()).where(CooperationMember.city_id == city_id)
    return session.scalar(stmt) or 0


def cooperations_of_cities(
    session: Session, *, city_ids: Sequence[int], limit_per_city: int = 50
) -> dict[int, list[Cooperation]]:
    """Cooperations each city is a member of, newest first."""
    if not city_ids:
        return {}
    stmt = (
        select(CooperationMember.city_id, Cooperation)
        .join(Cooperation, Cooperation.id == CooperationMember.cooperation_id)
        .where(CooperationMember.city_id.in_(list(city_ids)))
        .options(
            selectinload(Cooperation.members).selectinload(CooperationMember.city),
            selectinload(Cooperation.sector_links),
        )
        .order_by(Cooperation.start_year.desc().nulls_last(), Cooperation.id)
    )
    out: dict[int, list[Cooperation]] = defaultdict(list)
    for city_id, coop in session.execute(stmt):
        if len(out[city_id]) < limit_per_city:
            out[city_id].append(coop)
    return out


# what a precedent shows of a cooperation (see ``_summary``)
_SUMMARY_COLUMNS = (
    Cooperation.id, Cooperation.kind, Cooperation.title, Cooperation.success,
    Cooperation.outcome_summary, Cooperation.outcome_indicators, Cooperation.start_year,
)  # fmt: skip


def _summary(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "title": row.title,
        "success": row.success,
        "outcome_summary": row.outcome_summary,
        "outcome_indicators": tuple(row.outcome_indicators or ()),
        "start_year": row.start_year,
    }


def cooperation_summaries(session: Session, *, city_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Light rows of every cooperation of each city (no ORM objects: hubs have hundreds).

    Sectors and outcome indicators are tuples: workers keep these rows in a cache that
    every request shares, so nothing in them is meant to be changed.
    """
    if not city_ids:
        return {}
    stmt = (
        select(CooperationMember.city_id, *_SUMMARY_COLUMNS)
        .join(Cooperation, Cooperation.id == CooperationMember.cooperation_id)
        .where(CooperationMember.city_id.in_(list(city_ids)))
    )
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = session.execute(stmt).all()
    coop_ids = list({r.id for r in rows})
    sectors: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(coop_ids), 900):  # stay under SQLite's bound-parameter limit
        chunk = coop_ids[start : start + 900]
        stmt_s = select(CooperationSector.cooperation_id, CooperationSector.sector_id).where(
            CooperationSector.cooperation_id.in_(chunk)
        )
        for coop_id, sector_id in session.execute(stmt_s):
            sectors[coop_id].append(sector_id)
    for r in rows:
        out[r.city_id].append({**_summary(r), "sectors": tuple(sorted(sectors.get(r.id, [])))})
    return out


def member_names(session: Session, *, cooperation_ids: Sequence[int]) -> dict[int, list[str]]:
    """City names of each cooperation's members."""
    if not cooperation_ids:
        return {}
    stmt = (
        select(CooperationMember.cooperation_id, City.name)
        .join(City, City.id == CooperationMember.city_id)
        .where(CooperationMember.cooperation_id.in_(list(cooperation_ids)))
        .order_by(CooperationMember.cooperation_id, City.id)
    )
    out: dict[int, list[str]] = defaultdict(list)
    for coop_id, name in session.execute(stmt):
        out[coop_id].append(name)
    return out


def current_partner_ids(session: Session, *, city_id: int, kinds: Sequence[str]) -> set[int]:
    """Cities that share a cooperation of these kinds with ``city_id`` now (not at training time)."""
    mine = select(CooperationMember.cooperation_id).where(CooperationMember.city_id == city_id)
    stmt = (
        select(CooperationMember.city_id)
        .join(Cooperation, Cooperation.id == CooperationMember.cooperation_id)
        .where(CooperationMember.cooperation_id.in_(mine), Cooperation.kind.in_(list(kinds)))
    )
    return set(session.scalars(stmt)) - {city_id}


def cooperation_descriptions(session: Session, *, cooperation_ids: Sequence[int]) -> dict[int, str]:
    if not cooperation_ids:
        return {}
    stmt = select(Cooperation.id, Cooperation.description).where(Cooperation.id.in_(list(cooperation_ids)))
    return {row.id: row.description or "" for row in session.execute(stmt)}


def cooperation_ids_by_source_key(session: Session, *, keys: Sequence[str]) -> list[int]:
    return list(session.scalars(select(Cooperation.id).where(Cooperation.source_key.in_(list(keys)))))


def funded_cooperation_rows(session: Session) -> list[dict[str, Any]]:
    """Cooperations that name funding schemes, with member countries and sectors."""
    stmt = select(Cooperation.id, Cooperation.funding_scheme_ids).where(
        Cooperation.funding_scheme_id.is_not(None)
    )
    coops: dict[int, dict[str, Any]] = {
        r.id: {
            "id": r.id,
            "scheme_ids": tuple(r.funding_scheme_ids or ()),
            "countries": set(),
            "sectors": set(),
        }
        for r in session.execute(stmt)
    }
    if not coops:
        return []
    members = select(CooperationMember.cooperation_id, City.country).join(
        City, City.id == CooperationMember.city_id
    )
    for coop_id, country in session.execute(members):
        if coop_id in coops:
            coops[coop_id]["countries"].add(country)
    sectors = select(CooperationSector.cooperation_id, CooperationSector.sector_id)
    for coop_id, sector_id in session.execute(sectors):
        if coop_id in coops:
            coops[coop_id]["sectors"].add(sector_id)
    return list(coops.values())


def sectored_cooperation_rows(session: Session) -> list[dict[str, Any]]:
    """Cooperations with at least one sector: their members, each member's country and the outcome
    (a few hundred rows; the precedents of similar pairs are chosen among them)."""
    sectored = select(CooperationSector.cooperation_id).distinct()
    stmt = select(*_SUMMARY_COLUMNS).where(Cooperation.id.in_(sectored))
    coops: dict[int, dict[str, Any]] = {
        r.id: {**_summary(r), "sectors": set(), "members": [], "member_countries": []}
        for r in session.execute(stmt)
    }
    members = (
        select(CooperationMember.cooperation_id, CooperationMember.city_id, City.country)
        .join(City, City.id == CooperationMember.city_id)
        .where(CooperationMember.cooperation_id.in_(sectored))
    )
    for coop_id, city_id, country in session.execute(members):
        coops[coop_id]["members"].append(city_id)
        coops[coop_id]["member_countries"].append(country)
    sectors = select(CooperationSector.cooperation_id, CooperationSector.sector_id)
    for coop_id, sector_id in session.execute(sectors):
        coops[coop_id]["sectors"].add(sector_id)
    return list(coops.values())


def cooperations_from_source(session: Session, *, source: str) -> list[Cooperation]:
    """Every cooperation one importer wrote (``"curated"``, ...), with its members and sectors loaded."""
    stmt = select(Cooperation).where(Cooperation.source == source).options(*_cooperation_options())
    return list(session.scalars(stmt))
