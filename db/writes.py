"""Writes made through the API and CLI: user-created cities, profiles, cooperations, schemes, feedback, jobs.

Rows written here carry ``origin = "user"`` (or ``source = "api"``), so importers
never overwrite them. Functions validate references against the store, flush,
and never commit: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.errors import Conflict, InvalidInput, NotFound
from db.places.city_match import DUPLICATE_CITY_KM
from db.places.geometry import haversine_km
from db.places.names import normalise_name
from db.repositories.references import unknown_ids
from db.tables import (
    ORIGIN_USER,
    City,
    CityAlias,
    CityProfile,
    Cooperation,
    CooperationMember,
    CooperationSector,
    Country,
    Feedback,
    FundingScheme,
    Plan,
    PlanVersion,
    Sector,
    TrainingJob,
)

API_SOURCE = "api"


class DuplicateCity(Conflict):
    """A new city has a namesake in the same country within ``DUPLICATE_CITY_KM``: the same place."""

    def __init__(self, existing: City) -> None:
        super().__init__(
            f"city {existing.id} ({existing.name}, {existing.country}) is already in the store at this place",
            field="name",
        )
        self.existing_id = existing.id


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().strip()
    return folded or name


def user_source_key() -> str:
    return f"user:{uuid.uuid4()}"


def _first_unknown(
    session: Session, *, column: Any, values: Sequence[Any] | str | int, field: str
) -> tuple[str, Any] | None:
    """(field path, value) of the first value without a row; a single value's field has no index."""
    if isinstance(values, str | int):
        values, indexed = [values], False
    else:
        indexed = True
    missing = unknown_ids(session, column=column, values=values)
    if not missing:
        return None
    return (f"{field}[{list(values).index(missing[0])}]" if indexed else field), missing[0]


def check_sectors(session: Session, *, sectors: Sequence[str] | str, field: str = "sectors") -> None:
    bad = _first_unknown(session, column=Sector.id, values=sectors, field=field)
    if bad:
        raise InvalidInput(
            f"unknown sector {bad[1]!r}; the sector ids are listed at /v1/sectors", field=bad[0]
        )


def check_countries(session: Session, *, countries: Sequence[str] | str, field: str) -> None:
    bad = _first_unknown(session, column=Country.iso2, values=countries, field=field)
    if bad:
        raise InvalidInput(
            f"unknown country code {bad[1]!r}; use an ISO 3166-1 alpha-2 code such as 'JP'", field=bad[0]
        )


def check_regions(*, regions: Sequence[str], region_codes: Iterable[str], field: str) -> None:
    known = set(region_codes)
    for index, code in enumerate(regions):
        if code not in known:
            raise InvalidInput(
                f"unknown region code {code!r}; allowed: {', '.join(sorted(known))}",
                field=f"{field}[{index}]",
            )


def check_cities(session: Session, *, city_ids: Sequence[int] | int, field: str) -> None:
    bad = _first_unknown(session, column=City.id, values=city_ids, field=field)
    if bad:
        raise NotFound(f"city {bad[1]} does not exist; find ids with GET /v1/cities?q=", field=bad[0])


def check_schemes(
    session: Session, *, scheme_ids: Sequence[str] | str, field: str = "funding_scheme_ids"
) -> None:
    bad = _first_unknown(session, column=FundingScheme.id, values=scheme_ids, field=field)
    if bad:
        raise InvalidInput(
            f"unknown funding scheme {bad[1]!r}; the scheme ids are listed at /v1/funding-schemes",
            field=bad[0],
        )


