"""Partnerships: next steps for a pair that already cooperates; roll-out through a partner."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from service.auth import READ_SCOPE
from service.common import StoreId, errors
from service.deps import SessionDep
from service.partnerships import service
from service.partnerships.schemas import NextStepsRead, PartnershipList, RolloutRead, RolloutSide

# every route needs a read key (when reads need one)
router = APIRouter(tags=["partnerships"], dependencies=[READ_SCOPE], responses=errors(401, 403))

CityQuery = Annotated[StoreId, Query(description="The planner's city id (GET /v1/cities?q=)")]
PartnerQuery = Annotated[StoreId, Query(description="The partner's city id")]


@router.get(
    "/partnerships",
    summary="The cities a city shares cooperations with, most shared first",
    responses=errors(404, 422, 503),
)
def list_partnerships(
    session: SessionDep,
    city_id: CityQuery,
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many partners")] = 10,
) -> PartnershipList:
    return service.partnerships(session, city_id=city_id, limit=limit)


@router.get(
    "/partnerships/next-steps",
    summary="A pair's history in time order and the sectors and schemes it is likely to add next",
    responses=errors(404, 422, 503),
)
async def next_steps(
    session: SessionDep,
    city_id: CityQuery,
    partner_city_id: PartnerQuery,
    limit: Annotated[int, Query(ge=1, le=30, description="At most this many sectors")] = 5,
) -> NextStepsRead:
    """Learned from the trajectories of every pair with dated cooperations (URBACT networks joined
    together over the years, the dated curated cases; parent cases are left out). A pair that
    shares nothing gets an empty answer that says so."""
    return await run_in_threadpool(
        lambda: service.next_steps(session, city_id=city_id, partner_city_id=partner_city_id, limit=limit)
    )


@router.get(
    "/partnerships/rollout",
    summary="Roll-out through a partner: places of its country (or yours) that need the sector",
    responses=errors(404, 422, 503),
)
async def rollout(
    session: SessionDep,
    city_id: CityQuery,
    partner_city_id: PartnerQuery,
    sector: Annotated[
        str, Query(max_length=60, description="Sector id (GET /v1/sectors)", examples=["water-supply"])
    ],
    side: Annotated[
        RolloutSide,
        Query(
            description="`partner`: places of the partner's country it can reach; `home`: cities of "
            "your own country that could join a cooperation you lead"
        ),
    ] = "partner",
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many places")] = 10,
) -> RolloutRead:
    """Every gazetteer town of the country (GeoNames cities1000) is a candidate, stored or not. Places
    the pair already works with in the sector are left out; their size guides the ranking."""
    return await run_in_threadpool(
        lambda: service.rollout(
            session, city_id=city_id, partner_city_id=partner_city_id, sector=sector, side=side, limit=limit
        )
    )
