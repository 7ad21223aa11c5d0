"""The recommendation request and answer; the batch command and the notebooks use the same ones.

Field names are fixed by DESIGN.md: add fields, never rename these.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from db.places.city_match import Match
from db.tables import Role
from models.wishes import SIMILAR_POPULATION_FACTOR, WISH_FLOOR
from service.cities.schemas import CitySummary
from service.common import (
    MAX_NEEDS_CHARS,
    Iso2,
    Iso2List,
    JsonNumber,
    StoreId,
    given,
    request_config,
)
from service.cooperations.schemas import OutcomeIndicator

PartnerScope = Literal["abroad", "domestic", "any"]


class CityInput(BaseModel):
    """A city given by name and country: answered as the store city of that name when there is one
    (see `query.match`), else as a new city from this profile."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200)]
    country: Annotated[Iso2, Field(examples=["KH"])]
    latitude: Annotated[float | None, Field(ge=-90, le=90), JsonNumber] = None
    longitude: Annotated[float | None, Field(ge=-180, le=180), JsonNumber] = None
    population: Annotated[int | None, Field(ge=0, le=100_000_000), JsonNumber] = None


class RecommendationRequest(BaseModel):
    # exactly one of city_id and city, as _one_city checks
    model_config = request_config(
        {
            "city": {
                "name": "Takeo",
                "country": "KH",
                "latitude": 10.99,
                "longitude": 104.78,
                "population": 40000,
            },
            "needs": "reduce non-revenue water and improve drinking water quality",
            "sectors": ["water-supply"],
            "desired_countries": ["JP"],
            "role": "learner",
            "limit": 10,
        },
        {"city_id": 1, "needs": "hydrogen and renewable energy", "limit": 5},
        oneOf=given("city_id", "city"),
    )

    city_id: Annotated[
        StoreId | None, Field(description="A city in the store; or give `city`"), JsonNumber
    ] = None
    city: CityInput | None = Field(
        None, description="Or a city by name and country (coordinates tell namesakes apart)"
    )
    needs: Annotated[
        str,
        Field(
            max_length=MAX_NEEDS_CHARS,
            description=f"Free text, at most {MAX_NEEDS_CHARS} "
            "characters; may be empty when the city is in the store",
        ),
    ] = ""
    sectors: Annotated[list[str], Field(max_length=27, description="Sector ids from /v1/sectors")] = []
    desired_countries: Annotated[
        Iso2List,
        Field(
            max_length=50,
            description="ISO2 codes. Partners there fill the list first, best first, as long as they score "
            f"at least {WISH_FLOOR:.0%} of the best one there; if too few do, `wish_shortfall` says so "
            "and the rest comes from elsewhere. With `strict=true` only partners there are listed",
        ),
    ] = []
    desired_regions: Annotated[
        list[str],
        Field(max_length=20, description="Region codes of GET /v1/regions; wished like `desired_countries`"),
    ] = []
    strict: bool = Field(
        False, strict=True, description="List only partners in the desired countries and regions"
    )
    partner_scope: PartnerScope = Field(
        "any",
        description="`abroad`: only partners in other countries; `domestic`: only in the city's own country; "
        "`any` (the API's default): both. The planner page and the widget ask for `abroad` unless told",
    )
    role: Role | None = Field(
        None,
        description="`learner`: partners experienced in the sectors you need (their cooperations there, "
        "successful ones counting double) move up; `mentor`: cities that need what this city has done move "
        "up (their stated needs where a profile states them, else their own cooperations' sectors and "
        "network themes, as the reasons say); `peer`: no lean",
    )
    population: Literal["similar"] | None = Field(
        None,
        description=f"`similar`: only partners from 1/{SIMILAR_POPULATION_FACTOR:g} to "
        f"{SIMILAR_POPULATION_FACTOR:g} times the city's population (it must be known: in the store, or "
        "`city.population`); partners of unknown size are left out",
    )
    exclude_existing: bool = Field(
        True,
        strict=True,
        description="Leave out the cities the query city already has a twinning, a technical, programme or "
        "business cooperation with, also one recorded since the model was trained (the members of a funded "
        "project or a thematic network it took part in stay candidates)",
    )
    limit: Annotated[int, Field(ge=1, le=100), JsonNumber] = 10

    @model_validator(mode="after")
    def _one_city(self) -> RecommendationRequest:
        if (self.city_id is None) == (self.city is None):
            raise ValueError("give exactly one of city_id (a city in the store) or city (a profile)")
        return self


