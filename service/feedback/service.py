"""Feedback on suggested partners: who is counted, the per-client rate limit, storing and listing."""

from __future__ import annotations

import datetime as dt

from fastapi import Request
from sqlalchemy.orm import Session

from db import repositories, writes
from db.errors import TooManyRequests, Unauthorized
from service.auth import bearer_token, verify_api_key
from service.common import PageQuery
from service.config import Settings
from service.feedback.schemas import FeedbackCreate, FeedbackPage, FeedbackRead

WINDOW_SECONDS = 60.0


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


def create_feedback(
    *, session: Session, body: FeedbackCreate, request: Request, settings: Settings
) -> FeedbackRead:
    """Counted per client over the last minute in the database, so the limit holds across workers
    and replicas; over it, :class:`TooManyRequests` with the seconds to wait."""
    client = client_id(request, session, settings)
    limit = settings.feedback_rate_limit_per_minute
    retry = repositories.feedback_retry_after(
        session, client=client, limit=limit, window_seconds=WINDOW_SECONDS, now=dt.datetime.now(dt.UTC)
    )
    if retry is not None:
        message = f"at most {limit} feedback answers a minute per client; retry in {retry} s"
        raise TooManyRequests(message, headers={"Retry-After": str(retry)})
    # a query by city id names the city, so feedback on it counts for that city too
    query_city_id = body.query_city_id or (body.query.city_id if body.query else None)
    row = writes.add_feedback(
        session,
        partner_city_id=body.partner_city_id,
        kind=body.kind,
        query_city_id=query_city_id,
        query=body.query.model_dump(mode="json", exclude_none=True) if body.query else None,
        comment=body.comment,
        model_version=body.model_version,
        client=client,
    )
    return FeedbackRead.model_validate(row)


def list_feedback(
    *,
    session: Session,
    page: PageQuery,
    kind: str | None,
    partner_city_id: int | None,
    query_city_id: int | None,
    model_version: str | None,
) -> FeedbackPage:
    rows, total = repositories.list_feedback(
        session,
        kind=kind,
        partner_city_id=partner_city_id,
        query_city_id=query_city_id,
        model_version=model_version,
        limit=page.limit,
        offset=page.offset,
    )
    return FeedbackPage(**page.of([FeedbackRead.model_validate(r) for r in rows], total))
