"""Cities: search, one city with its profile and history, a new city, a profile replaced."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from db import writes
from db.errors import Conflict
from db.places.regions import load_regions
from db.repositories import cities, cooperations
from db.tables import City
from service.cities.schemas import CityCreate, CityDetailRead, CityPage, CityRead, ProfileRead, ProfileUpdate
from service.common import PageQuery, or_not_found
from service.cooperations.service import cooperation_read


def search_cities(*, session: Session, page: PageQuery, q: str, country: str | None) -> CityPage:
    """Largest cities first."""
    if country is not None:
        country = country.upper()
        writes.check_countries(session, countries=country, field="country")
    rows, total = cities.search_cities(
        session, prefix=q, country=country, limit=page.limit, offset=page.offset
    )
    return CityPage(**page.of([CityRead.model_validate(c) for c in rows], total))


def stored_city(*, session: Session, city_id: int, field: str = "city_id") -> City:
    """The city of the id the request gave in ``field``."""
    city = cities.get_city(session, city_id=city_id)
    return or_not_found(city, f"city {city_id} does not exist; find ids with GET /v1/cities?q=", field=field)


def get_city(*, session: Session, city_id: int, cooperations_limit: int) -> CityDetailRead:
    city = stored_city(session=session, city_id=city_id)
    total = cooperations.count_cooperations_of_city(session, city_id=city_id)
    coops = []
    if cooperations_limit:
        found = cooperations.cooperations_of_cities(
            session, city_ids=[city_id], limit_per_city=cooperations_limit
        )
        coops = found.get(city_id, [])
    return CityDetailRead(
        **CityRead.model_validate(city).model_dump(),
        aliases=cities.city_alias_names(session, city_id=city_id),
        profile=ProfileRead.model_validate(city.profile) if city.profile else None,
        cooperations=[cooperation_read(c) for c in coops],
        cooperations_total=total,
        cooperations_next=f"/v1/cooperations?city_id={city_id}" if total > len(coops) else None,
    )


def create_city(*, session: Session, body: CityCreate) -> CityRead:
    """A namesake within 25 km in the same country is a conflict naming its id."""
    try:
        # the body's fields are the write's arguments, one for one
        city = writes.create_city(session, **body.model_dump())
    except writes.DuplicateCity as exc:
        raise Conflict(f"{exc.message}; use GET /v1/cities/{exc.existing_id}", field=exc.field) from exc
    return CityRead.model_validate(city)


def put_profile(
    *, session: Session, city_id: int, body: ProfileUpdate, curated_dir: Path
) -> tuple[ProfileRead, bool]:
    """The profile and whether it was created; sectors, countries and regions are checked."""
    profile, created = writes.upsert_profile(
        session,
        city_id=city_id,
        values=body.model_dump(),
        region_codes=load_regions(curated_dir / "regions.json"),
    )
    return ProfileRead.model_validate(profile), created
