"""City reads: prefix search (names and aliases), by id, the places that are a city's region, stated needs."""

from __future__ import annotations

from db.repositories import cities
from tests import factories as f


def test_search_finds_names_and_aliases_accent_free_most_populous_first(db_session):
    big = f.city(db_session, name="Kōriyama", country_iso2="JP", population=300_000)
    small = f.city(db_session, name="Koriyamachi", country_iso2="JP", population=5_000)
    aliased = f.city(db_session, name="Sometown", country_iso2="JP", aliases=["Koriyama-shi"], population=10)
    f.city(db_session, name="Koriyama", country_iso2="DE")

    rows, total = cities.search_cities(db_session, prefix="koriy", country="JP", limit=2, offset=0)
    assert total == 3 and [c.id for c in rows] == [big.id, small.id]
    rows, _ = cities.search_cities(db_session, prefix="koriy", country="JP", limit=2, offset=2)
    assert [c.id for c in rows] == [aliased.id]


def test_get_city_and_cities_by_ids(db_session):
    a, b = f.city(db_session), f.city(db_session)
    assert cities.get_city(db_session, city_id=a.id) is a
    assert cities.get_city(db_session, city_id=-1) is None
    assert cities.cities_by_ids(db_session, ids=[b.id, a.id, a.id, -1]) == {a.id: a, b.id: b}
    assert cities.cities_by_ids(db_session, ids=[]) == {}


def test_alias_names_in_insertion_order(db_session):
    c = f.city(db_session, aliases=["Bee", "Ay"])
    assert cities.city_alias_names(db_session, city_id=c.id) == ["Bee", "Ay"]


def test_region_city_ids_are_non_city_places_named_by_the_admin_area(db_session):
    region = f.city(db_session, name="Fukushima Prefecture", country_iso2="JP", kind="prefecture")
    f.city(db_session, name="Fukushima Prefecture", country_iso2="DE", kind="prefecture")  # another country
    town = f.city(db_session, name="Koriyama", country_iso2="JP", admin_area="Fukushima Prefecture")
    lone = f.city(db_session, country_iso2="JP")
    assert cities.region_city_ids(db_session, cities=[town, lone]) == {town.id: [region.id], lone.id: []}


def test_stated_needs_only_of_profiles_that_state_something(db_session):
    says, silent, sectors_only = f.city(db_session), f.city(db_session), f.city(db_session)
    f.profile(db_session, city_row=says, needs_text="water", challenges=["floods"])
    f.profile(db_session, city_row=silent)
    f.profile(db_session, city_row=sectors_only, sectors=["energy"])
    found = cities.stated_needs(db_session, city_ids=[says.id, silent.id, sectors_only.id])
    assert found == {says.id: ("water floods", []), sectors_only.id: ("", ["energy"])}
    assert cities.stated_needs(db_session, city_ids=[]) == {}
