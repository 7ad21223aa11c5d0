"""A write is committed before its response is sent: a commit that fails is never answered 2xx.

Against the real app under uvicorn (TestClient runs the session dependency's exit before it
hands back the response, whatever its scope, so it cannot show the difference). The commit is
made to fail by the database itself: a trigger adds a row that breaks a deferred foreign key,
which both SQLite and PostgreSQL check only at COMMIT.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select, text

from db.tables import Cooperation, Feedback
from service.app import create_app
from tests.service.helpers import Api, serve

MARK = "fail-at-commit"
GUARD = [
    "CREATE TABLE commit_guard_target (id INTEGER PRIMARY KEY)",
    "CREATE TABLE commit_guard "
    "(ref INTEGER REFERENCES commit_guard_target (id) DEFERRABLE INITIALLY DEFERRED)",
]
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER fail_feedback AFTER INSERT ON feedback WHEN NEW.comment = '{MARK}' "
    "BEGIN INSERT INTO commit_guard VALUES (1); END",
    f"CREATE TRIGGER fail_cooperation AFTER INSERT ON cooperations WHEN NEW.title = '{MARK}' "
    "BEGIN INSERT INTO commit_guard VALUES (1); END",
]
POSTGRES_TRIGGERS = [
    "CREATE FUNCTION break_commit() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN INSERT INTO commit_guard VALUES (1); RETURN NEW; END $$",
    f"CREATE TRIGGER fail_feedback AFTER INSERT ON feedback FOR EACH ROW WHEN (NEW.comment = '{MARK}') "
    "EXECUTE FUNCTION break_commit()",
    f"CREATE TRIGGER fail_cooperation AFTER INSERT ON cooperations FOR EACH ROW WHEN (NEW.title = '{MARK}') "
    "EXECUTE FUNCTION break_commit()",
]
SQLITE_TEARDOWN = ["DROP TRIGGER fail_feedback", "DROP TRIGGER fail_cooperation"]
POSTGRES_TEARDOWN = [
    "DROP TRIGGER fail_feedback ON feedback",
    "DROP TRIGGER fail_cooperation ON cooperations",
    "DROP FUNCTION break_commit()",
]


@pytest.fixture
def failing_commits(api: Api) -> Iterator[None]:
    """Commits of marked feedback and cooperations fail; everything else commits as usual."""
    postgres = api.factory.kw["bind"].dialect.name == "postgresql"
    with api.factory.begin() as session:
        for statement in GUARD + (POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS):
            session.execute(text(statement))
    yield
    with api.factory.begin() as session:
        for statement in (POSTGRES_TEARDOWN if postgres else SQLITE_TEARDOWN) + [
            "DROP TABLE commit_guard",
            "DROP TABLE commit_guard_target",
        ]:
            session.execute(text(statement))


@pytest.fixture
def server(api: Api) -> Iterator[str]:
    yield from serve(create_app(api.settings))


def _count(api: Api, column, value: str) -> int:  # type: ignore[no-untyped-def]
    with api.factory() as session:
        return session.scalar(select(func.count()).where(column == value)) or 0


def test_failed_commit_of_feedback_is_not_acknowledged(api: Api, server: str, failing_commits: None):
    query, partner = api.new_cities("Commit point feedback town", 2)
    with httpx.Client(base_url=server, timeout=30, headers={"X-Forwarded-For": "10.9.0.1"}) as client:
        body = {"partner_city_id": partner, "query_city_id": query, "kind": "relevant"}
        ok = client.post("/v1/feedback", json={**body, "comment": "kept"})
        failed = client.post("/v1/feedback", json={**body, "comment": MARK})
    assert ok.status_code == 201, ok.text
    assert failed.status_code >= 500, failed.text
    assert failed.json()["error"] == "internal_error"
    assert _count(api, Feedback.comment, MARK) == 0


def test_failed_commit_of_cooperation_is_not_acknowledged(api: Api, server: str, failing_commits: None):
    members = api.new_cities("Commit point cooperation town", 2)
    body = {"kind": "technical-cooperation", "city_ids": members, "sectors": ["energy"]}
    with httpx.Client(base_url=server, timeout=30, headers=api.auth("write")) as client:
        ok = client.post("/v1/cooperations", json={**body, "title": "Committed before the answer"})
        failed = client.post("/v1/cooperations", json={**body, "title": MARK})
    assert ok.status_code == 201, ok.text
    assert _count(api, Cooperation.title, "Committed before the answer") == 1
    assert failed.status_code >= 500, failed.text
    assert _count(api, Cooperation.title, MARK) == 0
