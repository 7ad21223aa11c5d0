"""Cooperations: filters checked against the store, cursor or offset pages, a new partnership recorded."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db import writes
from db.errors import InvalidInput
from db.repositories import cooperations
from db.tables import Cooperation
from service.common import PageQuery, decode_cursor, encode_cursor, or_not_found
from service.cooperations.schemas import (
    CooperationCreate,
    CooperationFilters,
    CooperationMemberRead,
    CooperationPage,
    CooperationRead,
    OutcomeIndicator,
)


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


def list_cooperations(
    *, session: Session, page: PageQuery, by_cursor: bool, cursor: str | None, filters: CooperationFilters
) -> CooperationPage:
    """Ordered by id; by cursor (stable while rows are added) unless an offset is given."""
    if not by_cursor and cursor is not None:
        raise InvalidInput("give either offset or cursor, not both", field="cursor")
    year_from, year_to = filters.year_from, filters.year_to
    if year_from is not None and year_to is not None and year_to < year_from:
        raise InvalidInput(f"year_to {year_to} is before year_from {year_from}", field="year_to")
    if filters.city_id is not None:
        writes.check_cities(session, city_ids=filters.city_id, field="city_id")
    if filters.sector is not None:
        writes.check_sectors(session, sectors=filters.sector, field="sector")
    if filters.scheme is not None:
        writes.check_schemes(session, scheme_ids=filters.scheme, field="scheme")
    limit = page.limit
    rows, total = cooperations.list_cooperations(
        session,
        **filters.model_dump(),
        # one row more than asked tells whether a next page exists
        limit=limit + 1 if by_cursor else limit,
        offset=page.offset,
        after_id=decode_cursor(cursor) if cursor is not None else None,
    )
    if by_cursor:
        more = len(rows) > limit
        rows = rows[:limit]
        nxt = page.link(cursor=encode_cursor(rows[-1].id)) if more else None
    else:
        nxt = page.next_offset(total)
    return CooperationPage(
        items=[cooperation_read(c) for c in rows],
        total=total,
        limit=limit,
        offset=None if by_cursor else page.offset,
        next=nxt,
    )


def get_cooperation(*, session: Session, cooperation_id: int) -> CooperationRead:
    coop = cooperations.get_cooperation(session, cooperation_id=cooperation_id)
    return cooperation_read(
        or_not_found(coop, f"cooperation {cooperation_id} does not exist", field="cooperation_id")
    )


def create_cooperation(*, session: Session, body: CooperationCreate) -> CooperationRead:
    """Member cities must exist (the first unknown one is named); sectors and schemes too."""
    # the body's fields are the write's arguments, one for one (indicators as plain dicts)
    coop = writes.create_cooperation(session, **body.model_dump())
    return cooperation_read(coop)