def create_city(
    session: Session,
    *,
    name: str,
    country: str,
    latitude: float,
    longitude: float,
    population: int | None = None,
    admin_area: str | None = None,
    alternate_names: Sequence[str] = (),
) -> City:
    """Add a city the gazetteer and imports do not have; refuses a namesake nearby in the same country."""
    check_countries(session, countries=country, field="country")
    search_name = normalise_name(name) or name.casefold()
    namesakes = session.scalars(select(City).where(City.country == country, City.search_name == search_name))
    for other in namesakes:
        near = (
            other.latitude is None
            or other.longitude is None
            or haversine_km(latitude, longitude, other.latitude, other.longitude) <= DUPLICATE_CITY_KM
        )
        if near:
            raise DuplicateCity(other)
    city = City(
        name=name,
        ascii_name=_ascii(name),
        search_name=search_name,
        country=country,
        admin_area=admin_area,
        kind="city",
        latitude=latitude,
        longitude=longitude,
        population=population,
        source=API_SOURCE,
        source_key=user_source_key(),
    )
    seen = {search_name}
    for alt in alternate_names:
        norm = normalise_name(alt)
        if norm and norm not in seen:
            seen.add(norm)
            city.aliases.append(CityAlias(name=alt, search_name=norm))
    session.add(city)
    session.flush()
    return city


def upsert_profile(
    session: Session, *, city_id: int, values: dict[str, Any], region_codes: Iterable[str]
) -> tuple[CityProfile, bool]:
    """Create or replace a city's profile as a user edit; True when it was created."""
    if session.get(City, city_id) is None:
        raise NotFound(f"city {city_id} does not exist; find ids with GET /v1/cities?q=", field="city_id")
    check_sectors(session, sectors=values.get("sectors", []))
    check_countries(session, countries=values.get("desired_countries", []), field="desired_countries")
    check_regions(
        regions=values.get("desired_regions", []), region_codes=region_codes, field="desired_regions"
    )
    profile = session.scalar(select(CityProfile).where(CityProfile.city_id == city_id))
    created = profile is None
    if profile is None:
        profile = CityProfile(city_id=city_id)
        session.add(profile)
    for key, value in values.items():
        setattr(profile, key, value)
    profile.origin = ORIGIN_USER
    # set explicitly: onupdate does not fire when the values happen to be unchanged, and the
    # training data hash must still see the user's save
    profile.updated_at = dt.datetime.now(dt.UTC)
    session.flush()
    return profile, created


def create_cooperation(
    session: Session,
    *,
    title: str,
    kind: str,
    city_ids: Sequence[int],
    sectors: Sequence[str] = (),
    funding_scheme_ids: Sequence[str] = (),
    start_year: int | None = None,
    end_year: int | None = None,
    description: str = "",
    outcome_summary: str | None = None,
    outcome_indicators: Sequence[dict[str, Any]] = (),
    success: str | None = None,
) -> Cooperation:
    """Record a partnership from the API; the next training reads it like any imported one."""
    check_cities(session, city_ids=city_ids, field="city_ids")
    check_sectors(session, sectors=sectors)
    check_schemes(session, scheme_ids=funding_scheme_ids)
    coop = Cooperation(
        kind=kind,
        title=title,
        start_year=start_year,
        end_year=end_year,
        description=description,
        funding_scheme_id=funding_scheme_ids[0] if funding_scheme_ids else None,
        funding_scheme_ids=list(funding_scheme_ids),
        outcome_summary=outcome_summary,
        outcome_indicators=list(outcome_indicators),
        success=success,
        source=API_SOURCE,
        source_key=user_source_key(),
        origin=ORIGIN_USER,
    )
    coop.members = [CooperationMember(city_id=cid) for cid in city_ids]
    coop.sector_links = [CooperationSector(sector_id=s) for s in sorted(set(sectors))]
    session.add(coop)
    session.flush()
    return coop


def funding_scheme_values(record: Mapping[str, Any], *, source: str) -> dict[str, Any]:
    """The columns of a :class:`FundingScheme` row from a validated catalogue record (its id aside)."""
    return {
        "name": record["name"],
        "operator": record.get("operator"),
        "kind": record.get("kind"),
        "description": record.get("description") or "",
        "eligibility": record["eligibility"],
        "sectors": record["sectors"],
        "record": record,
        "source": source,
    }


