"""Per-client rate limits (``POST /v1/recommendations``, ``POST /v1/feedback``) on the `limits` library.

Who is counted: the API key when the request sends one (a key that does not verify is a 401,
so made-up keys cannot open fresh windows), else the client address. Counts live in
``rate_limit_storage_uri``: ``memory://`` (the default) counts per worker process, so with N
workers a client gets up to N times the limit; ``redis://host:port/db`` shares one count across
workers and replicas. A hit is counted and checked in one atomic step (a lock in memory, a
Lua script in Redis), so simultaneous requests cannot overshoot. When the storage cannot be
reached the request is let through and a warning logged: a limit is not worth an outage.
"""

from __future__ import annotations

import logging
import math
import time

from fastapi import Depends, Request
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from db.errors import TooManyRequests, Unauthorized
from service.auth import bearer_token, verify_api_key
from service.config import Settings
from service.deps import SessionDep

logger = logging.getLogger(__name__)

STRATEGIES = {"moving-window": MovingWindowRateLimiter, "fixed-window": FixedWindowRateLimiter}


class RateLimiter:
    """Per-minute limits by name (``"recommendations"``, ``"feedback"``) and client, in one storage."""

    def __init__(self, storage_uri: str = "memory://", strategy: str = "moving-window") -> None:
        options = {"key_prefix": "partnermatch"} if storage_uri.startswith(("redis", "rediss")) else {}
        self.storage = storage_from_string(storage_uri, **options)
        self.strategy = STRATEGIES[strategy](self.storage)

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        return cls(settings.rate_limit_storage_uri, settings.rate_limit_strategy)

    def check(self, name: str, client: str, *, per_minute: int, what: str) -> None:
        """Count one hit of ``client`` on ``name``; over ``per_minute``, :class:`TooManyRequests`.

        ``per_minute`` of 0 or less turns the limit off. ``what`` names the requests in the message.
        """
        if per_minute <= 0:
            return
        item = RateLimitItemPerMinute(per_minute)
        try:
            if self.strategy.hit(item, name, client):
                return
            reset_at = self.strategy.get_window_stats(item, name, client).reset_time
        except Exception as exc:  # storage down or unreachable: let the request through
            logger.warning("rate limit storage unavailable, %s not limited: %s", name, str(exc)[:200])
            return
        retry = max(1, math.ceil(reset_at - time.time()))
        raise TooManyRequests(
            f"at most {per_minute} {what} a minute per client; retry in {retry} s",
            headers={"Retry-After": str(retry)},
        )


def client_id(request: Request, session: Session, settings: Settings) -> str:
    """Who to count: the API key when one is sent, else the client address (unless reads need a key).

    X-Forwarded-For is read only when ``trusted_proxy_hops`` says proxies add to it, and
    then from the right: entries further left come from the client and can be forged.
    """
    token = bearer_token(request)
    if token is not None:
        key = verify_api_key(session, token)
        if key is None:
            raise Unauthorized(
                "the API key is not valid (unknown, revoked or mistyped); send none or a valid one"
            )
        return f"key:{key.prefix}"
    if settings.require_api_key_for_reads:
        raise Unauthorized("this endpoint needs an API key: send 'Authorization: Bearer <key>'")
    address = request.client.host if request.client else "unknown"
    hops = settings.trusted_proxy_hops
    forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",") if a.strip()]
    if hops and forwarded:
        address = forwarded[-min(hops, len(forwarded))]
    return f"ip:{address}"[:100]


async def limit_recommendations(request: Request, session: SessionDep) -> None:
    """Dependency of ``POST /v1/recommendations``: ``recommend_rate_limit_per_minute`` per client.

    Async, so that while the limit is off it costs no threadpool hop; when on, the key check
    and the storage (a network call with Redis) run on the threadpool.
    """
    settings: Settings = request.app.state.settings
    if settings.recommend_rate_limit_per_minute <= 0:
        return

    def check() -> None:
        client = client_id(request, session, settings)
        request.app.state.rate_limiter.check(
            "recommendations",
            client,
            per_minute=settings.recommend_rate_limit_per_minute,
            what="recommendations",
        )

    await run_in_threadpool(check)


RecommendLimit = Depends(limit_recommendations)
