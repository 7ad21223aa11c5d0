"""The model-registry service called directly, on a rolled-back session: pages, one version, one job."""

from __future__ import annotations

import pytest
from starlette.datastructures import URL

from db.errors import NotFound
from service.common import PageQuery
from service.models import service
from tests import factories as f


def test_versions_page_newest_first(db_session):
    older = f.model_version(db_session, created_at=f.at(2))
    newer = f.model_version(db_session, created_at=f.at(1))
    page = service.list_models(session=db_session, page=PageQuery(url=URL("/v1/models"), limit=1))
    assert [v.version for v in page.items] == [newer.version] and page.total >= 2
    assert service.get_model(session=db_session, version=older.version).version == older.version


def test_unknown_versions_and_jobs_are_not_found(db_session):
    with pytest.raises(NotFound) as version:
        service.get_model(session=db_session, version="1999-01-01-1")
    with pytest.raises(NotFound) as job:
        service.get_job(session=db_session, job_id="no-such-job")
    assert (version.value.field, job.value.field) == ("version", "job_id")


def test_a_job_is_read_with_its_status(db_session):
    job = f.training_job(db_session, status="running")
    assert service.get_job(session=db_session, job_id=job.id).status == "running"
