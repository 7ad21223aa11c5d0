"""Training-job reads: by id, and the job that still blocks a new retrain."""

from __future__ import annotations

from db.repositories.training_jobs import active_training_job, get_training_job
from tests import factories as f


def test_get_by_id(db_session):
    job = f.training_job(db_session)
    assert get_training_job(db_session, job_id=job.id) is job
    assert get_training_job(db_session, job_id="missing") is None


def test_only_a_recent_queued_or_running_job_is_active(db_session):
    f.training_job(db_session, status="succeeded", created_at=f.at(0))
    f.training_job(db_session, status="running", created_at=f.at(2))  # presumed dead
    assert active_training_job(db_session, since=f.at(1)) is None
    queued = f.training_job(db_session, status="queued", created_at=f.at(0.5))
    running = f.training_job(db_session, status="running", created_at=f.at(0.1))
    assert active_training_job(db_session, since=f.at(1)) is running
    assert active_training_job(db_session, since=f.at(1)) is not queued
