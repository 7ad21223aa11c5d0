"""Queries other layers need. Functions take a session and never commit."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from db.gazetteer import normalise_name
from db.tables import (
    City,
    CityAlias,
    CityProfile,
    Cooperation,
    CooperationMember,
    CooperationSector,
    Country,
    Embedding,
    FundingScheme,
    Sector,
)


def city_frame_rows(session: Session) -> list[dict[str, Any]]:
    """One dict per city with its country facts and profile texts, ordered by id."""
    stmt = (
        select(
            City.id,
            City.name,
            City.country,
            City.latitude,
            City.longitude,
            City.population,
            City.timezone,
            Country.continent,
            Country.wb_region,
            Country.income_group,
            CityProfile.profile_text,
            CityProfile.needs_text,
            CityProfile.strengths,
            CityProfile.sectors,
            CityProfile.role,
        )
        .join(Country, Country.iso2 == City.country)
        .outerjoin(CityProfile, CityProfile.city_id == City.id)
        .order_by(City.id)
    )
    rows = []
    for r in session.execute(stmt):
        texts = [r.profile_text or "", r.needs_text or "", "; ".join(r.strengths or [])]
        rows.append(
            {
                "city_id": r.id,
                "name": r.name,
                "country": r.country,
                "latitude": r.latitude,
                "longitude": r.longitude,
                "population": float(r.population) if r.population else np.nan,
                "timezone": r.timezone,
                "continent": r.continent,
                "wb_region": r.wb_region,
                "income_group": r.income_group,
                "profile_text": " ".join(t for t in texts if t).strip(),
                "sectors": tuple(r.sectors or ()),
                "role": r.role,
            }
        )
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


def get_city(session: Session, city_id: int) -> City | None:
    return session.get(City, city_id, options=[selectinload(City.profile)])


def cities_by_ids(session: Session, ids: Iterable[int]) -> dict[int, City]:
    ids = list(set(ids))
    if not ids:
        return {}
    return {c.id: c for c in session.scalars(select(City).where(City.id.in_(ids)))}


def cooperations_of_cities(
    session: Session, city_ids: Sequence[int], *, limit_per_city: int = 50
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


def list_sectors(session: Session) -> list[Sector]:
    return list(session.scalars(select(Sector).order_by(Sector.id)))


def list_funding_schemes(session: Session) -> list[FundingScheme]:
    return list(session.scalars(select(FundingScheme).order_by(FundingScheme.id)))


def countries_by_iso2(session: Session) -> dict[str, Country]:
    return {c.iso2: c for c in session.scalars(select(Country))}


class EmbeddingCache:
    """Embeddings stored by (model name, text hash): re-runs embed only changed texts."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get_many(self, model_name: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), 900):  # stay under SQLite's bound-parameter limit
            chunk = unique[start : start + 900]
            stmt = select(Embedding.text_hash, Embedding.vector).where(
                Embedding.model_name == model_name, Embedding.text_hash.in_(chunk)
            )
            for text_hash, vector in self.session.execute(stmt):
                out[text_hash] = np.frombuffer(vector, dtype="<f4").copy()
        return out

    def put_many(self, model_name: str, items: dict[str, np.ndarray], entity: str = "text") -> None:
        known = self.get_many(model_name, list(items))
        for text_hash, vector in items.items():
            if text_hash in known:
                continue
            arr = np.asarray(vector, dtype="<f4")
            self.session.add(
                Embedding(
                    entity=entity,
                    model_name=model_name,
                    text_hash=text_hash,
                    dim=arr.shape[0],
                    vector=arr.tobytes(),
                )
            )
        self.session.flush()
