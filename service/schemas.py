"""Pydantic schemas of the public API; the batch CLI and notebooks use the same ones.

Field names of the recommendation request and answer are fixed by DESIGN.md:
add fields, never rename these.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    create_model,
    field_validator,
    model_validator,
)

from models.funding.registry import api_fields

MAX_NEEDS_CHARS = 4000
ISO2 = re.compile(r"^[A-Z]{2}$")

Role = Literal["learner", "peer", "mentor"]


def _upper_iso2(value: str, field: str) -> str:
    code = value.strip().upper()
    if not ISO2.match(code):
        raise ValueError(f"{field}: {value!r} is not an ISO 3166-1 alpha-2 country code such as 'JP' or 'DE'")
    return code


class CityInput(BaseModel):
    """A city given by its profile (not necessarily in the store)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200)]
    country: Annotated[str, Field(description="ISO 3166-1 alpha-2 code", examples=["KH"])]
    latitude: Annotated[float | None, Field(ge=-90, le=90)] = None
    longitude: Annotated[float | None, Field(ge=-180, le=180)] = None
    population: Annotated[int | None, Field(ge=0, le=100_000_000)] = None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return _upper_iso2(value, "country")


class RecommendationRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
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
            ]
        },
    )

    city_id: Annotated[int | None, Field(ge=1, description="A city in the store; or give `city`")] = None
    city: CityInput | None = None
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
        list[str], Field(max_length=50, description="ISO2 codes: a boost, or a filter with strict=true")
    ] = []
    desired_regions: Annotated[
        list[str], Field(max_length=20, description="Region codes of regions.json")
    ] = []
    strict: bool = False
    role: Role | None = None
    exclude_existing: bool = True
    limit: Annotated[int, Field(ge=1, le=100)] = 10

    @field_validator("desired_countries")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        return [_upper_iso2(v, "desired_countries") for v in values]

    @model_validator(mode="after")
    def _one_city(self) -> RecommendationRequest:
        if (self.city_id is None) == (self.city is None):
            raise ValueError("give exactly one of city_id (a city in the store) or city (a profile)")
        if self.city is not None and not self.needs.strip() and not self.sectors:
            raise ValueError(
                "needs: describe what the city needs (or give sectors) when the city is not in the store"
            )
        return self


class CitySummary(BaseModel):
    id: int | None
    name: str
    ascii_name: str | None = None
    country: str
    geonames_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None


class OutcomeIndicator(BaseModel):
    metric: Annotated[str, Field(min_length=1, max_length=300)]
    value: float | int | str | None = None
    unit: Annotated[str | None, Field(max_length=100)] = None
    year: Annotated[int | None, Field(ge=1800, le=2100)] = None


class Precedent(BaseModel):
    cooperation_id: int
    title: str
    cities: list[str]
    sectors: list[str]
    success: str | None
    outcome_summary: str | None
    outcome_indicators: list[OutcomeIndicator] = Field(default=[], description="Measured results")
    kind: str | None = None
    start_year: int | None = None


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
    partner_city_id: int | None = None
    reasons: list[str] = []


class QueryEcho(BaseModel):
    city: CitySummary | None
    needs: str = ""


class RecommendationResponse(BaseModel):
    model_version: str
    query: QueryEcho
    partners: list[PartnerSuggestion]
    sectors: list[SectorSuggestion] = []
    funding_schemes: list[FundingSuggestion] = []


class ErrorDetail(BaseModel):
    field: str | None = None
    message: str


class ErrorResponse(BaseModel):
    """The one shape of every error answer."""

    error: str
    message: str
    details: list[ErrorDetail] = []