class Precedent(BaseModel):
    """A past cooperation backing a partner: its own in the sectors asked about, then similar pairs'."""

    cooperation_id: int
    title: str
    cities: list[str]
    sectors: list[str]
    success: str | None
    outcome_summary: str | None
    outcome_indicators: list[OutcomeIndicator] = Field(default=[], description="Measured results")
    kind: str | None = None
    start_year: int | None = None
    basis: Literal["partner", "similar_pair"] = Field(
        "partner",
        description="`partner`: one of the partner's own cooperations; `similar_pair`: between cities "
        "of the same two countries, in the sectors asked about",
    )


class PartnerSuggestion(BaseModel):
    city: CitySummary
    score: float
    rank: int
    reasons: list[str]
    precedents: list[Precedent] = []


class SectorSuggestion(BaseModel):
    id: str
    name: str
    score: float
    reasons: list[str] = []


class RuleCheck(BaseModel):
    rule: str
    status: Literal["pass", "fail", "unknown"]
    detail: str


class FundingSuggestion(BaseModel):
    id: str
    name: str
    score: float
    eligible: bool | None
    checks: list[RuleCheck] = []
    to_confirm: list[str] = []
    partner_city_id: int | None = Field(
        None, description="The listed partner the checks are shown for (the best pair)"
    )
    partner_city_ids: list[int] = Field(
        [],
        description="Every listed partner the scheme may fund a cooperation with (not ruled out), best first",
    )
    reasons: list[str] = []


class NeedsRead(BaseModel):
    """What was read of the needs text."""

    how: Literal["model", "vocabulary", "none"] = Field(
        description="`model`: the embedding model read the text; `vocabulary`: the model does not read "
        "its language, so only the sector terms recognised in it were used; `none`: it was not used"
    )
    sectors: dict[str, list[str]] = Field(
        {}, description="Sectors the vocabulary recognised in a text not in English, with the words"
    )
    notice: str | None = Field(None, description="Said to the planner when not all of the text was read")


class QueryEcho(BaseModel):
    city: CitySummary | None = Field(description="The store city the query was answered as; null if new")
    needs: str = ""
    match: Match = Field(
        "id",
        description="How the city was found: by `id`; a `city` by its `name` or an `alias` (a qualifier "
        "such as 'Frankfurt (Oder)' counts), by `coordinates` among namesakes, or not at all (`new`)",
    )
    needs_language: str | None = Field(
        None, description="ISO 639-1 code of the needs text's language; null when empty or not identified"
    )
    needs_read: NeedsRead | None = Field(None, description="What was read of the needs text; null when empty")


class WishShortfall(BaseModel):
    """The desired places could not fill the list with partners that fit well."""

    wished: int = Field(description="Partners listed from the desired places (they come first)")
    from_elsewhere: int = Field(description="Partners after them from other places")
    floor: float = Field(description="Share of the best desired partner's score a desired partner needs")
    message: str


class RecommendationResponse(BaseModel):
    model_version: str
    query: QueryEcho
    partners: list[PartnerSuggestion]
    wish_shortfall: WishShortfall | None = Field(
        None, description="Set when desired countries or regions (without `strict`) left places to fill"
    )
    sectors: list[SectorSuggestion] = []
    funding_schemes: list[FundingSuggestion] = []
