"""Cities: search by name, read one with its profile and cooperations, add one, edit its profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from service.auth import ReadKey, WriteKey
from service.cities import service
from service.cities.schemas import CityCreate, CityDetailRead, CityPage, CityRead, ProfileRead, ProfileUpdate
from service.common import ISO2_PATTERN, PageDep, StoreId, created_at, errors, upserted
from service.deps import SessionDep, SettingsDep

router = APIRouter(tags=["cities"])

CityId = Annotated[StoreId, Path(description="City id, from GET /v1/cities?q=")]


@router.get(
    "/cities",
    summary="Search cities by name prefix (accents and case ignored; alternate names match too)",
    responses=errors(401, 403, 422, 503),
)
def search_cities(
    session: SessionDep,
    _: ReadKey,
    page: PageDep,
    q: Annotated[str, Query(max_length=200, description="Name prefix, e.g. 'koriy' or 'Kōriyama'")] = "",
    country: Annotated[
        str | None, Query(pattern=ISO2_PATTERN, description="ISO 3166-1 alpha-2 code", examples=["JP"])
    ] = None,
) -> CityPage:
    """Largest cities first."""
    return service.search_cities(session=session, page=page, q=q, country=country)


@router.get(
    "/cities/{city_id}",
    summary="One city with its profile and cooperation history",
    responses=errors(401, 403, 404, 422, 503),
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
    return service.get_city(session=session, city_id=city_id, cooperations_limit=cooperations_limit)


@router.post(
    "/cities",
    status_code=201,
    summary="Add a city that is not in the store (write scope)",
    responses=errors(401, 403, 409, 413, 422, 503),
)
def create_city(
    body: CityCreate, request: Request, response: Response, session: SessionDep, _: WriteKey
) -> CityRead:
    """Search first: a namesake within 25 km in the same country is answered with 409 and its id."""
    city = service.create_city(session=session, body=body)
    return created_at(response, f"{request.url.path}/{city.id}", city)


@router.put(
    "/cities/{city_id}/profile",
    summary="Create or replace a city's profile (write scope); re-imports keep this edit",
    responses={
        201: {"model": ProfileRead, "description": "Profile created"},
        **errors(401, 403, 404, 413, 422, 503),
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
    return upserted(
        response,
        *service.put_profile(session=session, city_id=city_id, body=body, curated_dir=settings.curated_dir),
    )
