"""Response shapes of the sectors, funding schemes and regions API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

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


class PartnerCountRange(BaseModel):
    min: int | None = None
    max: int | None = None


class EligibilityRead(BaseModel):
    """Eligibility facts of a scheme; ``null`` means "not stated", never "anyone"."""

    applicant_countries: list[str] | None = Field(None, description="ISO2 or region codes")
    partner_countries: list[str] | None = Field(None, description="ISO2 or region codes")
    jcm_partner_countries: list[str] = []
    applicant_types: list[str] | None = None
    min_population: int | None = None
    partner_count: int | PartnerCountRange | str | None = None
    income_groups: list[str] | None = Field(None, description="World Bank groups L, LM, UM, H")
    requires: list[str] | None = Field(None, description="Textual conditions to confirm")


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
