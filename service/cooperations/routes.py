"""Cooperations: list and filter, read one, record a new partnership."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from service.auth import ReadKey, WriteKey
from service.common import MAX_OFFSET, Limit, PageQuery, StoreId, created_at, errors
from service.cooperations import service
from service.cooperations.schemas import (
    CooperationCreate,
    CooperationFilters,
    CooperationPage,
    CooperationRead,
)
from service.deps import SessionDep

router = APIRouter(tags=["cooperations"])


@router.get(
    "/cooperations",
    summary="List cooperations, filtered by city, sector, funding scheme, kind and start year",
    responses=errors(401, 403, 404, 422, 503),
)
def list_cooperations(
    request: Request,
    session: SessionDep,
    _: ReadKey,
    filters: Annotated[CooperationFilters, Query()],
    limit: Limit = 50,
    offset: Annotated[
        int | None, Query(ge=0, le=MAX_OFFSET, description="Rows to skip; or page with `cursor`")
    ] = None,
    cursor: Annotated[str | None, Query(max_length=100, description="From the `next` link")] = None,
) -> CooperationPage:
    """Ordered by id. Without `offset`, pages by cursor (stable while rows are added); follow `next`."""
    return service.list_cooperations(
        session=session,
        page=PageQuery(url=request.url, limit=limit, offset=offset or 0),
        by_cursor=offset is None,
        cursor=cursor,
        filters=filters,
    )


@router.get(
    "/cooperations/{cooperation_id}",
    summary="One cooperation with its members, sectors, funding and outcome",
    responses=errors(401, 403, 404, 422, 503),
)
def get_cooperation(
    session: SessionDep, _: ReadKey, cooperation_id: Annotated[StoreId, Path()]
) -> CooperationRead:
    return service.get_cooperation(session=session, cooperation_id=cooperation_id)


@router.post(
    "/cooperations",
    status_code=201,
    summary="Record a partnership (write scope); the next training learns from it",
    responses=errors(401, 403, 404, 413, 422, 503),
)
def create_cooperation(
    body: CooperationCreate, request: Request, response: Response, session: SessionDep, _: WriteKey
) -> CooperationRead:
    """Member cities must exist (404 names the first unknown one); sectors and schemes too (422)."""
    coop = service.create_cooperation(session=session, body=body)
    return created_at(response, f"{request.url.path}/{coop.id}", coop)
