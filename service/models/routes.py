"""Model versions (admin): list, read, retrain in the background, promote and roll back."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from service.auth import ADMIN_SCOPE
from service.common import PageDep, created_at, errors
from service.deps import SessionDep, SettingsDep
from service.jobs import TrainFn, train_and_register
from service.models import service
from service.models.schemas import ModelVersionPage, ModelVersionRead, TrainingJobCreate, TrainingJobRead

# every route needs an admin key
router = APIRouter(prefix="/models", tags=["models"], dependencies=[ADMIN_SCOPE], responses=errors(401, 403))

Version = Annotated[str, Path(max_length=40, description="e.g. 2026-11-23-1")]


@router.get(
    "",
    summary="Model versions with metrics and status, newest first (admin)",
    responses=errors(422, 503),
)
def list_models(session: SessionDep, page: PageDep) -> ModelVersionPage:
    return service.list_models(session=session, page=page)


@router.post(
    "/retrain",
    status_code=202,
    summary="Train a new version in the background (admin); poll the job for its status",
    responses=errors(409, 422, 503),
)
def retrain(
    request: Request,
    response: Response,
    settings: SettingsDep,
    body: TrainingJobCreate | None = None,
) -> TrainingJobRead:
    """One job at a time across workers: 409 names the job still queued or running."""
    # tests inject a small trainer through app.state; production trains the real ranker
    train_fn: TrainFn = getattr(request.app.state, "train_fn", None) or partial(
        train_and_register, embedding_model=settings.embedding_model
    )
    job = service.retrain(
        factory=request.app.state.session_factory,
        body=body or TrainingJobCreate(),
        train_fn=train_fn,
        stale_after_seconds=settings.retrain_stale_after_seconds,
    )
    return created_at(response, f"/v1/models/jobs/{job.id}", job)


@router.get(
    "/jobs/{job_id}",
    summary="Status of a training job (admin): queued, running, succeeded or failed",
    responses=errors(404, 422, 503),
)
def get_job(session: SessionDep, job_id: Annotated[str, Path(max_length=36)]) -> TrainingJobRead:
    return service.get_job(session=session, job_id=job_id)


@router.post(
    "/rollback",
    summary="Serve again the version promoted before the current one (admin)",
    responses=errors(409, 503),
)
def rollback(session: SessionDep) -> ModelVersionRead:
    return service.rollback(session=session)


@router.get(
    "/{version}",
    summary="One model version with its metrics and parameters (admin)",
    responses=errors(404, 422, 503),
)
def get_model(session: SessionDep, version: Version) -> ModelVersionRead:
    return service.get_model(session=session, version=version)


@router.post(
    "/{version}/promote",
    summary="Serve this version (admin); every worker switches within seconds",
    responses=errors(404, 409, 422, 503),
)
def promote(session: SessionDep, version: Version) -> ModelVersionRead:
    return service.promote(session=session, version=version)
