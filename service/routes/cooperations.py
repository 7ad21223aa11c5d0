"""Cooperations: list and filter, read one, record a new partnership."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from db import repositories, writes
from db.tables import Cooperation
from service.auth import ReadKey, WriteKey
from service.deps import SessionDep
from service.errors import InvalidInput, NotFound
from service.routes._common import (
    Limit,
    decode_cursor,
    domain_errors,
    encode_cursor,
    errors,
    offset_next,
    page_link,
)
from service.schemas import (
    CooperationCreate,
    CooperationKind,
    CooperationMemberRead,
    CooperationPage,
    CooperationRead,
    OutcomeIndicator,
)

router = APIRouter(tags=["cooperations"])


def cooperation_read(coop: Cooperation) -> CooperationRead:
    return CooperationRead(
        id=coop.id,
        kind=coop.kind,
        title=coop.title,
        start_year=coop.start_year,
        end_year=coop.end_year,
        description=coop.description or "",
        members=[
            CooperationMemberRead(city_id=m.city_id, name=m.city.name, country=m.city.country, role=m.role)
            for m in sorted(coop.members, key=lambda m: m.city_id)
        ],
        sectors=sorted(s.sector_id for s in coop.sector_links),
        funding_scheme_ids=list(coop.funding_scheme_ids or []),
        parent_id=coop.parent_id,
        outcome_summary=coop.outcome_summary,
        outcome_indicators=[OutcomeIndicator.model_validate(i) for i in coop.outcome_indicators or []],
        success=coop.success,
        source=coop.source,
        origin=coop.origin,
        created_at=coop.created_at,
    )


@router.get(
    "/cooperations",
    response_model=CooperationPage,
    summary="List cooperations, filtered by city, sector, funding scheme, kind and start year",
    responses=errors(401, 403, 422),
)
def list_cooperations(
    request: Request,
    session: SessionDep,
    _: ReadKey,
    city_id: Annotated[int | None, Query(ge=1, description="Cooperations this city is a member of")] = None,
    sector: Annotated[str | None, Query(max_length=60, description="A sector id")] = None,
    scheme: Annotated[str | None, Query(max_length=100, description="A funding scheme id")] = None,
    kind: CooperationKind | None = None,
    year_from: Annotated[int | None, Query(ge=1800, le=2100, description="Started in or after")] = None,
    year_to: Annotated[int | None, Query(ge=1800, le=2100, description="Started in or before")] = None,
    limit: Limit = 50,
    offset: Annotated[int | None, Query(ge=0, description="Rows to skip; or page with `cursor`")] = None,
    cursor: Annotated[str | None, Query(max_length=100, description="From the `next` link")] = None,
) -> CooperationPage:
    """Ordered by id. Without `offset`, pages by cursor (stable while rows are added); follow `next`."""
    if offset is not None and cursor is not None:
        raise InvalidInput("give either offset or cursor, not both", field="cursor")
    if year_from is not None and year_to is not None and year_to < year_from:
        raise InvalidInput(f"year_to {year_to} is before year_from {year_from}", field="year_to")
    with domain_errors():
        if city_id is not None:
            writes.check_cities(session, city_ids=city_id, field="city_id")
        if sector is not None:
            writes.check_sectors(session, sectors=sector, field="sector")
        if scheme is not None:
            writes.check_schemes(session, scheme_ids=scheme, field="scheme")
    by_cursor = offset is None
    rows, total = repositories.list_cooperations(
        session,
        city_id=city_id,
        sector=sector,
        scheme=scheme,
        kind=kind,
        year_from=year_from,
        year_to=year_to,
        # one row more than asked tells whether a next page exists
        limit=limit + 1 if by_cursor else limit,
        offset=offset or 0,
        after_id=decode_cursor(cursor) if cursor is not None else None,
    )
    if by_cursor:
        more = len(rows) > limit
        rows = rows[:limit]
        nxt = page_link(request, cursor=encode_cursor(rows[-1].id)) if more else None
    else:
        nxt = offset_next(request, offset=offset or 0, limit=limit, total=total)
    return CooperationPage(
        items=[cooperation_read(c) for c in rows],
        total=total,
        limit=limit,
        offset=None if by_cursor else offset,
        next=nxt,
    )


@router.get(
    "/cooperations/{cooperation_id}",
    response_model=CooperationRead,
    summary="One cooperation with its members, sectors, funding and outcome",
    responses=errors(401, 403, 404, 422),
)
def get_cooperation(
    session: SessionDep, _: ReadKey, cooperation_id: Annotated[int, Path(ge=1)]
) -> CooperationRead:
    coop = repositories.get_cooperation(session, cooperation_id=cooperation_id)
    if coop is None:
        raise NotFound(f"cooperation {cooperation_id} does not exist", field="cooperation_id")
    return cooperation_read(coop)


@router.post(
    "/cooperations",
    response_model=CooperationRead,
    status_code=201,
    summary="Record a partnership (write scope); the next training learns from it",
    responses=errors(401, 403, 404, 413, 422),
)
def create_cooperation(
    body: CooperationCreate, request: Request, response: Response, session: SessionDep, _: WriteKey
) -> CooperationRead:
    """Member cities must exist (404 names the first unknown one); sectors and schemes too (422)."""
    with domain_errors():
        coop = writes.create_cooperation(
            session,
            title=body.title,
            kind=body.kind,
            city_ids=body.city_ids,
            sectors=body.sectors,
            funding_scheme_ids=body.funding_scheme_ids,
            start_year=body.start_year,
            end_year=body.end_year,
            description=body.description,
            outcome_summary=body.outcome_summary,
            outcome_indicators=[i.model_dump() for i in body.outcome_indicators],
            success=body.success,
        )
    response.headers["Location"] = f"{request.url.path}/{coop.id}"
    return cooperation_read(coop)
