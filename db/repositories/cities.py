"""Reads of cities: search, by id, aliases, the places that are their regions, stated needs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from db.places.names import normalise_name
from db.tables import (
    City,
    CityAlias,
    CityProfile,
)


def search_cities(
    session: Session, *, prefix: str, country: str | None, limit: int, offset: int
) -> tuple[list[City], int]:
    """Cities whose name or an alternate name starts with ``prefix`` (accent- and case-insensitive)."""
    norm = normalise_name(prefix)
    alias_match = select(CityAlias.city_id).where(CityAlias.search_name.startswith(norm, autoescape=True))
    cond = or_(City.search_name.startswith(norm, autoescape=True), City.id.in_(alias_match))
    base = select(City).where(cond)
    if country:
        base = base.where(City.country == country)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    stmt = base.order_by(City.population.desc().nulls_last(), City.id).limit(limit).offset(offset)
    return list(session.scalars(stmt)), total


def get_city(session: Session, *, city_id: int) -> City | None:
    return session.get(City, city_id, options=[selectinload(City.profile)])


def cities_by_ids(session: Session, *, ids: Iterable[int]) -> dict[int, City]:
    ids = list(set(ids))
    if not ids:
        return {}
    return {c.id: c for c in session.scalars(select(City).where(City.id.in_(ids)))}


def city_alias_names(session: Session, *, city_id: int) -> list[str]:
    stmt = select(CityAlias.name).where(CityAlias.city_id == city_id).order_by(CityAlias.id)
    return list(session.scalars(stmt))


def region_city_ids(session: Session, *, cities: Sequence[City]) -> dict[int, list[int]]:
    """The stored places that are each city's region (a prefecture, state or metropolitan area named
    by its ``admin_area``, in its country): Fukushima Prefecture for Koriyama."""
    out: dict[int, list[int]] = {}
    for city in cities:
        if not city.admin_area:
            out[city.id] = []
            continue
        stmt = select(City.id).where(
            City.country == city.country,
            City.name == city.admin_area,
            City.kind != "city",
            City.id != city.id,
        )
        out[city.id] = list(session.scalars(stmt))
    return out


def stated_needs(session: Session, *, city_ids: Sequence[int]) -> dict[int, tuple[str, list[str]]]:
    """What each city's profile says it needs: its needs text with its challenges, and its sectors.

    Only cities with a profile that states something are in the answer.
    """
    if not city_ids:
        return {}
    columns = CityProfile.city_id, CityProfile.needs_text, CityProfile.challenges, CityProfile.sectors
    ids = list(dict.fromkeys(city_ids))
    out = {}
    for start in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        stmt = select(*columns).where(CityProfile.city_id.in_(ids[start : start + 900]))
        for city_id, needs, challenges, sectors in session.execute(stmt):
            text = " ".join([needs or "", *map(str, challenges or [])]).strip()
            if text or sectors:
                out[city_id] = (text, list(sectors or []))
    return out
