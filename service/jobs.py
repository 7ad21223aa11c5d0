"""Retraining in a background thread, tracked in the training_jobs table.

The request only records a queued job and starts a thread; the thread opens its own
sessions, so the job row is visible to every worker (any of them can answer the
status poll) and the request returns at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from db import writes
from db.errors import Conflict
from db.repositories import training_jobs
from db.session import session_scope
from db.tables import ModelVersion, TrainingJob
from service.logs import log_fields

logger = logging.getLogger(__name__)

MAX_ERROR_CHARS = 4000


class TrainFn(Protocol):
    def __call__(self, session: Session, *, seed: int, evaluate: bool, promote: bool) -> ModelVersion: ...


class JobBusy(Conflict):
    def __init__(self, job: TrainingJob) -> None:
        super().__init__(f"training job {job.id} is {job.status}; wait for it (GET /v1/models/jobs/{job.id})")
        self.job_id = job.id


def train_and_register(
    session: Session, *, seed: int, evaluate: bool, promote: bool, embedding_model: str | None = None
) -> ModelVersion:
    """The production trainer; imported lazily so the API starts without the training stack loaded."""
    from models.train import train_and_register as train

    return train(session, seed=seed, evaluate=evaluate, promote=promote, embedding_model=embedding_model)


def start_training_job(
    factory: sessionmaker[Session],
    *,
    params: dict[str, Any],
    train_fn: TrainFn,
    stale_after_seconds: float,
    thread_name: str = "retrain",
) -> TrainingJob:
    """Record a queued job (committed before the thread starts) and run it in a daemon thread.

    Raises :class:`JobBusy` while another recent job is queued or running, in any worker.
    """
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=stale_after_seconds)
    with session_scope(factory) as session:
        active = training_jobs.active_training_job(session, since=since)
        if active is not None:
            raise JobBusy(active)
        job = writes.create_training_job(session, params=params)
    thread = threading.Thread(
        target=run_training_job,
        args=(factory, job.id, params, train_fn),
        name=f"{thread_name}-{job.id[:8]}",
        daemon=True,
    )
    thread.start()
    return job


def run_training_job(
    factory: sessionmaker[Session],
    job_id: str,
    params: dict[str, Any],
    train_fn: TrainFn | Callable[..., Any],
) -> None:
    """Run one job to the end; a failure is stored on the job, never raised into the thread."""
    with session_scope(factory) as session:
        writes.update_training_job(session, job_id=job_id, status="running")
    log_fields(logger, logging.INFO, "training job started", job_id=job_id, **params)
    try:
        with session_scope(factory) as session:
            row = train_fn(
                session,
                seed=int(params.get("seed", 0)),
                evaluate=bool(params.get("evaluate", False)),
                promote=bool(params.get("promote", False)),
            )
            version = row.version
    except Exception as exc:  # the job records why it failed; the worker carries on
        logger.exception("training job %s failed", job_id)
        error = f"{exc.__class__.__name__}: {exc}"[:MAX_ERROR_CHARS]
        with session_scope(factory) as session:
            writes.update_training_job(session, job_id=job_id, status="failed", error=error)
        return
    with session_scope(factory) as session:
        writes.update_training_job(session, job_id=job_id, status="succeeded", model_version=version)
    log_fields(logger, logging.INFO, "training job succeeded", job_id=job_id, version=version)
