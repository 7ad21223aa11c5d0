"""Model versions: list and read the registry, start a retrain, promote and roll back.

A promotion is a row update; every worker's model holder polls the registry and swaps
within ``model_poll_seconds``, so nothing here reloads models itself.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from db.repositories import model_versions
from db.repositories.training_jobs import get_training_job
from models import registry
from service.common import PageQuery, or_not_found
from service.jobs import TrainFn, start_training_job
from service.models.schemas import ModelVersionPage, ModelVersionRead, TrainingJobCreate, TrainingJobRead


def list_models(*, session: Session, page: PageQuery) -> ModelVersionPage:
    rows, total = model_versions.page_versions(session, limit=page.limit, offset=page.offset)
    return ModelVersionPage(**page.of([ModelVersionRead.model_validate(r) for r in rows], total))


def retrain(
    *,
    factory: sessionmaker[Session],
    body: TrainingJobCreate,
    train_fn: TrainFn,
    stale_after_seconds: float,
) -> TrainingJobRead:
    """One job at a time across workers (:class:`service.jobs.JobBusy` names the one still active)."""
    job = start_training_job(
        factory, params=body.model_dump(), train_fn=train_fn, stale_after_seconds=stale_after_seconds
    )
    return TrainingJobRead.model_validate(job)


def get_job(*, session: Session, job_id: str) -> TrainingJobRead:
    job = get_training_job(session, job_id=job_id)
    return TrainingJobRead.model_validate(
        or_not_found(job, f"training job {job_id} does not exist", field="job_id")
    )


def rollback(*, session: Session) -> ModelVersionRead:
    return ModelVersionRead.model_validate(registry.rollback(session))


def get_model(*, session: Session, version: str) -> ModelVersionRead:
    row = model_versions.get_version(session, version=version)
    return ModelVersionRead.model_validate(
        or_not_found(row, f"model version {version!r} does not exist; see GET /v1/models", field="version")
    )


def promote(*, session: Session, version: str) -> ModelVersionRead:
    return ModelVersionRead.model_validate(registry.promote(session, version))
