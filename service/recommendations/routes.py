"""POST /v1/recommendations."""

from __future__ import annotations

from fastapi import APIRouter, Request

from service.auth import ReadKey
from service.common import ErrorResponse
from service.deps import ModelDep, SessionDep, SettingsDep
from service.recommendations.schemas import RecommendationRequest, RecommendationResponse
from service.recommendations.service import recommend

router = APIRouter(tags=["recommendations"])


@router.post(
    "/recommendations",
    response_model=RecommendationResponse,
    summary="Rank partner cities, sectors and funding schemes for a city's needs",
    responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
)
def create_recommendations(
    body: RecommendationRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    loaded: ModelDep,
    _: ReadKey,
) -> RecommendationResponse:
    """Partners carry reasons and precedents; give exactly one of `city_id` or `city`."""
    with request.app.state.recommend_slots:
        return recommend(
            session,
            loaded=loaded,
            request=body,
            regions_path=settings.curated_dir / "regions.json",
            catalogue=request.app.state.catalogue,
            settings=settings,
        )
