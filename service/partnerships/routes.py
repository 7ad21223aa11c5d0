"""Partnerships: next steps for a pair that already cooperates; roll-out through a partner."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from service.auth import ReadKey
from service.common import MAX_ID, errors
from service.deps import SessionDep
from service.partnerships import service
from service.partnerships.schemas import NextStepsRead

router = APIRouter(tags=["partnerships"])

CityQuery = Annotated[int, Query(ge=1, le=MAX_ID, description="The planner's city id (GET /v1/cities?q=)")]
PartnerQuery = Annotated[int, Query(ge=1, le=MAX_ID, description="The partner's city id")]


@router.get(
    "/partnerships/next-steps",
    response_model=NextStepsRead,
    summary="A pair's history in time order and the sectors and schemes it is likely to add next",
    responses=errors(401, 403, 404, 422, 503),
)
async def next_steps(
    session: SessionDep,
    _: ReadKey,
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
