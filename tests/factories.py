"""Rows for tests: each function inserts one valid row with sensible defaults, flushes, and returns it.

Arguments not given get defaults that satisfy every constraint (unique keys come from a counter),
so a test names only what it is about: ``city(session, name="Essen", country="DE")``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from db.places.names import ascii_name, normalise_name
from db.tables import (
    City,
    CityAlias,
    CityProfile,
    Cooperation,
    CooperationMember,
    CooperationSector,
    Country,
    Feedback,
    FundingScheme,
    ModelVersion,
    Plan,
    PlanVersion,
    Sector,
    TrainingJob,
)

_serial = itertools.count(1)


def _next() -> int:
    return next(_serial)


def _added(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def country(session: Session, iso2: str = "DE", **values: Any) -> Country:
    """The country ``iso2``, inserted unless it is there already (cities need theirs)."""
    found = session.get(Country, iso2)
    if found is not None:
        return found
    defaults = {"name": f"Country {iso2}", "continent": "EU", "income_group": "H"}
    return _added(session, Country(iso2=iso2, **{**defaults, **values}))


def city(
    session: Session,
    *,
    name: str | None = None,
    country_iso2: str = "DE",
    aliases: Sequence[str] = (),
    **values: Any,
) -> City:
    name = name or f"Testville {_next()}"
    country(session, country_iso2)
    defaults = {
        "latitude": 50.0,
        "longitude": 8.0,
        "population": 100_000,
        "timezone": "Europe/Berlin",
        "source": "test",
        "source_key": f"test:city:{uuid.uuid4().hex}",
    }
    row = City(
        name=name,
        ascii_name=ascii_name(name),
        search_name=normalise_name(name) or name.casefold(),
        country=country_iso2,
        aliases=[CityAlias(name=a, search_name=normalise_name(a)) for a in aliases],
        **{**defaults, **values},
    )
    return _added(session, row)


def profile(session: Session, *, city_row: City, **values: Any) -> CityProfile:
    return _added(session, CityProfile(city_id=city_row.id, **values))


def sector(session: Session, *, sector_id: str | None = None, **values: Any) -> Sector:
    sector_id = sector_id or f"sector-{_next()}"
    defaults = {"name": sector_id.replace("-", " ").title(), "description": ""}
    return _added(session, Sector(id=sector_id, **{**defaults, **values}))


def funding_scheme(session: Session, *, scheme_id: str | None = None, **values: Any) -> FundingScheme:
    scheme_id = scheme_id or f"scheme-{_next()}"
    defaults = {"name": f"Scheme {scheme_id}", "source": "test", "eligibility": {}, "sectors": []}
    return _added(session, FundingScheme(id=scheme_id, **{**defaults, **values}))


def cooperation(
    session: Session,
    *,
    members: Sequence[City],
    sectors: Sequence[str] = (),
    kind: str = "twinning",
    **values: Any,
) -> Cooperation:
    """A cooperation of ``members`` (cities) in ``sectors`` (ids of existing sectors)."""
    n = _next()
    defaults = {"title": f"Cooperation {n}", "source": "test", "source_key": f"test:coop:{uuid.uuid4().hex}"}
    row = Cooperation(
        kind=kind,
        members=[CooperationMember(city_id=m.id) for m in members],
        sector_links=[CooperationSector(sector_id=s) for s in sectors],
        **{**defaults, **values},
    )
    return _added(session, row)


def feedback(session: Session, *, partner: City, kind: str = "relevant", **values: Any) -> Feedback:
    return _added(session, Feedback(partner_city_id=partner.id, kind=kind, **values))


def training_job(session: Session, *, status: str = "queued", **values: Any) -> TrainingJob:
    return _added(session, TrainingJob(id=str(uuid.uuid4()), status=status, **values))


def model_version(session: Session, *, version: str | None = None, **values: Any) -> ModelVersion:
    version = version or f"2026-01-01-{_next()}"
    defaults = {
        "data_hash": "0" * 64,
        "artifact_uri": f"db://model_versions/{version}",
        "artifact_sha256": None,
    }
    return _added(session, ModelVersion(version=version, **{**defaults, **values}))


def plan(session: Session, *, city_row: City, partner: City, versions: int = 1, **values: Any) -> Plan:
    """A plan of ``city_row`` with ``partner`` and its ``versions`` saved versions (1, 2, ...)."""
    row = _added(
        session,
        Plan(
            city_id=city_row.id,
            partner_city_id=partner.id,
            title="A plan",
            current_version=versions,
            **values,
        ),
    )
    for number in range(1, versions + 1):
        session.add(PlanVersion(plan_id=row.id, version=number, title=f"{row.title} v{number}", content={}))
    session.flush()
    return row


def at(days_ago: float) -> dt.datetime:
    """A UTC time ``days_ago`` days before now (for rows ordered by time)."""
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