def upsert_funding_schemes(
    session: Session, *, records: Sequence[dict[str, Any]], source: str
) -> tuple[list[str], list[str]]:
    """Write validated catalogue records as user edits; (inserted ids, updated ids)."""
    existing = {
        s.id: s
        for s in session.scalars(
            select(FundingScheme).where(FundingScheme.id.in_([r["id"] for r in records]))
        )
    }
    inserted: list[str] = []
    updated: list[str] = []
    for rec in records:
        values = {**funding_scheme_values(rec, source=source), "origin": ORIGIN_USER}
        scheme = existing.get(rec["id"])
        if scheme is None:
            session.add(FundingScheme(id=rec["id"], **values))
            inserted.append(rec["id"])
        else:
            for key, value in values.items():
                setattr(scheme, key, value)
            updated.append(rec["id"])
    session.flush()
    return inserted, updated


def add_feedback(
    session: Session,
    *,
    partner_city_id: int,
    kind: str,
    query_city_id: int | None = None,
    query: dict[str, Any] | None = None,
    comment: str | None = None,
    model_version: str | None = None,
    client: str | None = None,
) -> Feedback:
    check_cities(session, city_ids=partner_city_id, field="partner_city_id")
    if query_city_id is not None:
        check_cities(session, city_ids=query_city_id, field="query_city_id")
    row = Feedback(
        query_city_id=query_city_id,
        query=query or {},
        partner_city_id=partner_city_id,
        kind=kind,
        comment=comment,
        model_version=model_version,
        client=client,
    )
    session.add(row)
    session.flush()
    return row


def create_training_job(session: Session, *, params: dict[str, Any]) -> TrainingJob:
    job = TrainingJob(id=str(uuid.uuid4()), status="queued", params=params)
    session.add(job)
    session.flush()
    return job


def update_training_job(
    session: Session,
    *,
    job_id: str,
    status: str,
    model_version: str | None = None,
    error: str | None = None,
) -> TrainingJob:
    job = session.get(TrainingJob, job_id)
    if job is None:
        raise NotFound(f"training job {job_id} does not exist")
    job.status = status
    if model_version is not None:
        job.model_version = model_version
    if error is not None:
        job.error = error
    if status in ("succeeded", "failed"):
        job.finished_at = dt.datetime.now(dt.UTC)
    session.flush()
    return job


def create_plan(
    session: Session,
    *,
    city_id: int,
    partner_city_id: int,
    sectors: Sequence[str],
    title: str,
    content: dict[str, Any],
    note: str | None = None,
) -> Plan:
    """A plan and its version 1 (the cities must exist: see ``check_cities``)."""
    plan = Plan(
        city_id=city_id,
        partner_city_id=partner_city_id,
        sectors=list(sectors),
        title=title,
        current_version=1,
    )
    session.add(plan)
    session.flush()
    session.add(PlanVersion(plan_id=plan.id, version=1, title=title, content=content, note=note))
    session.flush()
    return plan


def add_plan_version(
    session: Session, *, plan: Plan, title: str, content: dict[str, Any], note: str | None
) -> PlanVersion:
    """The next version of ``plan``; earlier versions stay as they are.

    The version number moves on only from the one ``plan`` was read at: of two edits saved at the
    same time, the second is a Conflict (its writer reads the plan again), never a lost edit.
    """
    read_at = plan.current_version
    moved = session.execute(
        update(Plan)
        .where(Plan.id == plan.id, Plan.current_version == read_at)
        .values(current_version=read_at + 1, title=title, updated_at=dt.datetime.now(dt.UTC))
    ).rowcount
    if not moved:
        raise Conflict(
            f"plan {plan.id} was saved by someone else since version {read_at}: read it again, then "
            "save the edit on top",
            field="plan_id",
        )
    version = PlanVersion(plan_id=plan.id, version=read_at + 1, title=title, content=content, note=note)
    session.add(version)
    session.flush()
    return version
