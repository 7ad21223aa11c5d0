"""What a request asks for, read without HTTP: the query city by id, the wished places, the size wish."""

from __future__ import annotations

from types import SimpleNamespace

from db.errors import InvalidInput, NotFound
from service.recommendations.query import population_wish, query_of, wished_countries
from service.recommendations.schemas import RecommendationRequest
from tests import factories as f
from tests.service.helpers import refused

REGIONS = {"EU27": {"members": ["DE", "FR"]}, "Unlisted": {"members": None}}


def _request(**values) -> RecommendationRequest:
    return RecommendationRequest.model_validate({"city_id": 1, **values})


def test_a_stored_city_the_model_knows_is_queried_by_position(db_session):
    city = f.city(db_session)
    # the fitted ranker's position_of_ (ids to rows); the index is not read for a known city
    model = SimpleNamespace(position_of_={city.id: 7})
    request = _request(city_id=city.id, needs="tram network", sectors=["mobility"])
    found, query, match = query_of(db_session, request, model, index=None)
    assert (found, match) == (city, "id")
    assert (query.position, query.name, query.needs, query.sectors) == (
        7,
        city.name,
        "tram network",
        ("mobility",),
    )


def test_an_unknown_city_id_is_not_found(db_session):
    model = SimpleNamespace(position_of_={})
    refused(NotFound, "city_id", query_of, db_session, _request(city_id=10**9), model, index=None)


def test_wished_places_are_the_countries_and_the_regions_members():
    request = _request(desired_countries=["JP"], desired_regions=["EU27", "Unlisted"])
    assert wished_countries(request, REGIONS) == {"JP", "DE", "FR"}
    assert wished_countries(_request(), REGIONS) == set()


def test_a_similar_size_needs_a_known_population(db_session):
    assert population_wish(_request(), None) is None
    sized = f.city(db_session, population=250_000)
    assert population_wish(_request(population="similar"), sized) == 250_000.0
    unsized = f.city(db_session, population=None)
    error = refused(InvalidInput, "population", population_wish, _request(population="similar"), unsized)
    assert "profile" in error.message
