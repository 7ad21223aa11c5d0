"""Response shapes of the sectors, funding schemes and regions API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, create_model

from models.funding.registry import api_fields
from service.common import Page


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


class RegionRead(BaseModel):
    code: str
    name: str
    members: list[str] | None = None
