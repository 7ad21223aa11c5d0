"""Plans: the readiness check of a pair, a draft action plan, saved plans with their versions, exports."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from models.advice.catalogue_index import CatalogueIndex
from service.auth import ReadKey, WriteKey
from service.common import Limit, PageQuery, StoreId, created_at, errors
from service.deps import SessionDep
from service.plans import service
from service.plans.schemas import (
    PairRequest,
    PlanCreate,
    PlanDraft,
    PlanPage,
    PlanRead,
    PlanUpdate,
    PlanVersionList,
    ReadinessRead,
)

router = APIRouter(tags=["plans"])
PlanId = Annotated[StoreId, Path()]


def _index(request: Request, session: Session) -> CatalogueIndex:
    state = request.app.state
    return service.catalogue_index(
        session,
        catalogue=state.catalogue,
        models=state.model_holder,
        embedding_model=state.settings.embedding_model,
    )


@router.post(
    "/plans/readiness",
    summary="Readiness of a pair: the seven factors and three conditions, with evidence and questions",
    responses=errors(401, 403, 404, 422, 503),
)
async def check_readiness(
    body: PairRequest, request: Request, session: SessionDep, _: ReadKey
) -> ReadinessRead:
    """Each item is `strong`, `partial`, `gap` or `unknown`; what the store cannot know is `unknown`
    with a question for the planner, never `strong`."""
    return await run_in_threadpool(
        lambda: service.readiness(session, index=_index(request, session), pair=body)
    )


@router.post(
    "/plans/draft",
    summary="A draft Urban Cooperation Action Plan for a pair (not saved)",
    responses=errors(401, 403, 404, 422, 503),
)
async def draft_plan(body: PairRequest, request: Request, session: SessionDep, _: ReadKey) -> PlanDraft:
    """Every line names its source: a precedent, a funding rule, a profile, a readiness item, a seed
    document or the template wording to edit."""
    return await run_in_threadpool(lambda: service.draft(session, index=_index(request, session), pair=body))


@router.post(
    "/plans",
    status_code=201,
    summary="Save a plan (write scope): the given text, or the generated draft; it is version 1",
    responses=errors(401, 403, 404, 413, 422, 503),
)
async def create_plan(
    body: PlanCreate, request: Request, response: Response, session: SessionDep, _: WriteKey
) -> PlanRead:
    def work() -> PlanRead:
        index = _index(request, session) if body.content is None else None
        return service.create_plan(session, index=index, body=body)

    plan = await run_in_threadpool(work)
    return created_at(response, f"{request.url.path}/{plan.id}", plan)


@router.get("/plans", summary="List saved plans", responses=errors(401, 403, 422, 503))
def list_plans(
    request: Request,
    session: SessionDep,
    _: ReadKey,
    city_id: Annotated[StoreId | None, Query(description="Plans with this city on either side")] = None,
    limit: Limit = 50,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> PlanPage:
    return service.list_plans(
        session, page=PageQuery(url=request.url, limit=limit, offset=offset), city_id=city_id
    )


@router.get(
    "/plans/{plan_id:int}",
    summary="A plan's current version",
    responses=errors(401, 403, 404, 422, 503),
)
def get_plan(session: SessionDep, _: ReadKey, plan_id: PlanId) -> PlanRead:
    return service.get_plan(session, plan_id=plan_id)


@router.put(
    "/plans/{plan_id:int}",
    summary="Save an edit (write scope) as the next version; earlier versions are kept",
    responses=errors(401, 403, 404, 409, 413, 422, 503),
)
def update_plan(body: PlanUpdate, session: SessionDep, _: WriteKey, plan_id: PlanId) -> PlanRead:
    return service.update_plan(session, plan_id=plan_id, body=body)


@router.get(
    "/plans/{plan_id:int}/versions",
    summary="Every saved version of a plan, oldest first",
    responses=errors(401, 403, 404, 422, 503),
)
def plan_versions(session: SessionDep, _: ReadKey, plan_id: PlanId) -> PlanVersionList:
    return service.plan_history(session, plan_id=plan_id)


@router.get(
    "/plans/{plan_id:int}/export",
    summary="A plan as Markdown or as a Word document",
    responses={
        200: {
            "content": {
                "text/markdown": {},
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
            },
            "description": "The file, with a Content-Disposition file name",
        },
        **errors(401, 403, 404, 422, 503),
    },
)
def export_plan(
    session: SessionDep,
    _: ReadKey,
    plan_id: PlanId,
    format: Annotated[Literal["md", "docx"], Query(description="md or docx")] = "md",
    version: Annotated[int | None, Query(ge=1, le=2**31, description="Default: the current one")] = None,
) -> Response:
    body, media, name = service.export_plan(session, plan_id=plan_id, fmt=format, version=version)
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
