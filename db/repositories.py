"""Queries other layers need. Functions take a session and never commit."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import String, cast, func, or_, select
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
    Feedback,
    FundingScheme,
    Plan,
    PlanVersion,
    Sector,
    TrainingJob,
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


def page_sectors(session: Session, *, limit: int, offset: int) -> tuple[list[Sector], int]:
    rows = list(session.scalars(select(Sector).order_by(Sector.id).limit(limit).offset(offset)))
    return rows, session.scalar(select(func.count()).select_from(Sector)) or 0


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


# --------------------------------------------------------------------------- API reads (keyword-only)


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


def city_alias_names(session: Session, *, city_id: int) -> list[str]:
    stmt = select(CityAlias.name).where(CityAlias.city_id == city_id).order_by(CityAlias.id)
    return list(session.scalars(stmt))


def get_sector(session: Session, *, sector_id: str) -> Sector | None:
    return session.get(Sector, sector_id)


def get_funding_scheme(session: Session, *, scheme_id: str) -> FundingScheme | None:
    return session.get(FundingScheme, scheme_id)


def unknown_ids(session: Session, *, column: Any, values: Iterable[Any]) -> list[Any]:
    """The values with no row whose ``column`` equals them, in the order given."""
    wanted = list(dict.fromkeys(values))
    if not wanted:
        return []
    known = set(session.scalars(select(column).where(column.in_(wanted))))
    return [v for v in wanted if v not in known]


def list_feedback(
    session: Session,
    *,
    kind: str | None = None,
    partner_city_id: int | None = None,
    query_city_id: int | None = None,
    model_version: str | None = None,
    limit: int,
    offset: int = 0,
) -> tuple[list[Feedback], int]:
    """Feedback rows, newest first, with the total of matches."""
    stmt = select(Feedback)
    if kind is not None:
        stmt = stmt.where(Feedback.kind == kind)
    if partner_city_id is not None:
        stmt = stmt.where(Feedback.partner_city_id == partner_city_id)
    if query_city_id is not None:
        stmt = stmt.where(Feedback.query_city_id == query_city_id)
    if model_version is not None:
        stmt = stmt.where(Feedback.model_version == model_version)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    stmt = stmt.order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt)), total


def get_training_job(session: Session, *, job_id: str) -> TrainingJob | None:
    return session.get(TrainingJob, job_id)


def active_training_job(session: Session, *, since: dt.datetime) -> TrainingJob | None:
    """A queued or running job created after ``since`` (older ones are presumed dead with their worker)."""
    stmt = (
        select(TrainingJob)
        .where(TrainingJob.status.in_(("queued", "running")), TrainingJob.created_at >= since)
        .order_by(TrainingJob.created_at.desc())
        .limit(1)
    )
    return session.scalar(stmt)


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


def stated_needs(session: Session, city_ids: Sequence[int]) -> dict[int, tuple[str, list[str]]]:
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


def catalogue_fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes when sectors, schemes or cooperations are added or edited.

    Sectors and schemes are a few hundred rows, so their content is hashed (a few ms);
    for cooperations their count and largest id tell additions, and the sum of their
    revisions in-place changes, in whatever order writers commit.
    """
    digest = hashlib.sha256()
    sectors = select(Sector.id, Sector.name, Sector.description, Sector.parent_id, Sector.aliases)
    for row in session.execute(sectors.order_by(Sector.id)):
        digest.update(repr(tuple(row)).encode())
    for row in session.execute(
        select(
            FundingScheme.id, FundingScheme.name, FundingScheme.description, FundingScheme.eligibility,
            FundingScheme.sectors, FundingScheme.record,
        ).order_by(FundingScheme.id)
    ):  # fmt: skip
        digest.update(repr(tuple(row)).encode())
    return (
        digest.hexdigest(),
        session.scalar(select(func.count()).select_from(Cooperation)),
        session.scalar(select(func.max(Cooperation.id))),
        session.scalar(select(func.sum(Cooperation.revision))),
    )


def cooperation_summaries(session: Session, city_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
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


def member_names(session: Session, cooperation_ids: Sequence[int]) -> dict[int, list[str]]:
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


def current_partner_ids(session: Session, city_id: int, kinds: Sequence[str]) -> set[int]:
    """Cities that share a cooperation of these kinds with ``city_id`` now (not at training time)."""
    mine = select(CooperationMember.cooperation_id).where(CooperationMember.city_id == city_id)
    stmt = (
        select(CooperationMember.city_id)
        .join(Cooperation, Cooperation.id == CooperationMember.cooperation_id)
        .where(CooperationMember.cooperation_id.in_(mine), Cooperation.kind.in_(list(kinds)))
    )
    return set(session.scalars(stmt)) - {city_id}


# --------------------------------------------------------------------------- plans


def region_city_ids(session: Session, cities: Sequence[City]) -> dict[int, list[int]]:
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


def cooperation_descriptions(session: Session, cooperation_ids: Sequence[int]) -> dict[int, str]:
    if not cooperation_ids:
        return {}
    stmt = select(Cooperation.id, Cooperation.description).where(Cooperation.id.in_(list(cooperation_ids)))
    return {row.id: row.description or "" for row in session.execute(stmt)}


def cooperation_ids_by_source_key(session: Session, keys: Sequence[str]) -> list[int]:
    return list(session.scalars(select(Cooperation.id).where(Cooperation.source_key.in_(list(keys)))))


def get_plan(session: Session, *, plan_id: int) -> Plan | None:
    return session.get(Plan, plan_id)


def page_plans(session: Session, *, city_id: int | None, limit: int, offset: int) -> tuple[list[Plan], int]:
    stmt = select(Plan)
    if city_id is not None:
        stmt = stmt.where((Plan.city_id == city_id) | (Plan.partner_city_id == city_id))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(session.scalars(stmt.order_by(Plan.id).limit(limit).offset(offset)))
    return rows, total


def plan_versions(session: Session, *, plan_id: int) -> list[PlanVersion]:
    stmt = select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(PlanVersion.version)
    return list(session.scalars(stmt))


def plan_version(session: Session, *, plan_id: int, version: int) -> PlanVersion | None:
    stmt = select(PlanVersion).where(PlanVersion.plan_id == plan_id, PlanVersion.version == version)
    return session.scalar(stmt)
