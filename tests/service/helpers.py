"""Helpers the API tests share."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.errors import PartnermatchError
from db.importers.runner import import_dataset
from db.migrate import upgrade
from db.session import make_engine, make_session_factory
from db.tables import City
from service.app import create_app
from service.auth import create_api_key
from service.config import Settings
from tests.conftest import CURATED
from tests.helpers import train_small_model

# feedback per client and minute in the test apps (low, so that the limit is reached in a test)
FEEDBACK_LIMIT = 5


@dataclass
class Api:
    client: TestClient
    factory: sessionmaker[Session]
    settings: Settings
    keys: dict[str, str]

    def auth(self, scope: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[scope]}"}

    def created(self, path: str, body: Any) -> dict[str, Any]:
        """What the API answers with 201 to ``body`` POSTed to ``path`` with the write key."""
        response = self.client.post(path, json=body, headers=self.auth("write"))
        assert response.status_code == 201, response.text
        return response.json()

    def new_cities(self, prefix: str, n: int) -> list[int]:
        """``n`` cities of this test's own (the package shares one database), a degree apart."""
        from db import writes

        with self.factory.begin() as session:
            made = [
                writes.create_city(session, name=f"{prefix} {i}", country="FR", latitude=44 + i, longitude=2)
                for i in range(n)
            ]
            return [c.id for c in made]

    def city_id(self, name: str) -> int:
        with self.factory() as session:
            city = session.scalar(select(City).where(City.name == name).order_by(City.id).limit(1))
            assert city is not None, name
            return city.id


def assert_error(response: Any, status: int, error: str, field: str | None = None) -> dict[str, Any]:
    """The one error shape; ``field`` must be named in ``details``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message", "details"}, body
    assert body["error"] == error, body
    assert body["message"], body
    if field is not None:
        fields = [d["field"] for d in body["details"]]
        assert field in fields, body
    return body


def refused(
    error: type[PartnermatchError], field: str, call: Callable[..., Any], /, *args: Any, **kwargs: Any
) -> PartnermatchError:
    """``call(*args, **kwargs)`` raises ``error`` naming ``field``; the error, for further checks."""
    with pytest.raises(error) as raised:
        call(*args, **kwargs)
    assert raised.value.field == field, raised.value
    return raised.value


def serve(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` under uvicorn on a free loopback port until the generator is closed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@contextmanager
def curated_api(url: str, model_dir: Path) -> Iterator[Api]:
    """The app on a new database holding the curated set, with a key per scope."""
    engine = make_engine(url)
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
        database_url=url,
        data_dir=None,
        model_dir=model_dir,
        feedback_rate_limit_per_minute=FEEDBACK_LIMIT,
        trusted_proxy_hops=1,
        model_poll_seconds=0.2,
    )
    try:
        with TestClient(create_app(settings)) as client:
            yield Api(client=client, factory=factory, settings=settings, keys=keys)
    finally:
        engine.dispose()


def serve_promoted(api: Api, *, seed: int = 0) -> str:
    """Train and promote a small model; its version, once the app has loaded it."""
    version = train_small_model(api.factory, seed=seed)
    deadline = time.monotonic() + 30
    while api.client.get("/readyz").json()["checks"]["model"] != version:
        assert time.monotonic() < deadline, "the app never loaded the promoted model"
        time.sleep(0.2)
    return version
