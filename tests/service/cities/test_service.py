"""The cities service called directly, on a rolled-back session: search, one city, a new city, a profile."""

from __future__ import annotations

import pytest
from starlette.datastructures import URL

from db.errors import Conflict, InvalidInput, NotFound
from service.cities import service
from service.cities.schemas import CityCreate, ProfileUpdate
from service.common import PageQuery
from tests import factories as f
from tests.conftest import CURATED


def _page(limit: int = 50) -> PageQuery:
    return PageQuery(url=URL("/v1/cities?q=oak"), limit=limit)


def test_search_is_largest_first_and_links_the_next_page(db_session):
    small = f.city(db_session, name="Oakham", population=10_000)
    big = f.city(db_session, name="Oakland", population=400_000)
    first = service.search_cities(session=db_session, page=_page(limit=1), q="oak", country=None)
    assert ([c.id for c in first.items], first.total) == ([big.id], 2)
    assert first.next == "/v1/cities?q=oak&offset=1"
    rest = service.search_cities(
        session=db_session, page=PageQuery(url=URL("/v1/cities"), limit=1, offset=1), q="oak", country="de"
    )
    assert [c.id for c in rest.items] == [small.id] and rest.next is None


def test_search_refuses_a_country_the_store_lacks(db_session):
    with pytest.raises(InvalidInput) as refused:
        service.search_cities(session=db_session, page=_page(), q="", country="zz")
    assert refused.value.field == "country"


def test_one_city_counts_its_cooperations_and_links_the_rest(db_session):
    city, partner = f.city(db_session), f.city(db_session)
    for _ in range(3):
        f.cooperation(db_session, members=[city, partner])
    found = service.get_city(session=db_session, city_id=city.id, cooperations_limit=2)
    assert (found.cooperations_total, len(found.cooperations)) == (3, 2)
    assert found.cooperations_next == f"/v1/cooperations?city_id={city.id}"
    alone = service.get_city(session=db_session, city_id=city.id, cooperations_limit=0)
    assert alone.cooperations == [] and alone.profile is None


def test_an_unknown_city_is_not_found_naming_the_field(db_session):
    with pytest.raises(NotFound) as missing:
        service.get_city(session=db_session, city_id=10**9, cooperations_limit=0)
    assert missing.value.field == "city_id"
    with pytest.raises(NotFound) as partner:
        service.stored_city(session=db_session, city_id=10**9, field="partner_city_id")
    assert partner.value.field == "partner_city_id"


def test_a_namesake_nearby_is_a_conflict_naming_its_id(db_session):
    f.country(db_session, "FR")
    body = CityCreate(name="Vallon", country="FR", latitude=44.4, longitude=4.4, population=2_000)
    made = service.create_city(session=db_session, body=body)
    assert (made.name, made.country, made.source) == ("Vallon", "FR", "api")
    with pytest.raises(Conflict) as twice:
        service.create_city(session=db_session, body=body)
    assert f"/v1/cities/{made.id}" in twice.value.message


def test_a_profile_is_created_then_replaced(db_session):
    city = f.city(db_session)
    sector = f.sector(db_session)
    body = ProfileUpdate(needs_text="district heating", sectors=[sector.id])
    profile, created = service.put_profile(
        session=db_session, city_id=city.id, body=body, curated_dir=CURATED
    )
    assert created and profile.sectors == [sector.id] and profile.origin == "user"
    _, again = service.put_profile(session=db_session, city_id=city.id, body=body, curated_dir=CURATED)
    assert again is False
    with pytest.raises(InvalidInput):
        service.put_profile(
            session=db_session,
            city_id=city.id,
            body=ProfileUpdate(needs_text="district heating", sectors=["no-such-sector"]),
            curated_dir=CURATED,
        )
