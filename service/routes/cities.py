"""Cities: search by name, read one with its profile and cooperations, add one, edit its profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from db import repositories, writes
from models.advice.scheme_import import load_regions
from service.auth import ReadKey, WriteKey
from service.deps import SessionDep, SettingsDep
from service.errors import NotFound
from service.routes._common import Limit, Offset, domain_errors, errors, offset_next
from service.routes.cooperations import cooperation_read
from service.schemas import (
    CityCreate,
    CityDetailRead,
    CityPage,
    CityRead,
    ProfileRead,
    ProfileUpdate,
)

router = APIRouter(tags=["cities"])

CityId = Annotated[int, Path(ge=1, description="City id, from GET /v1/cities?q=")]


@router.get(
    "/cities",
    response_model=CityPage,
    summary="Search cities by name prefix (accents and case ignored; alternate names match too)",
    responses=errors(401, 403, 422),
)
def search_cities(
    request: Request,
    session: SessionDep,
    _: ReadKey,
    q: Annotated[str, Query(max_length=200, description="Name prefix, e.g. 'koriy' or 'Kōriyama'")] = "",
    country: Annotated[
        str | None, Query(min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code", examples=["JP"])
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> CityPage:
    """Largest cities first."""
    if country is not None:
        country = country.upper()
        with domain_errors():
            writes.check_countries(session, countries=country, field="country")
    rows, total = repositories.search_cities(session, prefix=q, country=country, limit=limit, offset=offset)
    return CityPage(
        items=[CityRead.model_validate(c) for c in rows],
        total=total,
        limit=limit,
        offset=offset,
        next=offset_next(request, offset=offset, limit=limit, total=total),
    )


@router.get(
    "/cities/{city_id}",
    response_model=CityDetailRead,
    summary="One city with its profile and cooperation history",
    responses=errors(401, 403, 404, 422),
)
def get_city(
    session: SessionDep,
    _: ReadKey,
    city_id: CityId,
    cooperations_limit: Annotated[
        int, Query(ge=0, le=200, description="At most this many cooperations, newest first")
    ] = 20,
) -> CityDetailRead:
    """The full cooperation list pages at `cooperations_next` (GET /v1/cooperations?city_id=)."""
    city = repositories.get_city(session, city_id)
    if city is None:
        raise NotFound(f"city {city_id} does not exist; find ids with GET /v1/cities?q=", field="city_id")
    total = repositories.count_cooperations_of_city(session, city_id=city_id)
    coops = (
        repositories.cooperations_of_cities(session, [city_id], limit_per_city=cooperations_limit).get(
            city_id, []
        )
        if cooperations_limit
        else []
    )
    return CityDetailRead(
        **CityRead.model_validate(city).model_dump(),
        aliases=repositories.city_alias_names(session, city_id=city_id),
        profile=ProfileRead.model_validate(city.profile) if city.profile else None,
        cooperations=[cooperation_read(c) for c in coops],
        cooperations_total=total,
        cooperations_next=f"/v1/cooperations?city_id={city_id}" if total > len(coops) else None,
    )


@router.post(
    "/cities",
    response_model=CityRead,
    status_code=201,
    summary="Add a city that is not in the store (write scope)",
    responses=errors(401, 403, 409, 413, 422),
)
def create_city(
    body: CityCreate, request: Request, response: Response, session: SessionDep, _: WriteKey
) -> CityRead:
    """Search first: a namesake within 25 km in the same country is answered with 409 and its id."""
    with domain_errors():
        city = writes.create_city(
            session,
            name=body.name,
            country=body.country,
            latitude=body.latitude,
            longitude=body.longitude,
            population=body.population,
            admin_area=body.admin_area,
            alternate_names=body.alternate_names,
        )
    response.headers["Location"] = f"{request.url.path}/{city.id}"
    return CityRead.model_validate(city)


@router.put(
    "/cities/{city_id}/profile",
    response_model=ProfileRead,
    summary="Create or replace a city's profile (write scope); re-imports keep this edit",
    responses={
        201: {"model": ProfileRead, "description": "Profile created"},
        **errors(401, 403, 404, 413, 422),
    },
)
def put_profile(
    body: ProfileUpdate,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    _: WriteKey,
    city_id: CityId,
) -> ProfileRead:
    """Sectors, countries and regions are checked against /v1/sectors, the country list and regions.json."""
    with domain_errors():
        profile, created = writes.upsert_profile(
            session,
            city_id=city_id,
            values=body.model_dump(),
            region_codes=load_regions(settings.curated_dir),
        )
    if created:
        response.status_code = 201
    return ProfileRead.model_validate(profile)
