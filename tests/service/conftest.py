"""One API per backend for all the API tests (every domain folder): the curated import is the slow part.

Tests share the database, so each one creates what it changes (its own city, its own
client address for feedback) and asserts relative to what it created.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, make_test_database
from tests.service.helpers import Api, curated_api


@pytest.fixture(scope="session", params=BACKENDS)
def api_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_test_database(request.param, tmp_path_factory.mktemp(f"api-{request.param}"), request)


@pytest.fixture(scope="session")
def api(api_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with curated_api(api_url, Path(tmp_path_factory.mktemp("artifacts"))) as made:
        yield made
