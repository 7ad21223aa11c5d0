"""A database outage while the service is serving: 503s with a clear message, nothing half-written,
and recovery without a restart once the database is back.

The tests run their own throwaway PostgreSQL cluster (``initdb`` and ``pg_ctl`` of the machine's
PostgreSQL, as the ``postgres`` user because ``initdb`` refuses root), never the shared server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from db.importers.runner import import_dataset
from db.migrate import upgrade
from db.session import make_engine, make_session_factory
from db.tables import Cooperation, CooperationMember, Feedback
from service.app import create_app
from service.auth import create_api_key
from service.config import Settings
from tests.conftest import CURATED, require_or_skip
from tests.helpers import train_small_model
from tests.service.helpers import serve

pytestmark = pytest.mark.postgres

PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
KINDS = {"readyz", "recommendation", "feedback", "cooperation"}


@dataclass
class Cluster:
    url: str
    data: Path
    log: Path
    port: int
    socket_dir: Path

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BINS[-1] / "pg_ctl"), "-D", str(self.data), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.socket_dir} -c fsync=off"
        self._ctl("-o", options, "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    require_or_skip(
        bool(PG_BINS) and shutil.which("runuser") is not None and os.geteuid() == 0,
        "the outage test needs PostgreSQL's initdb and pg_ctl and root (to run them as postgres)",
    )
    # not under pytest's temporary folder: the postgres user cannot enter root's
    base = Path(tempfile.mkdtemp(prefix="partnermatch-outage-"))
    base.chmod(0o755)
    shutil.chown(base, "postgres")
    data = base / "data"
    subprocess.run(
        ["runuser", "-u", "postgres", "--", str(PG_BINS[-1] / "initdb"), "-D", str(data), "-A", "trust",
         "-U", "postgres", "--no-sync"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cluster = Cluster(
        f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", data, base / "log", port, base
    )
    cluster.start()
    yield cluster
    cluster.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def served(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    engine = make_engine(cluster.url)
    upgrade(engine)
    factory = make_session_factory(engine)
    import_dataset(factory, "curated", curated_dir=CURATED, data_dir=None)
    with factory.begin() as session:
        key = create_api_key(session, name="outage", scopes=["write"])
    version = train_small_model(factory)
    engine.dispose()
    settings = Settings(
        database_url=cluster.url,
        data_dir=None,
        model_dir=tmp_path_factory.mktemp("outage-artifacts"),
        model_poll_seconds=0.5,
        feedback_rate_limit_per_minute=100_000,
    )
    for url in serve(create_app(settings)):
        deadline = time.monotonic() + 60
        while httpx.get(f"{url}/readyz").json()["checks"]["model"] != version:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        yield url, {"Authorization": f"Bearer {key}"}


Seen = list[tuple[float, float, str, str, int]]  # (start, end, request, tag, status)


def _round(client: httpx.Client, headers: dict[str, str], tag: str, cities: list[int], seen: Seen) -> None:
    """Readiness, a recommendation, a feedback post and a cooperation tagged ``tag``."""
    body = {"partner_city_id": cities[1], "query_city_id": cities[0], "kind": "relevant", "comment": tag}
    coop = {"title": tag, "kind": "technical-cooperation", "city_ids": cities[:2], "sectors": ["energy"]}
    requests = {
        "readyz": lambda: client.get("/readyz"),
        "recommendation": lambda: client.post("/v1/recommendations", json={"city_id": cities[0], "limit": 5}),
        "feedback": lambda: client.post("/v1/feedback", json=body),
        "cooperation": lambda: client.post("/v1/cooperations", json=coop, headers=headers),
    }
    for name, send in requests.items():
        start = time.monotonic()
        response = send()
        seen.append((start, time.monotonic(), name, tag, response.status_code))
        if response.status_code == 503 and name != "readyz":
            assert response.json()["error"] == "unavailable", response.text
            assert "database" in response.json()["message"] and response.headers["Retry-After"]


def test_outage_is_answered_503_and_the_service_recovers(cluster: Cluster, served: tuple[str, dict]):
    url, headers = served
    seen: Seen = []
    stop = threading.Event()

    def traffic(cities: list[int]) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            i = 0
            while not stop.is_set():
                _round(client, headers, f"outage-{i}", cities, seen)
                i += 1

    with httpx.Client(base_url=url, timeout=30) as client:
        found = [client.get("/v1/cities", params={"q": q}).json()["items"] for q in ("kitak", "dali")]
    cities = [items[0]["id"] for items in found]
    with httpx.Client(base_url=url, timeout=60) as client:  # warm: the worker's catalogue index is built
        _round(client, headers, "outage-warm", cities, seen)
    assert {status for *_, status in seen} <= {200, 201}, seen
    sender = threading.Thread(target=traffic, args=(cities,))
    sender.start()
    time.sleep(1.5)
    cluster.stop()  # in the middle of traffic: some requests are in flight
    stopped = time.monotonic()
    deadline = stopped + 60
    # down until every kind of request has been answered a few times during the outage
    while min(Counter(n for start, _, n, _, _ in seen if start > stopped).get(k, 0) for k in KINDS) < 3:
        assert time.monotonic() < deadline, seen[-4:]
        time.sleep(0.05)
    restarting = time.monotonic()
    cluster.start()
    restarted = time.monotonic()
    deadline = restarted + 30
    while not {n for start, _, n, _, status in seen if start > restarted and status in (200, 201)} >= KINDS:
        assert time.monotonic() < deadline, seen[-4:]
        time.sleep(0.05)
    recovery = {
        name: round(min(end for start, end, n, _, ok in seen if start > restarted and ok < 300 and n == name)
                    - restarted, 2)
        for name in KINDS
    }  # fmt: skip
    stop.set()
    sender.join(timeout=60)

    statuses = Counter((name, status) for _, _, name, _, status in seen)
    outage = [(name, status) for start, end, name, _, status in seen if stopped < start < end < restarting]
    during = Counter(outage)
    print(f"statuses: {dict(statuses)}; during the outage: {dict(during)}; first answered after the restart "
          f"(s): {recovery}")  # fmt: skip
    assert not any(status >= 500 and status != 503 for _, status in statuses), statuses
    assert len(during) == 4 and {status for _, status in during} == {503}, during
    acknowledged = {
        kind: {tag for _, _, name, tag, status in seen if name == kind and status in (200, 201)}
        for kind in ("feedback", "cooperation")
    }

    engine = make_engine(cluster.url)
    with make_session_factory(engine)() as session:
        feedback = set(session.scalars(select(Feedback.comment).where(Feedback.comment.like("outage-%"))))
        coops = dict(
            session.execute(
                select(Cooperation.title, func.count(CooperationMember.city_id))
                .join(CooperationMember, CooperationMember.cooperation_id == Cooperation.id)
                .where(Cooperation.title.like("outage-%"))
                .group_by(Cooperation.title)
            )
            .tuples()
            .all()
        )
    engine.dispose()
    assert acknowledged["feedback"] <= feedback and acknowledged["cooperation"] <= set(coops)
    # refused writes are not stored (one cut off at its commit could be: its client cannot know)
    assert len(feedback - acknowledged["feedback"]) <= 1
    assert len(set(coops) - acknowledged["cooperation"]) <= 1
    assert all(n == 2 for n in coops.values()), coops  # a cooperation is stored whole or not at all
