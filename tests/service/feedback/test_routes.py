"""Feedback: stored as a training signal, validated, rate-limited per client (service.ratelimit)."""

from __future__ import annotations

import itertools

from starlette.requests import Request

from db.tables import Feedback
from service.auth import create_api_key
from service.config import Settings
from service.ratelimit import client_id
from tests.service.helpers import FEEDBACK_LIMIT, Api, assert_error

_addresses = (f"203.0.113.{i}" for i in itertools.count(1))


def _client() -> dict[str, str]:
    """A fresh client address per test, so tests do not share a rate-limit window."""
    return {"X-Forwarded-For": next(_addresses)}


def _body(api: Api, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "query_city_id": api.city_id("Mandalay"),
        "partner_city_id": api.city_id("Kitakyushu"),
        "kind": "contacted",
        "comment": "Met at the Asia water forum.",
        "model_version": "2026-11-23-1",
    }
    body.update(overrides)
    return body


def test_feedback_is_stored(api: Api) -> None:
    headers = _client()
    response = api.client.post("/v1/feedback", json=_body(api), headers=headers)
    assert response.status_code == 201, response.text
    row_id = response.json()["id"]
    with api.factory() as session:
        row = session.get(Feedback, row_id)
        assert row is not None and row.kind == "contacted" and row.model_version == "2026-11-23-1"
        assert row.client == f"ip:{headers['X-Forwarded-For']}"


def test_feedback_with_the_request_object(api: Api) -> None:
    query = {"city": {"name": "Takeo", "country": "KH"}, "needs": "reduce non-revenue water", "limit": 5}
    body = _body(api, query_city_id=None, query=query, kind="relevant", comment=None)
    response = api.client.post("/v1/feedback", json=body, headers=_client())
    assert response.status_code == 201, response.text
    stored = response.json()
    assert stored["query_city_id"] is None and stored["query"]["needs"] == "reduce non-revenue water"
    by_city = _body(api, query_city_id=None, query={"city_id": api.city_id("Dalian")})
    assert api.client.post("/v1/feedback", json=by_city, headers=_client()).json()["query_city_id"] == (
        api.city_id("Dalian")
    )


def test_feedback_validation(api: Api) -> None:
    headers = _client()

    def post(**overrides: object):  # type: ignore[no-untyped-def]
        return api.client.post("/v1/feedback", json=_body(api, **overrides), headers=headers)

    assert_error(post(partner_city_id=99999999), 404, "not_found", "partner_city_id")
    assert_error(post(query_city_id=99999999), 404, "not_found", "query_city_id")
    assert_error(post(kind="love"), 422, "invalid_input", "kind")
    assert_error(post(comment=""), 422, "invalid_input", "comment")
    assert_error(post(comment="x" * 2001), 422, "invalid_input", "comment")
    assert_error(post(query_city_id=None), 422, "invalid_input")
    # field not asserted: service.errors._field_path drops a field named "query" (taken for the location)
    bad_query = assert_error(post(query={"needs": "x"}, query_city_id=None), 422, "invalid_input")
    assert "exactly one of city_id" in bad_query["message"]
    assert_error(post(partner_city_id="Essen"), 422, "invalid_input", "partner_city_id")


def test_rate_limit_per_client(api: Api) -> None:
    headers = _client()
    for _ in range(FEEDBACK_LIMIT):
        assert api.client.post("/v1/feedback", json=_body(api), headers=headers).status_code == 201
    limited = api.client.post("/v1/feedback", json=_body(api), headers=headers)
    body = assert_error(limited, 429, "rate_limited")
    assert f"at most {FEEDBACK_LIMIT}" in body["message"]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    # another client is not limited by this one
    assert api.client.post("/v1/feedback", json=_body(api), headers=_client()).status_code == 201


def test_rate_limit_counts_per_api_key(api: Api) -> None:
    address = _client()
    with api.factory.begin() as session:  # a key of this test's own: the window is per key
        key = create_api_key(session, name="feedback-limit", scopes=["read"])
    headers = {"Authorization": f"Bearer {key}", **address}
    for _ in range(FEEDBACK_LIMIT):
        assert api.client.post("/v1/feedback", json=_body(api), headers=headers).status_code == 201
    assert api.client.post("/v1/feedback", json=_body(api), headers=headers).status_code == 429
    # the same address without the key is a different client
    assert api.client.post("/v1/feedback", json=_body(api), headers=address).status_code == 201
    bogus = {"Authorization": "Bearer pm_bogus.key", **_client()}
    assert_error(api.client.post("/v1/feedback", json=_body(api), headers=bogus), 401, "unauthorized")


def test_admin_lists_feedback(api: Api) -> None:
    partner = api.city_id("Surabaya")
    headers = _client()
    for kind in ("relevant", "not_relevant"):
        api.client.post("/v1/feedback", json=_body(api, partner_city_id=partner, kind=kind), headers=headers)
    assert_error(api.client.get("/v1/feedback"), 401, "unauthorized")
    page = api.client.get(
        "/v1/feedback", params={"partner_city_id": partner, "limit": 1}, headers=api.auth("admin")
    ).json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["next"]
    assert page["items"][0]["kind"] == "not_relevant"  # newest first
    rest = api.client.get(page["next"], headers=api.auth("admin")).json()
    assert rest["items"][0]["kind"] == "relevant" and rest["next"] is None
    relevant = api.client.get(
        "/v1/feedback", params={"partner_city_id": partner, "kind": "relevant"}, headers=api.auth("admin")
    ).json()
    assert relevant["total"] == 1


def _request(headers: dict[str, str], host: str = "10.0.0.9") -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "headers": raw, "client": (host, 1234), "method": "POST", "path": "/"})


def test_forwarded_for_is_trusted_only_when_configured() -> None:
    forged = {"X-Forwarded-For": "1.2.3.4, 198.51.100.7"}
    no_proxy = Settings(database_url="sqlite://", data_dir=None, trusted_proxy_hops=0)
    one_proxy = Settings(database_url="sqlite://", data_dir=None, trusted_proxy_hops=1)
    two_proxies = Settings(database_url="sqlite://", data_dir=None, trusted_proxy_hops=2)
    session = None  # no Authorization header: the session is not touched
    assert client_id(_request(forged), session, no_proxy) == "ip:10.0.0.9"  # type: ignore[arg-type]
    # the rightmost entry is the one the trusted proxy wrote; the left one is the client's claim
    assert client_id(_request(forged), session, one_proxy) == "ip:198.51.100.7"  # type: ignore[arg-type]
    assert client_id(_request(forged), session, two_proxies) == "ip:1.2.3.4"  # type: ignore[arg-type]
    assert client_id(_request({}), session, one_proxy) == "ip:10.0.0.9"  # type: ignore[arg-type]
