"""A named city found among the store's: by name, by alias, by the qualifier, by the nearest point."""

from __future__ import annotations

import pytest

from db.errors import InvalidInput
from db.places.city_match import CityMatch, match_city
from tests import factories as f


def test_name_then_alias_then_new(db_session):
    essen = f.city(db_session, name="Essen", aliases=["Essen (Ruhr)"])
    assert match_city(db_session, name="ESSEN", country="DE") == CityMatch(essen, "name")
    other = f.city(db_session, name="Bochum", aliases=["Bochum-Mitte"])
    assert match_city(db_session, name="Bochum Mitte", country="DE") == CityMatch(other, "alias")
    assert match_city(db_session, name="Essen", country="BE") == CityMatch(None, "new")


def test_the_qualifier_or_the_point_picks_among_namesakes(db_session):
    main = f.city(db_session, name="Frankfurt am Main", latitude=50.11, longitude=8.68, population=750_000)
    oder = f.city(db_session, name="Frankfurt (Oder)", latitude=52.34, longitude=14.55, population=57_000)
    main.search_name = oder.search_name = "frankfurt"
    db_session.flush()
    assert match_city(db_session, name="Frankfurt (Oder)", country="DE") == CityMatch(oder, "name")
    assert match_city(db_session, name="Frankfurt", country="DE", latitude=52.3, longitude=14.5) == CityMatch(
        oder, "coordinates"
    )
    # a namesake far from every stored one is a new place
    assert (
        match_city(db_session, name="Frankfurt", country="DE", latitude=48.0, longitude=11.0).match == "new"
    )
    with pytest.raises(InvalidInput) as raised:
        match_city(db_session, name="Frankfurt", country="DE", field="partner")
    assert raised.value.field == "partner"
    assert [c["id"] for c in raised.value.candidates] == [main.id, oder.id]
