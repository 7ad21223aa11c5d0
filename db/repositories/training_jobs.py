"""Reads of the training jobs the API queues."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.tables import (
    TrainingJob,
)


def get_training_job(session: Session, *, job_id: str) -> TrainingJob | None:
    return session.get(TrainingJob, job_id)


def active_training_job(session: Session, *, since: dt.datetime) -> TrainingJob | None:
    """A queued or running job created after ``since`` (older ones are presumed dead with their worker)."""
    stmt = (
        select(TrainingJob)
        .where(TrainingJob.status.in_(("queued", "running")), TrainingJob.created_at >= since)
        .order_by(TrainingJob.created_at.desc())
        .limit(1)
    )
    return session.scalar(stmt)
