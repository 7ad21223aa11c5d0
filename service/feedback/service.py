"""Feedback on suggested partners: who is counted, the per-client rate limit, storing and listing."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from db import writes
from db.repositories import feedback
from service.common import PageQuery
from service.config import Settings
from service.feedback.schemas import FeedbackCreate, FeedbackFilters, FeedbackPage, FeedbackRead
from service.ratelimit import client_id


def create_feedback(
    *, session: Session, body: FeedbackCreate, request: Request, settings: Settings
) -> FeedbackRead:
    """Counted per client over the last minute by the app's rate limiter (``service.ratelimit``);
    over it, :class:`TooManyRequests` with the seconds to wait."""
    client = client_id(request, session, settings)
    request.app.state.rate_limiter.check(
        "feedback", client, per_minute=settings.feedback_rate_limit_per_minute, what="feedback answers"
    )
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


def list_feedback(*, session: Session, page: PageQuery, filters: FeedbackFilters) -> FeedbackPage:
    rows, total = feedback.list_feedback(
        session, **filters.model_dump(), limit=page.limit, offset=page.offset
    )
    return FeedbackPage(**page.of([FeedbackRead.model_validate(r) for r in rows], total))
