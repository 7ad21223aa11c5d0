"""Model versions (admin): list, read, retrain in the background, promote and roll back.

A promotion is a row update; every worker's model holder polls the registry and
swaps within ``model_poll_seconds``, so nothing here reloads models itself.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from db import repositories
from models import registry
from service.auth import AdminKey
from service.deps import SessionDep, SettingsDep
from service.errors import Conflict, NotFound
from service.jobs import JobBusy, TrainFn, start_training_job, train_and_register
from service.routes._common import Limit, Offset, errors, offset_next
from service.schemas import ModelVersionPage, ModelVersionRead, TrainingJobCreate, TrainingJobRead

router = APIRouter(prefix="/models", tags=["models"])

Version = Annotated[str, Path(max_length=40, description="e.g. 2026-11-23-1")]


@router.get(
    "",
    response_model=ModelVersionPage,
    summary="Model versions with metrics and status, newest first (admin)",
    responses=errors(401, 403, 422),
)
def list_models(
    request: Request, session: SessionDep, _: AdminKey, limit: Limit = 50, offset: Offset = 0
) -> ModelVersionPage:
    rows = registry.list_versions(session)
    return ModelVersionPage(
        items=[ModelVersionRead.model_validate(r) for r in rows[offset : offset + limit]],
        total=len(rows),
        limit=limit,
        offset=offset,
        next=offset_next(request, offset=offset, limit=limit, total=len(rows)),
    )


@router.post(
    "/retrain",
    response_model=TrainingJobRead,
    status_code=202,
    summary="Train a new version in the background (admin); poll the job for its status",
    responses=errors(401, 403, 409, 422),
)
def retrain(
    request: Request,
    response: Response,
    settings: SettingsDep,
    _: AdminKey,
    body: TrainingJobCreate | None = None,
) -> TrainingJobRead:
    """One job at a time across workers: 409 names the job still queued or running."""
    params = (body or TrainingJobCreate()).model_dump()
    # tests inject a small trainer through app.state; production trains the real ranker
    train_fn: TrainFn = getattr(request.app.state, "train_fn", None) or partial(
        train_and_register, embedding_model=settings.embedding_model
    )
    try:
        job = start_training_job(
            request.app.state.session_factory,
            params=params,
            train_fn=train_fn,
            stale_after_seconds=settings.retrain_stale_after_seconds,
        )
    except JobBusy as exc:
        raise Conflict(str(exc)) from exc
    response.headers["Location"] = f"/v1/models/jobs/{job.id}"
    return TrainingJobRead.model_validate(job)


@router.get(
    "/jobs/{job_id}",
    response_model=TrainingJobRead,
    summary="Status of a training job (admin): queued, running, succeeded or failed",
    responses=errors(401, 403, 404),
)
def get_job(session: SessionDep, _: AdminKey, job_id: Annotated[str, Path(max_length=36)]) -> TrainingJobRead:
    job = repositories.get_training_job(session, job_id=job_id)
    if job is None:
        raise NotFound(f"training job {job_id} does not exist", field="job_id")
    return TrainingJobRead.model_validate(job)


@router.post(
    "/rollback",
    response_model=ModelVersionRead,
    summary="Serve again the version promoted before the current one (admin)",
    responses=errors(401, 403, 409),
)
def rollback(session: SessionDep, _: AdminKey) -> ModelVersionRead:
    try:
        row = registry.rollback(session)
    except LookupError as exc:
        raise Conflict(str(exc)) from exc
    return ModelVersionRead.model_validate(row)


@router.get(
    "/{version}",
    response_model=ModelVersionRead,
    summary="One model version with its metrics and parameters (admin)",
    responses=errors(401, 403, 404),
)
def get_model(session: SessionDep, _: AdminKey, version: Version) -> ModelVersionRead:
    row = registry.get_version(session, version)
    if row is None:
        raise NotFound(f"model version {version!r} does not exist; see GET /v1/models", field="version")
    return ModelVersionRead.model_validate(row)


@router.post(
    "/{version}/promote",
    response_model=ModelVersionRead,
    summary="Serve this version (admin); every worker switches within seconds",
    responses=errors(401, 403, 404, 409),
)
def promote(session: SessionDep, _: AdminKey, version: Version) -> ModelVersionRead:
    try:
        row = registry.promote(session, version)
    except LookupError as exc:
        raise NotFound(str(exc), field="version") from exc
    except ValueError as exc:
        raise Conflict(str(exc), field="version") from exc
    return ModelVersionRead.model_validate(row)
