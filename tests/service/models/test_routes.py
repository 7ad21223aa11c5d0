"""Model administration: versions, promote and roll back, background retraining jobs.

A fresh, empty database per backend, since these tests promote versions and run jobs
that would disturb the shared one.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sklearn.dummy import DummyClassifier
from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.session import make_engine, make_session_factory
from db.tables import ModelVersion
from models import registry
from service.app import create_app
from service.auth import create_api_key
from service.config import Settings
from tests.conftest import BACKENDS, make_test_database
from tests.service.helpers import Api, assert_error


@pytest.fixture(scope="module", params=BACKENDS)
def admin_api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    url = make_test_database(request.param, tmp_path_factory.mktemp(f"models-{request.param}"), request)
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        keys = {s: create_api_key(session, name=s, scopes=[s]) for s in ("read", "write", "admin")}
    settings = Settings(
        database_url=url,
        data_dir=None,
        model_dir=Path(tmp_path_factory.mktemp("art")),
        model_poll_seconds=0.1,
    )
    with TestClient(create_app(settings)) as client:
        yield Api(client=client, factory=factory, settings=settings, keys=keys)
    engine.dispose()


_fits = itertools.count(1)


def _tiny_model() -> DummyClassifier:
    # distinct class priors make distinct artifacts: the model holder tells versions apart by checksum
    n = next(_fits)
    return DummyClassifier(strategy="prior").fit([[0]] * (n + 1), [0] * n + [1])


def _register(session: Session, version: str | None = None, **metrics: Any) -> ModelVersion:
    return registry.register(
        session,
        model=_tiny_model(),
        metrics={"summary": metrics},
        params={"tiny": True},
        data_hash="0" * 64,
        version=version,
    )


def _wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _job(api: Api, job_id: str) -> dict[str, Any]:
    return api.client.get(f"/v1/models/jobs/{job_id}", headers=api.auth("admin")).json()


def _finished(api: Api, job_id: str, timeout: float = 10.0) -> dict[str, Any]:
    _wait_for(lambda: _job(api, job_id)["status"] in ("succeeded", "failed"), timeout)
    return _job(api, job_id)


def test_models_need_admin(admin_api: Api) -> None:
    assert_error(admin_api.client.get("/v1/models"), 401, "unauthorized")
    assert_error(admin_api.client.get("/v1/models", headers=admin_api.auth("write")), 403, "forbidden")
    assert_error(
        admin_api.client.post("/v1/models/retrain", headers=admin_api.auth("read")), 403, "forbidden"
    )


def test_rollback_without_history_is_409(admin_api: Api) -> None:
    response = admin_api.client.post("/v1/models/rollback", headers=admin_api.auth("admin"))
    assert "no earlier promoted version" in assert_error(response, 409, "conflict")["message"]


def test_list_promote_rollback(admin_api: Api) -> None:
    api, admin = admin_api, admin_api.auth("admin")
    with api.factory.begin() as session:
        first = _register(session, "2026-01-01-1", ndcg_at_10=0.21).version
        second = _register(session, "2026-01-02-1", ndcg_at_10=0.25).version
        failed = _register(session, "2026-01-03-1")
        failed.status = "failed"
    page = api.client.get("/v1/models", params={"limit": 2}, headers=admin).json()
    assert page["total"] >= 3 and len(page["items"]) == 2 and page["next"]
    one = api.client.get(f"/v1/models/{second}", headers=admin).json()
    assert one["status"] == "trained" and one["metrics"]["summary"]["ndcg_at_10"] == 0.25
    assert one["artifact_sha256"] and one["promoted_at"] is None
    assert_error(api.client.get("/v1/models/nope", headers=admin), 404, "not_found", "version")

    promoted = api.client.post(f"/v1/models/{first}/promote", headers=admin).json()
    assert promoted["status"] == "promoted" and promoted["promoted_at"]
    holder = api.client.app.state.model_holder  # type: ignore[attr-defined]
    _wait_for(lambda: holder.current is not None and holder.current.version == first)
    api.client.post(f"/v1/models/{second}/promote", headers=admin)
    assert api.client.get(f"/v1/models/{first}", headers=admin).json()["status"] == "trained"
    # every worker polls the registry; this one swaps within a few poll intervals
    _wait_for(lambda: holder.current.version == second)

    back = api.client.post("/v1/models/rollback", headers=admin).json()
    assert back["version"] == first and back["status"] == "promoted"
    _wait_for(lambda: holder.current.version == first)

    assert_error(api.client.post("/v1/models/nope/promote", headers=admin), 404, "not_found", "version")
    refused = api.client.post(f"/v1/models/{failed.version}/promote", headers=admin)
    assert "failed" in assert_error(refused, 409, "conflict")["message"]


def test_retrain_job_lifecycle(admin_api: Api) -> None:
    api, admin = admin_api, admin_api.auth("admin")
    release = threading.Event()
    calls: list[dict[str, Any]] = []

    def train(session: Session, *, seed: int, evaluate: bool, promote: bool) -> ModelVersion:
        calls.append({"seed": seed, "evaluate": evaluate, "promote": promote})
        assert release.wait(10)
        row = _register(session, ndcg_at_10=0.3)
        if promote:
            registry.promote(session, row.version)
        return row

    api.client.app.state.train_fn = train  # type: ignore[attr-defined]
    try:
        response = api.client.post("/v1/models/retrain", json={"seed": 7, "promote": True}, headers=admin)
        assert response.status_code == 202, response.text
        job = response.json()
        assert job["status"] in ("queued", "running") and response.headers["Location"].endswith(job["id"])
        _wait_for(lambda: _job(api, job["id"])["status"] == "running")
        busy = api.client.post("/v1/models/retrain", headers=admin)
        assert job["id"] in assert_error(busy, 409, "conflict")["message"]

        release.set()
        done = _finished(api, job["id"])
        assert done["status"] == "succeeded" and done["error"] is None and done["finished_at"]
        assert calls == [{"seed": 7, "evaluate": False, "promote": True}]
        version = api.client.get(f"/v1/models/{done['model_version']}", headers=admin).json()
        assert version["status"] == "promoted"
    finally:
        del api.client.app.state.train_fn  # type: ignore[attr-defined]


def test_failed_retrain_is_reported(admin_api: Api) -> None:
    api, admin = admin_api, admin_api.auth("admin")

    def broken(session: Session, **_: Any) -> ModelVersion:
        raise RuntimeError("no cooperations to learn from")

    api.client.app.state.train_fn = broken  # type: ignore[attr-defined]
    try:
        job = api.client.post("/v1/models/retrain", headers=admin).json()
        done = _finished(api, job["id"])
        assert done["status"] == "failed" and done["model_version"] is None
        assert done["error"] == "RuntimeError: no cooperations to learn from"
    finally:
        del api.client.app.state.train_fn  # type: ignore[attr-defined]
    assert_error(api.client.get("/v1/models/jobs/nope", headers=admin), 404, "not_found", "job_id")
    bad = api.client.post("/v1/models/retrain", json={"seed": -1}, headers=admin)
    assert_error(bad, 422, "invalid_input", "seed")


def test_retrain_calls_train_and_register(admin_api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an injected trainer the job runs models.train.train_and_register (stubbed here: the real
    one runs through this endpoint in test_hot_swap.py)."""
    import models.train

    seen: list[dict[str, Any]] = []

    def fake(
        session: Session, *, seed: int, evaluate: bool, promote: bool, embedding_model: str
    ) -> ModelVersion:
        seen.append({"seed": seed, "evaluate": evaluate, "promote": promote, "model": embedding_model})
        return _register(session)

    monkeypatch.setattr(models.train, "train_and_register", fake)
    job = admin_api.client.post(
        "/v1/models/retrain", json={"seed": 3, "evaluate": True}, headers=admin_api.auth("admin")
    ).json()
    assert _finished(admin_api, job["id"])["status"] == "succeeded"
    model = admin_api.settings.embedding_model  # the setting, so production can use a multilingual model
    assert seen == [{"seed": 3, "evaluate": True, "promote": False, "model": model}]
