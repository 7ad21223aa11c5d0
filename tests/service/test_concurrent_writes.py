"""Concurrent writers under a real server: every acknowledged write is stored, and nothing is a 5xx.

Eight clients post feedback, replace profiles and record cooperations while two others ask for
recommendations, against the real app under uvicorn on both backends.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from db.tables import CityProfile, Cooperation, Feedback
from service.app import create_app
from tests.helpers import train_small_model
from tests.service.helpers import Api, serve

WRITERS = 8
ROUNDS = 12
TAG = "concurrent-writer"


@pytest.fixture
def server(api: Api) -> Iterator[str]:
    """Function-scoped: a module-scoped server would outlive its backend's tests while pytest runs
    other modules of that backend, and load every model they promote."""
    version = train_small_model(api.factory)
    app = create_app(api.settings.model_copy(update={"feedback_rate_limit_per_minute": 100_000}))
    for url in serve(app):
        deadline = time.monotonic() + 60
        while httpx.get(f"{url}/readyz").json()["checks"]["model"] != version:
            assert time.monotonic() < deadline, "the server never loaded the model"
            time.sleep(0.2)
        yield url


def test_every_acknowledged_write_is_stored(api: Api, server: str):
    cities = api.new_cities("Concurrent writer town", WRITERS + 2)
    statuses: Counter[int] = Counter()
    acknowledged: Counter[str] = Counter()
    last_needs: dict[int, str] = {}
    lock = threading.Lock()
    writers_done = threading.Event()
    answered: list[int] = []  # recommendation statuses

    def write(n: int) -> None:
        own_city, partner = cities[n], cities[(n + 1) % len(cities)]
        headers = {**api.auth("write"), "X-Forwarded-For": f"10.77.0.{n}"}
        with httpx.Client(base_url=server, timeout=60, headers=headers) as client:
            for i in range(ROUNDS):
                tag = f"{TAG} {n}-{i}"
                kind = ("feedback", "profile", "cooperation")[i % 3]
                if kind == "feedback":
                    body = {"partner_city_id": partner, "query_city_id": own_city, "kind": "relevant"}
                    response = client.post("/v1/feedback", json={**body, "comment": tag})
                elif kind == "profile":
                    response = client.put(f"/v1/cities/{own_city}/profile", json={"needs_text": tag})
                else:
                    body = {"kind": "technical-cooperation", "city_ids": [own_city, partner]}
                    response = client.post("/v1/cooperations", json={**body, "title": tag})
                with lock:
                    statuses[response.status_code] += 1
                    if response.is_success:
                        acknowledged[kind] += 1
                        if kind == "profile":
                            last_needs[own_city] = tag

    def read(city: int) -> None:
        with httpx.Client(base_url=server, timeout=60) as client:
            while not writers_done.is_set():
                r = client.post("/v1/recommendations", json={"city_id": city, "needs": "water", "limit": 5})
                with lock:
                    statuses[r.status_code] += 1
                    answered.append(r.status_code)

    readers = [threading.Thread(target=read, args=(c,)) for c in cities[-2:]]
    writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join(timeout=300)
    writers_done.set()
    for t in readers:
        t.join(timeout=60)

    assert not any(status >= 500 for status in statuses), statuses
    assert len(answered) >= 4 and set(answered) == {200}, Counter(answered)
    assert sum(acknowledged.values()) == WRITERS * ROUNDS, (acknowledged, statuses)
    with api.factory() as session:
        stored_feedback = session.scalar(select(func.count()).where(Feedback.comment.like(f"{TAG} %")))
        stored_coops = session.scalar(select(func.count()).where(Cooperation.title.like(f"{TAG} %")))
        profiles = select(CityProfile.city_id, CityProfile.needs_text)
        needs = dict(session.execute(profiles.where(CityProfile.city_id.in_(last_needs))).tuples().all())
    assert stored_feedback == acknowledged["feedback"]
    assert stored_coops == acknowledged["cooperation"]
    assert needs == last_needs
