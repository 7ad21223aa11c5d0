"""POST /v1/recommendations."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from service.auth import ReadKey
from service.common import errors
from service.deps import ModelDep, SessionDep, SettingsDep
from service.ratelimit import RecommendLimit
from service.recommendations.schemas import RecommendationRequest, RecommendationResponse
from service.recommendations.service import recommend

router = APIRouter(tags=["recommendations"])


@router.post(
    "/recommendations",
    summary="Rank partner cities, sectors and funding schemes for a city's needs",
    responses=errors(401, 403, 404, 413, 422, 429, 503),
    dependencies=[RecommendLimit],
)
async def create_recommendations(
    body: RecommendationRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    loaded: ModelDep,
    _: ReadKey,
) -> RecommendationResponse:
    """Partners carry reasons and precedents; give exactly one of `city_id` or `city`.

    Rate-limited per client (the API key when one is sent, else the address) when
    `PARTNERMATCH_RECOMMEND_RATE_LIMIT_PER_MINUTE` is set (off by default): over it, 429 with
    `Retry-After`."""

    # async, with the work on the threadpool: a sync route would also check the response there
    def compute() -> RecommendationResponse:
        with request.app.state.recommend_slots:
            return recommend(
                session,
                loaded=loaded,
                request=body,
                regions_path=settings.curated_dir / "regions.json",
                catalogue=request.app.state.catalogue,
                settings=settings,
            )

    return await run_in_threadpool(compute)
