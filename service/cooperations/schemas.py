"""Request and response shapes of the cooperations API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from db.tables import CooperationKind, SuccessLabel
from service.common import (
    NOT_BLANK_PATTERN,
    Id,
    JsonNumber,
    NotBlank,
    Page,
    StoreId,
    UtcDateTime,
    request_config,
)


class OutcomeIndicator(BaseModel):
    metric: Annotated[str, Field(min_length=1, max_length=300)]
    value: float | int | str | None = None
    unit: Annotated[str | None, Field(max_length=100)] = None
    year: Annotated[int | None, Field(ge=1800, le=2100), JsonNumber] = None


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


class CooperationFilters(BaseModel):
    """The query of GET /v1/cooperations; every filter given must match. The names are the
    repository's arguments, one for one."""

    city_id: Annotated[StoreId | None, Field(description="Cooperations this city is a member of")] = None
    sector: Annotated[str | None, Field(max_length=60, description="A sector id")] = None
    scheme: Annotated[str | None, Field(max_length=100, description="A funding scheme id")] = None
    kind: CooperationKind | None = None
    year_from: Annotated[int | None, Field(ge=1800, le=2100, description="Started in or after")] = None
    year_to: Annotated[int | None, Field(ge=1800, le=2100, description="Started in or before")] = None


class CooperationCreate(BaseModel):
    """A partnership recorded by a planner or analyst; it feeds the next training."""

    model_config = request_config(
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
    )

    title: Annotated[str, Field(min_length=1, max_length=500, pattern=NOT_BLANK_PATTERN), NotBlank]
    kind: CooperationKind
    city_ids: Annotated[
        list[Id], Field(min_length=2, max_length=500, json_schema_extra={"uniqueItems": True})
    ]
    sectors: Annotated[list[str], Field(max_length=27)] = []
    funding_scheme_ids: Annotated[list[str], Field(max_length=20)] = []
    start_year: Annotated[int | None, Field(ge=1800, le=2100), JsonNumber] = None
    end_year: Annotated[int | None, Field(ge=1800, le=2100), JsonNumber] = None
    description: Annotated[str, Field(max_length=20_000)] = ""
    outcome_summary: Annotated[str | None, Field(max_length=5000)] = None
    outcome_indicators: Annotated[list[OutcomeIndicator], Field(max_length=50)] = []
    success: SuccessLabel | None = None

    @field_validator("city_ids")
    @classmethod
    def _distinct(cls, values: list[int]) -> list[int]:
        if len(set(values)) != len(values):
            raise ValueError("city_ids lists a city twice; name each member city once")
        return values

    @field_validator("end_year")
    @classmethod
    def _years(cls, value: int | None, info: ValidationInfo) -> int | None:
        # a field validator, so that the error names end_year
        start = info.data.get("start_year")
        if start and value and value < start:
            raise ValueError(f"end_year {value} is before start_year {start}")
        return value
