"""Helpers the API tests share."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.tables import City
from service.config import Settings


@dataclass
class Api:
    client: TestClient
    factory: sessionmaker[Session]
    settings: Settings
    keys: dict[str, str]

    def auth(self, scope: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[scope]}"}

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
