"""What a recommendation request asks for: its inputs checked against the catalogue, the query
city (stored, matched by name, or new), and the wishes (places, size) with the reasons a partner
meets them."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from db.errors import InvalidInput, NotFound
from db.places.city_match import Match, match_city
from db.repositories.cities import get_city
from db.tables import City
from models.advice.catalogue_index import CatalogueIndex
from models.dataset import CityQuery
from service.recommendations.schemas import RecommendationRequest


def check_request(request: RecommendationRequest, index: CatalogueIndex, regions: dict[str, Any]) -> None:
    """Refuse countries, sectors and regions the catalogue does not know, naming the field."""
    if request.city is not None and request.city.country not in index.countries:
        raise InvalidInput(
            f"unknown country code {request.city.country!r}; use an ISO 3166-1 alpha-2 code",
            field="city.country",
        )
    bad = [c for c in request.desired_countries if c not in index.countries]
    if bad:
        raise InvalidInput(
            f"unknown country code(s) {bad}; use ISO 3166-1 alpha-2 codes", field="desired_countries"
        )
    known = {s.id for s in index.sectors}
    bad = [s for s in request.sectors if s not in known]
    if bad:
        raise InvalidInput(f"unknown sector(s) {bad}; see GET /v1/sectors for the ids", field="sectors")
    bad = [r for r in request.desired_regions if r not in regions]
    if bad:
        raise InvalidInput(
            f"unknown region code(s) {bad}; allowed: {', '.join(sorted(regions))}", field="desired_regions"
        )


def query_of(
    session: Session, request: RecommendationRequest, model: Any, index: CatalogueIndex
) -> tuple[City | None, CityQuery, Match]:
    """The ranker's query: a city it was trained with (by position) or a profile; how it was found."""
    sectors = tuple(request.sectors)
    if request.city_id is not None:
        city, match = get_city(session, city_id=request.city_id), "id"
        if city is None:
            raise NotFound(
                f"city {request.city_id} does not exist; find ids with GET /v1/cities?q=...", field="city_id"
            )
    else:
        assert request.city is not None
        given = request.city
        found = match_city(
            session, name=given.name, country=given.country, latitude=given.latitude,
            longitude=given.longitude, field="city.name",
        )  # fmt: skip
        city = get_city(session, city_id=found.city.id) if found.city is not None else None
        match = found.match
    if city is not None:
        position = model.position_of_.get(city.id)
        if position is not None:
            query = CityQuery(position=position, name=city.name, needs=request.needs, sectors=sectors)
            return city, query, match
        # a city added after the model was trained is scored from its profile
        spec = {
            "name": city.name,
            "country": city.country,
            "latitude": city.latitude,
            "longitude": city.longitude,
            "population": city.population,
            "timezone": city.timezone,
        }
        needs = request.needs or (city.profile.needs_text if city.profile else "")
    else:
        assert request.city is not None
        if not request.needs.strip() and not request.sectors:
            raise InvalidInput(
                "describe what the city needs (or give sectors): it is not in the store, so nothing "
                "else says what it is looking for",
                field="needs",
            )
        spec = {**request.city.model_dump(), "timezone": None}
        needs = request.needs
    facts = index.countries[spec["country"]]
    return (
        city,
        CityQuery(
            name=spec["name"],
            country=spec["country"],
            latitude=spec["latitude"],
            longitude=spec["longitude"],
            population=float(spec["population"]) if spec.get("population") else None,
            timezone=spec["timezone"],
            continent=facts.continent,
            wb_region=facts.wb_region,
            income_group=facts.income_group,
            needs=needs,
            sectors=sectors,
        ),
        match,
    )


def wished_countries(request: RecommendationRequest, regions: dict[str, Any]) -> set[str]:
    wanted: set[str] = set(request.desired_countries)
    for code in request.desired_regions:
        wanted |= set(regions[code].get("members") or [])
    return wanted


def population_wish(request: RecommendationRequest, query_city: City | None) -> float | None:
    """The population that ``population: "similar"`` is about, or None without that wish."""
    if request.population is None:
        return None
    known = query_city.population if query_city is not None else None
    if not known and request.city is not None:
        known = request.city.population
    if not known:
        fix = (
            "record it in the city's profile, or leave population out"
            if request.city_id is not None
            else "give city.population, or leave population out"
        )
        raise InvalidInput(
            f"population 'similar' needs the city's population, and the store does not know it: {fix}",
            field="population",
        )
    return float(known)


def wishes_met(
    request: RecommendationRequest,
    row: pd.Series,
    city: City,
    *,
    wanted: set[str],
    population: float | None,
    role: dict[int, str],
) -> list[str]:
    """The reasons saying which of the planner's wishes a partner meets (or why it is shown without)."""
    out = []
    if row.get("desired"):
        out.append(f"In a place you asked for ({city.country})")
    elif wanted:
        out.append(f"Outside the places you asked for: too few partners there fit well ({city.country})")
    if request.partner_scope == "abroad":
        out.append(f"Abroad ({city.country}), as you asked")
    elif request.partner_scope == "domestic":
        out.append(f"In your own country ({city.country}), as you asked")
    if population is not None and city.population:
        out.append(f"Of a similar size ({city.population:,} people; yours {population:,.0f}), as you asked")
    if city.id in role:
        out.append(role[city.id])
    return out
