"""Feedback on suggested partners: open like the read endpoints, rate-limited per client in the database."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from db import repositories, writes
from service.auth import AdminKey, bearer_token, verify_api_key
from service.config import Settings
from service.deps import SessionDep, SettingsDep
from service.errors import TooManyRequests, Unauthorized
from service.routes._common import Limit, Offset, domain_errors, errors, offset_next
from service.schemas import FeedbackCreate, FeedbackKind, FeedbackPage, FeedbackRead

router = APIRouter(tags=["feedback"])

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


@router.post(
    "/feedback",
    response_model=FeedbackRead,
    status_code=201,
    summary="Tell how useful a suggested partner was (rate-limited per client)",
    responses=errors(401, 404, 413, 422, 429),
)
def create_feedback(
    body: FeedbackCreate, request: Request, session: SessionDep, settings: SettingsDep
) -> FeedbackRead:
    """Counted per API key (or address) over the last minute in the database, so the limit holds
    across workers and replicas; over it, 429 with `Retry-After`."""
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
    with domain_errors():
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


@router.get(
    "/feedback",
    response_model=FeedbackPage,
    summary="Stored feedback, newest first (admin); a training signal",
    responses=errors(401, 403, 422),
)
def list_feedback(
    request: Request,
    session: SessionDep,
    _: AdminKey,
    kind: FeedbackKind | None = None,
    partner_city_id: Annotated[int | None, Query(ge=1)] = None,
    query_city_id: Annotated[int | None, Query(ge=1)] = None,
    model_version: Annotated[str | None, Query(max_length=40)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> FeedbackPage:
    rows, total = repositories.list_feedback(
        session,
        kind=kind,
        partner_city_id=partner_city_id,
        query_city_id=query_city_id,
        model_version=model_version,
        limit=limit,
        offset=offset,
    )
    return FeedbackPage(
        items=[FeedbackRead.model_validate(r) for r in rows],
        total=total,
        limit=limit,
        offset=offset,
        next=offset_next(request, offset=offset, limit=limit, total=total),
    )
