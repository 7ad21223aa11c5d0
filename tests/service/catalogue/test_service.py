"""The catalogue service called directly, on a rolled-back session: sectors, funding schemes, regions."""

from __future__ import annotations

import pytest
from starlette.datastructures import URL

from db.errors import NotFound
from service.catalogue import service
from service.common import PageQuery
from tests import factories as f
from tests.conftest import CURATED


def test_sectors_page_and_one_sector(db_session):
    made = [f.sector(db_session).id for _ in range(3)]
    page = service.list_sectors(session=db_session, page=PageQuery(url=URL("/v1/sectors"), limit=2))
    assert page.total == 3 and len(page.items) == 2 and page.next == "/v1/sectors?offset=2"
    assert service.get_sector(session=db_session, sector_id=made[0]).id == made[0]


def test_unknown_sectors_and_schemes_are_not_found(db_session):
    with pytest.raises(NotFound) as sector:
        service.get_sector(session=db_session, sector_id="no-such-sector")
    with pytest.raises(NotFound) as scheme:
        service.get_funding_scheme(session=db_session, scheme_id="no-such-scheme")
    assert (sector.value.field, scheme.value.field) == ("sector_id", "scheme_id")


def test_regions_come_from_the_curated_file():
    codes = {r.code for r in service.list_regions(curated_dir=CURATED)}
    assert {"EU27", "ODA-eligible"} <= codes
