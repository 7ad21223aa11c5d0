"""Shapes of the partnerships domain: a pair's history and next steps, and a roll-out's places."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from db.tables import CooperationKind
from service.common import response_config


class HistoryStep(BaseModel):
    """One cooperation the two cities share, in time order."""

    cooperation_id: int
    title: str
    kind: CooperationKind
    start_year: int | None
    end_year: int | None
    sectors: list[str]
    funding_scheme_ids: list[str]
    source: str
    used: bool = Field(description="Whether it is a step the model reads (dated and not a parent case)")
    note: str | None = Field(None, description="Why it is not used, when it is not")


class PartnershipRead(BaseModel):
    """A city the given one shares cooperations with."""

    partner_city_id: int
    name: str
    country: str
    cooperations: int
    dated: int = Field(description="How many of them have a start year (the steps next steps read)")
    first_year: int | None
    last_year: int | None


class PartnershipList(BaseModel):
    model_config = response_config(
        {
            "city_id": 12,
            "items": [
                {"partner_city_id": 31, "name": "Dalian", "country": "CN", "cooperations": 8,
                 "dated": 8, "first_year": 1979, "last_year": 2014}
            ],
        }
    )  # fmt: skip

    city_id: int
    items: list[PartnershipRead]


class NextSector(BaseModel):
    sector_id: str
    name: str
    score: float = Field(description="Chance the next step has it (0..1), plus needs and offers")
    done_before: bool
    needed_by: list[str] = Field(description="The cities of the pair whose profile says they need it")
    offered_by: list[str] = Field(description="The cities of the pair whose strengths offer it to the other")
    reasons: list[str]


class NextScheme(BaseModel):
    scheme_id: str
    name: str
    score: float
    reasons: list[str]


class NextStepsRead(BaseModel):
    model_config = response_config(
        {
            "city_id": 12,
            "partner_city_id": 40,
            "history": [
                {
                    "cooperation_id": 31,
                    "title": "JICA Project on Capacity Building for Water Supply Systems, Phase 3",
                    "kind": "funded-project",
                    "start_year": 2012,
                    "end_year": 2017,
                    "sectors": ["capacity-building", "water-supply"],
                    "funding_scheme_ids": ["jica-technical-cooperation-project"],
                    "source": "curated",
                    "used": True,
                    "note": None,
                }
            ],
            "sectors": [
                {
                    "sector_id": "sewage-wastewater",
                    "name": "Sewage and wastewater",
                    "score": 0.61,
                    "done_before": False,
                    "needed_by": ["Phnom Penh"],
                    "offered_by": ["Kitakyushu"],
                    "reasons": [
                        "pairs whose cooperation included water supply went on to sewage within 5 "
                        "years in 4 of 6 cases",
                        "Phnom Penh says it needs Sewage and wastewater (its profile)",
                    ],
                }
            ],
            "schemes": [],
            "trajectories": 617,
            "note": None,
        }
    )

    city_id: int
    partner_city_id: int
    history: list[HistoryStep]
    sectors: list[NextSector]
    schemes: list[NextScheme]
    trajectories: int = Field(description="Histories of at least two dated steps the model learned from")
    note: str | None = Field(None, description="Said when there is nothing to continue or little to go on")


RolloutSide = Literal["partner", "home"]


class RolloutPlace(BaseModel):
    name: str
    country: str
    admin_area: str | None
    geonames_id: int | None
    city_id: int | None = Field(description="The store's id; null for a gazetteer town never in the store")
    population: int | None
    latitude: float | None
    longitude: float | None
    distance_km: float | None = Field(description="From the partner (or, for the home side, the city)")
    score: float
    reasons: list[str]


class RolloutRead(BaseModel):
    model_config = response_config(
        {
            "city_id": 12,
            "partner_city_id": 40,
            "sector": "water-supply",
            "side": "partner",
            "country": "KH",
            "candidates": 412,
            "places": [
                {
                    "name": "Battambang",
                    "country": "KH",
                    "admin_area": "Battambang",
                    "geonames_id": 1831797,
                    "city_id": None,
                    "population": 150444,
                    "latitude": 13.1027,
                    "longitude": 103.1982,
                    "distance_km": 246.0,
                    "score": 0.71,
                    "reasons": [
                        "a provincial capital of 150,444 people, the size of the towns such programmes reach",
                        "246 km from Phnom Penh",
                    ],
                }
            ],
            "note": None,
        }
    )

    city_id: int
    partner_city_id: int
    sector: str
    side: RolloutSide
    country: str
    candidates: int = Field(description="The gazetteer towns and stored places ranked")
    places: list[RolloutPlace]
    note: str | None = None
