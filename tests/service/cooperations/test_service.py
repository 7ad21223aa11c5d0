"""The cooperations service called directly, on a rolled-back session: pages by cursor or offset, one
cooperation, a partnership recorded."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.datastructures import URL

from db.errors import InvalidInput, NotFound
from service.common import PageQuery
from service.cooperations import service
from service.cooperations.schemas import CooperationCreate, CooperationFilters
from tests import factories as f
from tests.service.helpers import refused


def _list(session, *, limit: int = 2, offset: int | None = None, cursor: str | None = None, **filters: Any):
    return service.list_cooperations(
        session=session,
        page=PageQuery(url=URL("/v1/cooperations"), limit=limit, offset=offset or 0),
        by_cursor=offset is None,
        cursor=cursor,
        filters=CooperationFilters(**filters),
    )


def test_pages_by_cursor_follow_the_ids(db_session):
    city, partner = f.city(db_session), f.city(db_session)
    made = [f.cooperation(db_session, members=[city, partner]).id for _ in range(3)]
    first = _list(db_session, city_id=city.id)
    assert [c.id for c in first.items] == made[:2] and first.total == 3 and first.offset is None
    cursor = URL(first.next).query.split("cursor=")[1]
    rest = _list(db_session, city_id=city.id, cursor=cursor)
    assert [c.id for c in rest.items] == made[2:] and rest.next is None


def test_pages_by_offset_link_the_next_offset(db_session):
    city, partner = f.city(db_session), f.city(db_session)
    made = [f.cooperation(db_session, members=[city, partner]).id for _ in range(3)]
    page = _list(db_session, city_id=city.id, offset=1)
    assert [c.id for c in page.items] == made[1:] and page.offset == 1 and page.next is None


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"offset": 0, "cursor": "aWQ6MQ"}, "cursor"),
        ({"year_from": 2020, "year_to": 2019}, "year_to"),
        ({"sector": "no-such-sector"}, "sector"),
        ({"cursor": "not-ours"}, "cursor"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(db_session, filters: dict[str, Any], field: str):
    refused(InvalidInput, field, _list, db_session, **filters)


def test_an_unknown_city_filter_is_not_found(db_session):
    refused(NotFound, "city_id", _list, db_session, city_id=10**9)


def test_one_cooperation_lists_its_members_by_id(db_session):
    a, b = f.city(db_session, name="Bravo"), f.city(db_session, name="Alpha")
    coop = f.cooperation(db_session, members=[b, a], start_year=2001)
    read = service.get_cooperation(session=db_session, cooperation_id=coop.id)
    assert [m.city_id for m in read.members] == sorted([a.id, b.id]) and read.start_year == 2001
    refused(NotFound, "cooperation_id", service.get_cooperation, session=db_session, cooperation_id=10**9)


def test_a_recorded_partnership_is_read_back(db_session):
    a, b = f.city(db_session), f.city(db_session)
    sector = f.sector(db_session)
    body = CooperationCreate(
        title="Tram exchange", kind="technical-cooperation", city_ids=[a.id, b.id], sectors=[sector.id]
    )
    made = service.create_cooperation(session=db_session, body=body)
    assert (made.title, made.sectors, made.origin) == ("Tram exchange", [sector.id], "user")
    assert service.get_cooperation(session=db_session, cooperation_id=made.id) == made
