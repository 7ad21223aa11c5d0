"""Request and response shapes of the plans API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from service.common import Id, Page, UtcDateTime, request_config

SectorId = Annotated[str, Field(min_length=1, max_length=60)]
Status = Literal["strong", "partial", "gap", "unknown"]
SectionId = Literal[
    "facts",
    "themes",
    "challenges",
    "objective",
    "activities",
    "stakeholders",
    "funding",
    "readiness",
    "risks",
]
Phase = Literal["exchange", "pilot", "agreement", "scale-up"]

PAIR_EXAMPLE = {"city_id": 12, "partner_city_id": 34, "sectors": ["water-supply", "sewage-wastewater"]}


class PairRequest(BaseModel):
    """A pair of stored cities and the sectors of the cooperation (none: the store suggests themes)."""

    model_config = request_config(PAIR_EXAMPLE)

    city_id: Id = Field(description="The home city: the one whose planner drafts the plan")
    partner_city_id: Id
    sectors: Annotated[list[SectorId], Field(max_length=10)] = []

    @field_validator("partner_city_id")
    @classmethod
    def _two_cities(cls, value: int, info: ValidationInfo) -> int:
        if value == info.data.get("city_id"):
            raise ValueError("must differ from city_id")
        return value


class EvidenceRead(BaseModel):
    text: str
    source: str = Field(description="precedent:<id>, rule:<scheme id>, profile:<city id> or store:<what>")


class ReadinessItem(BaseModel):
    id: str
    kind: Literal["factor", "condition"]
    name: str
    status: Status
    evidence: list[EvidenceRead]
    question: str | None = Field(description="What the planner should answer; set whenever not strong")


class ReadinessRead(BaseModel):
    city_id: int
    partner_city_id: int
    sectors: list[str]
    items: list[ReadinessItem]


class PlanLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=4000)]
    source: Annotated[
        str,
        Field(
            min_length=1,
            max_length=200,
            description="precedent:<id>, rule:<scheme id>, profile:<city id>, readiness:<item>, seed:<doc>, "
            "template, or planner (the planner's own text)",
        ),
    ] = "planner"
    phase: Phase | None = None
    sector: Annotated[str | None, Field(max_length=60)] = None
    status: Status | None = None


class PlanSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: SectionId
    title: Annotated[str, Field(min_length=1, max_length=200)]
    lines: Annotated[list[PlanLine], Field(max_length=200)]


class PlanCityRef(BaseModel):
    id: int | None
    name: str
    country: str | None


class PlanContent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=300)]
    sections: Annotated[list[PlanSection], Field(min_length=1, max_length=20)]

    @field_validator("sections")
    @classmethod
    def _unique_sections(cls, sections: list[PlanSection]) -> list[PlanSection]:
        ids = [s.id for s in sections]
        if len(ids) != len(set(ids)):
            raise ValueError("each section id may appear once")
        return sections


class PlanDraft(PlanContent):
    model_config = ConfigDict(extra="ignore")

    city: PlanCityRef
    partner: PlanCityRef
    sectors: list[str]


LINE_EXAMPLE = {"text": "Study visits to the water utility", "source": "planner", "phase": "exchange"}


class PlanCreate(PairRequest):
    """Without `content`, the plan starts as the generated draft."""

    model_config = request_config(PAIR_EXAMPLE, {**PAIR_EXAMPLE, "note": "first draft for the council"})

    content: PlanContent | None = None
    note: Annotated[str | None, Field(max_length=2000)] = None


class PlanUpdate(BaseModel):
    """The whole edited text: it becomes the next version; earlier versions are kept."""

    model_config = request_config(
        {
            "content": {
                "title": "Action plan of Kitakyushu and Phnom Penh",
                "sections": [
                    {"id": "activities", "title": "Main activities by phase", "lines": [LINE_EXAMPLE]}
                ],
            },
            "note": "added our own study visit",
        }
    )

    content: PlanContent
    note: Annotated[str | None, Field(max_length=2000)] = None


class PlanVersionRead(BaseModel):
    version: int
    title: str
    note: str | None
    created_at: UtcDateTime
    content: PlanContent


class PlanRead(BaseModel):
    id: int
    city_id: int
    partner_city_id: int
    sectors: list[str]
    title: str
    current_version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime
    content: PlanContent


class PlanSummary(BaseModel):
    id: int
    city_id: int
    partner_city_id: int
    title: str
    current_version: int
    updated_at: UtcDateTime


class PlanPage(Page[PlanSummary]):
    pass


class PlanVersionList(BaseModel):
    plan_id: int
    versions: list[PlanVersionRead]
