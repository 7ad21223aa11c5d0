"""Per-client rate limits (service/ratelimit.py): the recommendation limit over HTTP, the limiter
itself in memory and in the real Redis (PARTNERMATCH_TEST_REDIS_URL, default 127.0.0.1:6379/15)."""

from __future__ import annotations

import itertools
import os
import threading
import uuid

import pytest

from db.errors import TooManyRequests
from service.auth import create_api_key
from service.config import Settings
from service.ratelimit import RateLimiter
from tests.conftest import require_or_skip
from tests.service.helpers import Api, assert_error

REDIS_URL = os.environ.get("PARTNERMATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
_addresses = (f"198.51.100.{i}" for i in itertools.count(1))


def _client() -> dict[str, str]:
    """A fresh client address, so tests do not share a window."""
    return {"X-Forwarded-For": next(_addresses)}


def _ask(api: Api, headers: dict[str, str]) -> int:
    # 200 with a promoted model, 503 without one: the limit is checked before either
    body = {"city_id": api.city_id("Kitakyushu"), "limit": 1}
    return api.client.post("/v1/recommendations", json=body, headers=headers).status_code


@pytest.fixture()
def limited(api: Api, monkeypatch: pytest.MonkeyPatch) -> int:
    """The recommendation limit switched on for one test (the app reads its settings per request)."""
    monkeypatch.setattr(api.settings, "recommend_rate_limit_per_minute", 3)
    return 3


@pytest.fixture()
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        available = True
    except redis.RedisError:
        available = False
    require_or_skip(available, f"Redis not reachable at {REDIS_URL}; set PARTNERMATCH_TEST_REDIS_URL")
    return REDIS_URL


def test_recommendations_are_not_limited_by_default(api: Api) -> None:
    assert Settings.model_fields["recommend_rate_limit_per_minute"].default == 0
    assert api.settings.recommend_rate_limit_per_minute == 0
    headers = _client()
    assert all(_ask(api, headers) != 429 for _ in range(8))


def test_recommendations_over_the_limit_get_429_with_retry_after(api: Api, limited: int) -> None:
    headers = _client()
    assert all(_ask(api, headers) != 429 for _ in range(limited))
    response = api.client.post("/v1/recommendations", json={"city_id": 1, "limit": 1}, headers=headers)
    body = assert_error(response, 429, "rate_limited")
    assert f"at most {limited} recommendations a minute" in body["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    # another client has a window of its own
    assert _ask(api, _client()) != 429


def test_recommendation_limit_counts_per_api_key(api: Api, limited: int) -> None:
    with api.factory.begin() as session:
        key = create_api_key(session, name="recommend-limit", scopes=["read"])
    address = _client()
    with_key = {"Authorization": f"Bearer {key}", **address}
    assert all(_ask(api, with_key) != 429 for _ in range(limited))
    assert _ask(api, with_key) == 429
    # the same address without the key is another client; a key that does not verify is refused
    assert _ask(api, address) != 429
    bogus = {"Authorization": "Bearer pm_bogus.key", **_client()}
    body = {"city_id": 1, "limit": 1}
    assert_error(api.client.post("/v1/recommendations", json=body, headers=bogus), 401, "unauthorized")


def test_the_429_is_in_the_openapi_description(api: Api) -> None:
    responses = api.client.get("/openapi.json").json()["paths"]["/v1/recommendations"]["post"]["responses"]
    assert "Retry-After" in responses["429"]["headers"]
    assert responses["429"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")


def test_limiter_counts_atomically_under_concurrent_hits() -> None:
    """The old feedback limit counted then inserted, so simultaneous requests overshot it."""
    limiter = RateLimiter("memory://")
    passed, barrier = [], threading.Barrier(16)

    def hit() -> None:
        barrier.wait()
        try:
            limiter.check("feedback", "ip:a", per_minute=5, what="feedback answers")
            passed.append(1)
        except TooManyRequests:
            pass

    threads = [threading.Thread(target=hit) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(passed) == 5


@pytest.mark.parametrize("strategy", ["moving-window", "fixed-window"])
def test_limiter_off_at_zero_and_retry_after(strategy: str) -> None:
    limiter = RateLimiter("memory://", strategy)
    for _ in range(50):
        limiter.check("x", "ip:a", per_minute=0, what="things")
    limiter.check("x", "ip:a", per_minute=1, what="things")
    with pytest.raises(TooManyRequests) as raised:
        limiter.check("x", "ip:a", per_minute=1, what="things")
    assert 1 <= int(raised.value.headers["Retry-After"]) <= 60
    limiter.check("y", "ip:a", per_minute=1, what="things")  # another limit, another count


def test_redis_storage_is_shared_between_workers(redis_url: str) -> None:
    """Two limiters on one Redis stand for two workers (or replicas): they share the count."""
    first, second = RateLimiter(redis_url), RateLimiter(redis_url)
    client = f"ip:test-{uuid.uuid4()}"
    first.check("recommendations", client, per_minute=2, what="recommendations")
    second.check("recommendations", client, per_minute=2, what="recommendations")
    with pytest.raises(TooManyRequests) as raised:
        first.check("recommendations", client, per_minute=2, what="recommendations")
    assert 1 <= int(raised.value.headers["Retry-After"]) <= 60
    second.check("feedback", client, per_minute=2, what="feedback answers")


def test_feedback_limit_through_redis(api: Api, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    state = api.client.app.state  # starlette's State: monkeypatch would delete the attribute on undo
    in_memory, state.rate_limiter = state.rate_limiter, RateLimiter(redis_url)
    monkeypatch.setattr(api.settings, "feedback_rate_limit_per_minute", 2)
    body = {
        "query_city_id": api.city_id("Mandalay"),
        "partner_city_id": api.city_id("Kitakyushu"),
        "kind": "relevant",
    }
    headers = {"X-Forwarded-For": f"redis-{uuid.uuid4().hex}"}
    try:
        for _ in range(2):
            assert api.client.post("/v1/feedback", json=body, headers=headers).status_code == 201
        limited = api.client.post("/v1/feedback", json=body, headers=headers)
        assert_error(limited, 429, "rate_limited")
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
    finally:
        state.rate_limiter = in_memory


def test_unreachable_storage_lets_requests_through(caplog: pytest.LogCaptureFixture) -> None:
    limiter = RateLimiter("redis://127.0.0.1:1/0")
    for _ in range(3):
        limiter.check("recommendations", "ip:a", per_minute=1, what="recommendations")
    assert "rate limit storage unavailable" in caplog.text
