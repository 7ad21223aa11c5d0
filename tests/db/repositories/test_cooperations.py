"""Cooperation reads: filtered pages, the cooperations of cities, summaries, members, partners, groups."""

from __future__ import annotations

import pytest

from db.repositories import cooperations
from tests import factories as f


@pytest.fixture
def pair(db_session):
    a, b, c = (
        f.city(db_session, name="Alpha"),
        f.city(db_session, name="Beta"),
        f.city(db_session, name="Gamma"),
    )
    water = f.sector(db_session, sector_id="water")
    f.funding_scheme(db_session, scheme_id="erasmus")
    old = f.cooperation(db_session, members=[a, b], start_year=2001, kind="twinning")
    new = f.cooperation(
        db_session, members=[a, c], sectors=[water.id], start_year=2020, kind="funded-project",
        funding_scheme_id="erasmus", funding_scheme_ids=["erasmus"], success="high",
    )  # fmt: skip
    return a, b, c, old, new


def test_list_filters_and_pages(db_session, pair):
    a, b, c, old, new = pair
    rows, total = cooperations.list_cooperations(db_session, city_id=a.id, limit=1)
    assert total == 2 and [r.id for r in rows] == [old.id]
    rows, _ = cooperations.list_cooperations(db_session, city_id=a.id, limit=5, after_id=old.id)
    assert [r.id for r in rows] == [new.id]
    assert cooperations.list_cooperations(db_session, sector="water", limit=5)[1] == 1
    assert cooperations.list_cooperations(db_session, scheme="erasmus", limit=5)[0] == [new]
    assert cooperations.list_cooperations(db_session, scheme="erasm", limit=5)[1] == 0  # whole ids only
    assert cooperations.list_cooperations(db_session, city_id=b.id, year_from=2010, limit=5)[1] == 0
    assert cooperations.list_cooperations(db_session, kind="twinning", year_to=2001, limit=5)[0] == [old]


def test_get_and_count(db_session, pair):
    a, b, c, old, new = pair
    assert cooperations.get_cooperation(db_session, cooperation_id=new.id) is new
    assert cooperations.get_cooperation(db_session, cooperation_id=-1) is None
    assert cooperations.count_cooperations_of_city(db_session, city_id=a.id) == 2


def test_cooperations_of_cities_newest_first_and_capped(db_session, pair):
    a, b, c, old, new = pair
    found = cooperations.cooperations_of_cities(db_session, city_ids=[a.id, b.id], limit_per_city=1)
    assert found == {a.id: [new], b.id: [old]}
    assert cooperations.cooperations_of_cities(db_session, city_ids=[]) == {}


def test_summaries_members_descriptions(db_session, pair):
    a, b, c, old, new = pair
    summaries = cooperations.cooperation_summaries(db_session, city_ids=[c.id])
    expected = {
        "id": new.id,
        "kind": "funded-project",
        "title": new.title,
        "success": "high",
        "outcome_summary": None,
        "outcome_indicators": (),
        "start_year": 2020,
        "sectors": ("water",),
    }
    assert summaries == {c.id: [expected]}
    assert cooperations.member_names(db_session, cooperation_ids=[old.id]) == {old.id: ["Alpha", "Beta"]}
    assert cooperations.cooperation_descriptions(db_session, cooperation_ids=[old.id]) == {old.id: ""}


def test_current_partners_by_kind(db_session, pair):
    a, b, c, old, new = pair
    assert cooperations.current_partner_ids(db_session, city_id=a.id, kinds=["twinning"]) == {b.id}
    both = cooperations.current_partner_ids(db_session, city_id=a.id, kinds=["twinning", "funded-project"])
    assert both == {b.id, c.id}


def test_by_source(db_session, pair):
    a, b, c, old, new = pair
    assert cooperations.cooperation_ids_by_source_key(db_session, keys=[old.source_key]) == [old.id]
    assert {x.id for x in cooperations.cooperations_from_source(db_session, source="test")} == {
        old.id,
        new.id,
    }
    assert cooperations.cooperations_from_source(db_session, source="curated") == []


def test_the_groups_of_the_catalogue_index(db_session, pair):
    a, b, c, old, new = pair
    (funded,) = cooperations.funded_cooperation_rows(db_session)
    assert funded == {"id": new.id, "scheme_ids": ("erasmus",), "countries": {"DE"}, "sectors": {"water"}}
    (sectored,) = cooperations.sectored_cooperation_rows(db_session)
    assert sectored["id"] == new.id and sorted(sectored["members"]) == sorted([a.id, c.id])
    assert sectored["member_countries"] == ["DE", "DE"] and sectored["sectors"] == {"water"}