def error_payload(error: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return ErrorResponse(
        error=error, message=message, details=[ErrorDetail(**d) for d in details or []]
    ).model_dump()


# --------------------------------------------------------------------------- catalogue, cities, cooperations,
# feedback and model administration (XCreate / XUpdate input, XRead output, XPage paged lists)

T = TypeVar("T")


def _as_utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


UtcDateTime = Annotated[dt.datetime, AfterValidator(_as_utc)]

CooperationKind = Literal[
    "twinning",
    "technical-cooperation",
    "funded-project",
    "thematic-network",
    "programme-pairing",
    "business-cooperation",
]
SuccessLabel = Literal["high", "medium", "low", "unknown"]
FeedbackKind = Literal["relevant", "not_relevant", "contacted", "partnership_started"]
MAX_COMMENT_CHARS = 2000
_Text = Annotated[str, Field(min_length=1, max_length=300)]
_Name = Annotated[str, Field(min_length=1, max_length=200)]


def _not_blank(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    if not stripped:
        raise ValueError(f"{field} is empty; write some text or leave the field out")
    return stripped


class Page(BaseModel, Generic[T]):
    """One page of a list; follow ``next`` until it is null."""

    items: list[T]
    total: int = Field(description="Rows matching the filters, over all pages")
    limit: int
    offset: int | None = Field(None, description="Offset of this page (null when paging by cursor)")
    next: str | None = Field(None, description="URL of the next page; null on the last one")


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

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Takeo",
                    "country": "KH",
                    "latitude": 10.99,
                    "longitude": 104.78,
                    "population": 40000,
                    "admin_area": "Takeo Province",
                    "alternate_names": ["Doun Kaev"],
                }
            ]
        },
    )

    name: Annotated[str, Field(min_length=1, max_length=200)]
    country: Annotated[str, Field(description="ISO 3166-1 alpha-2 code", examples=["KH"])]
    latitude: Annotated[float, Field(ge=-90, le=90)]
    longitude: Annotated[float, Field(ge=-180, le=180)]
    population: Annotated[int | None, Field(ge=0, le=100_000_000)] = None
    admin_area: Annotated[str | None, Field(max_length=200)] = None
    alternate_names: Annotated[list[_Name], Field(max_length=20)] = []

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return _upper_iso2(value, "country")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _not_blank(value, "name") or ""


class ProfileUpdate(BaseModel):
    """The whole profile of a city (PUT replaces it); marks it as edited by a user."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "needs_text": "reduce non-revenue water; household waste composting",
                    "profile_text": "Provincial capital on the Mekong plain.",
                    "challenges": ["water losses above 30%"],
                    "sectors": ["water-supply", "composting"],
                    "desired_countries": ["JP"],
                    "desired_regions": ["Asia"],
                    "role": "learner",
                }
            ]
        },
    )

    needs_text: Annotated[
        str, Field(min_length=1, max_length=MAX_NEEDS_CHARS, description="What the city needs, free text")
    ]
    profile_text: Annotated[str, Field(max_length=20_000)] = ""
    strengths: Annotated[list[_Text], Field(max_length=50)] = []
    challenges: Annotated[list[_Text], Field(max_length=50)] = []
    industries: Annotated[list[_Text], Field(max_length=50)] = []
    sectors: Annotated[list[str], Field(max_length=27, description="Sector ids from /v1/sectors")] = []
    desired_countries: Annotated[list[str], Field(max_length=50, description="ISO2 codes")] = []
    desired_regions: Annotated[
        list[str], Field(max_length=20, description="Region codes of regions.json")
    ] = []
    role: Role | None = None
    languages: Annotated[list[_Text], Field(max_length=20)] = []
    area_km2: Annotated[float | None, Field(ge=0)] = None

    @field_validator("needs_text")
    @classmethod
    def _needs(cls, value: str) -> str:
        return _not_blank(value, "needs_text") or ""

    @field_validator("desired_countries")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        return [_upper_iso2(v, "desired_countries") for v in values]


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


class CooperationMemberRead(BaseModel):
    city_id: int
    name: str
    country: str
    role: str | None = None


class CooperationRead(BaseModel):
    id: int
    kind: str
    title: str
    start_year: int | None
    end_year: int | None
    description: str
    members: list[CooperationMemberRead]
    sectors: list[str]
    funding_scheme_ids: list[str]
    parent_id: int | None
    outcome_summary: str | None
    outcome_indicators: list[OutcomeIndicator]
    success: str | None
    source: str
    origin: str
    created_at: UtcDateTime


class CooperationPage(Page[CooperationRead]):
    pass


class CityDetailRead(CityRead):
    aliases: list[str] = Field([], description="Alternate names the search also matches")
    profile: ProfileRead | None
    cooperations: list[CooperationRead] = Field(description="Newest first, at most `cooperations_limit`")
    cooperations_total: int
    cooperations_next: str | None = Field(None, description="The full list, paged, when capped here")


class CooperationCreate(BaseModel):
    """A partnership recorded by a planner or analyst; it feeds the next training."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Takeo–Kitakyushu water utility partnership",
                    "kind": "technical-cooperation",
                    "city_ids": [12, 34],
                    "sectors": ["water-supply"],
                    "funding_scheme_ids": ["jica-partnership-program"],
                    "start_year": 2024,
                    "outcome_summary": "Non-revenue water down from 32% to 21%.",
                    "outcome_indicators": [
                        {"metric": "non-revenue water", "value": 21, "unit": "percent", "year": 2026}
                    ],
                    "success": "high",
                }
            ]
        },
    )

    title: Annotated[str, Field(min_length=1, max_length=500)]
    kind: CooperationKind
    city_ids: Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=2, max_length=500)]
    sectors: Annotated[list[str], Field(max_length=27)] = []
    funding_scheme_ids: Annotated[list[str], Field(max_length=20)] = []
    start_year: Annotated[int | None, Field(ge=1800, le=2100)] = None
    end_year: Annotated[int | None, Field(ge=1800, le=2100)] = None
    description: Annotated[str, Field(max_length=20_000)] = ""
    outcome_summary: Annotated[str | None, Field(max_length=5000)] = None
    outcome_indicators: Annotated[list[OutcomeIndicator], Field(max_length=50)] = []
    success: SuccessLabel | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        return _not_blank(value, "title") or ""

    @field_validator("city_ids")
    @classmethod
    def _distinct(cls, values: list[int]) -> list[int]:
        if len(set(values)) != len(values):
            raise ValueError("city_ids lists a city twice; name each member city once")
        return values

    @model_validator(mode="after")
    def _years(self) -> CooperationCreate:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValueError(f"end_year {self.end_year} is before start_year {self.start_year}")
        return self


class SectorRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str
    parent_id: str | None
    aliases: list[str]


class SectorPage(Page[SectorRead]):
    pass


# One field per eligibility key that the funding rule types declare, so a new rule type shows here.
EligibilityRead = create_model(
    "EligibilityRead",
    __doc__='Eligibility facts of a scheme; ``null`` means "not stated", never "anyone".',
    **{
        key: (annotation, Field(default, description=description))
        for key, (annotation, default, description) in api_fields().items()
    },
)


class FundingSchemeRead(BaseModel):
    id: str
    name: str
    operator: str | None = None
    kind: str | None = None
    description: str = ""
    sectors: list[str] = []
    funder_countries: list[str] | None = None
    eligibility: EligibilityRead
    typical_amount: str | None = None
    duration: str | None = None
    active_years: str | None = None
    aliases: list[str] = []
    sources: list[str] = []
    uncertain: bool = False
    note: str | None = None
    source: str
    origin: str


class FundingSchemePage(Page[FundingSchemeRead]):
    pass


class FundingSchemeImportRead(BaseModel):
    inserted: list[str]
    updated: list[str]


class FeedbackCreate(BaseModel):
    """A planner's reaction to one suggested partner; used as a training signal."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "query_city_id": 12,
                    "partner_city_id": 34,
                    "kind": "contacted",
                    "comment": "Met at the Asia water forum.",
                    "model_version": "2026-11-23-1",
                }
            ]
        },
    )

    query_city_id: Annotated[int | None, Field(ge=1, description="The city the query was for")] = None
    query: RecommendationRequest | None = Field(None, description="The recommendation request as sent")
    partner_city_id: Annotated[int, Field(ge=1)]
    kind: FeedbackKind
    comment: Annotated[str | None, Field(max_length=MAX_COMMENT_CHARS)] = None
    model_version: Annotated[str | None, Field(max_length=40)] = None

    @field_validator("comment")
    @classmethod
    def _comment(cls, value: str | None) -> str | None:
        return _not_blank(value, "comment")

    @model_validator(mode="after")
    def _some_query(self) -> FeedbackCreate:
        if self.query_city_id is None and self.query is None:
            raise ValueError("give query_city_id or query (the recommendation request the feedback is about)")
        return self


class FeedbackRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    query_city_id: int | None
    query: dict[str, Any]
    partner_city_id: int
    kind: str
    comment: str | None
    model_version: str | None
    client: str | None
    created_at: UtcDateTime


class FeedbackPage(Page[FeedbackRead]):
    pass


class ModelVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: str
    status: str = Field(description="trained | promoted | retired | failed")
    metrics: dict[str, Any]
    params: dict[str, Any]
    data_hash: str
    artifact_sha256: str | None
    created_at: UtcDateTime
    promoted_at: UtcDateTime | None


class ModelVersionPage(Page[ModelVersionRead]):
    pass


class TrainingJobCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"seed": 0, "evaluate": True, "promote": False}]}
    )

    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    evaluate: bool = Field(False, description="Evaluate on held-out splits and store the metrics")
    promote: bool = Field(False, description="Serve the new version as soon as it is registered")


class TrainingJobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    status: str = Field(description="queued | running | succeeded | failed")
    params: dict[str, Any]
    model_version: str | None
    error: str | None
    created_at: UtcDateTime
    finished_at: UtcDateTime | None
