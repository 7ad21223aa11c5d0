"""One API per backend for the whole package: the curated import (gazetteer load) is the slow part.

Tests share the database, so each one creates what it changes (its own city, its own
client address for feedback) and asserts relative to what it created.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from db.importers.runner import import_dataset
from db.migrate import upgrade
from db.session import make_engine, make_session_factory
from service.app import create_app
from service.auth import create_api_key
from service.config import Settings
from tests.conftest import BACKENDS, CURATED, make_test_database
from tests.service.helpers import Api

FEEDBACK_LIMIT = 5


@pytest.fixture(scope="package", params=BACKENDS)
def api_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_test_database(request.param, tmp_path_factory.mktemp(f"api-{request.param}"), request)


@pytest.fixture(scope="package")
def api(api_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    engine = make_engine(api_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    import_dataset(factory, "curated", curated_dir=CURATED, data_dir=None)
    with factory.begin() as session:
        keys = {
            "read": create_api_key(session, name="reader", scopes=["read"]),
            "write": create_api_key(session, name="planner", scopes=["write"]),
            "admin": create_api_key(session, name="analyst", scopes=["admin"]),
        }
    settings = Settings(
        database_url=api_url,
        data_dir=None,
        model_dir=Path(tmp_path_factory.mktemp("artifacts")),
        feedback_rate_limit_per_minute=FEEDBACK_LIMIT,
        trusted_proxy_hops=1,
        model_poll_seconds=0.2,
    )
    with TestClient(create_app(settings)) as client:
        yield Api(client=client, factory=factory, settings=settings, keys=keys)
    engine.dispose()
