"""Request and response shapes of the cities API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from db.tables import Role
from service.common import (
    MAX_NEEDS_CHARS,
    NOT_BLANK_PATTERN,
    Iso2,
    Iso2List,
    JsonNumber,
    Name200,
    NotBlank,
    Page,
    Text300,
    UtcDateTime,
    request_config,
)
from service.cooperations.schemas import CooperationRead


class CitySummary(BaseModel):
    id: int | None
    name: str
    ascii_name: str | None = None
    country: str
    geonames_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None


class CityRead(CitySummary):
    model_config = ConfigDict(from_attributes=True)

    id: int
    admin_area: str | None = None
    kind: str = "city"
    timezone: str | None = None
    source: str


class CityPage(Page[CityRead]):
    pass


class CityCreate(BaseModel):
    """A city that is not in the store yet (look it up with GET /v1/cities?q= first)."""

    model_config = request_config(
        {
            "name": "Takeo",
            "country": "KH",
            "latitude": 10.99,
            "longitude": 104.78,
            "population": 40000,
            "admin_area": "Takeo Province",
            "alternate_names": ["Doun Kaev"],
        }
    )

    name: Annotated[str, Field(min_length=1, max_length=200, pattern=NOT_BLANK_PATTERN), NotBlank]
    country: Annotated[Iso2, Field(examples=["KH"])]
    latitude: Annotated[float, Field(ge=-90, le=90), JsonNumber]
    longitude: Annotated[float, Field(ge=-180, le=180), JsonNumber]
    population: Annotated[int | None, Field(ge=0, le=100_000_000), JsonNumber] = None
    admin_area: Annotated[str | None, Field(max_length=200)] = None
    alternate_names: Annotated[list[Name200], Field(max_length=20)] = []


class ProfileUpdate(BaseModel):
    """The whole profile of a city (PUT replaces it); marks it as edited by a user."""

    model_config = request_config(
        {
            "needs_text": "reduce non-revenue water; household waste composting",
            "profile_text": "Provincial capital on the Mekong plain.",
            "challenges": ["water losses above 30%"],
            "sectors": ["water-supply", "composting"],
            "desired_countries": ["JP"],
            "desired_regions": ["Asia"],
            "role": "learner",
        }
    )

    needs_text: Annotated[
        str,
        Field(
            min_length=1,
            max_length=MAX_NEEDS_CHARS,
            pattern=NOT_BLANK_PATTERN,
            description="What the city needs, free text",
        ),
        NotBlank,
    ]
    profile_text: Annotated[str, Field(max_length=20_000)] = ""
    strengths: Annotated[list[Text300], Field(max_length=50)] = []
    challenges: Annotated[list[Text300], Field(max_length=50)] = []
    industries: Annotated[list[Text300], Field(max_length=50)] = []
    sectors: Annotated[list[str], Field(max_length=27, description="Sector ids from /v1/sectors")] = []
    desired_countries: Annotated[Iso2List, Field(max_length=50, description="ISO2 codes")] = []
    desired_regions: Annotated[
        list[str], Field(max_length=20, description="Region codes of regions.json")
    ] = []
    role: Role | None = None
    languages: Annotated[list[Text300], Field(max_length=20)] = []
    area_km2: Annotated[float | None, Field(ge=0), JsonNumber] = None


class ProfileRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    city_id: int
    needs_text: str
    profile_text: str
    strengths: list[str]
    challenges: list[str]
    industries: list[str]
    sectors: list[str]
    desired_countries: list[str]
    desired_regions: list[str]
    role: Role | None
    languages: list[str]
    area_km2: float | None
    origin: str = Field(description="'user' when edited through the API (re-imports never overwrite it)")
    updated_at: UtcDateTime


class CityDetailRead(CityRead):
    aliases: list[str] = Field([], description="Alternate names the search also matches")
    profile: ProfileRead | None
    cooperations: list[CooperationRead] = Field(description="Newest first, at most `cooperations_limit`")
    cooperations_total: int
    cooperations_next: str | None = Field(None, description="The full list, paged, when capped here")
