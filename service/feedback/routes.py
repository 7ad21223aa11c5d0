"""Feedback on suggested partners: open like the read endpoints, rate-limited per client."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from service.auth import AdminKey
from service.common import PageDep, errors
from service.deps import SessionDep, SettingsDep
from service.feedback import service
from service.feedback.schemas import FeedbackCreate, FeedbackFilters, FeedbackPage, FeedbackRead

router = APIRouter(tags=["feedback"])


@router.post(
    "/feedback",
    status_code=201,
    summary="Tell how useful a suggested partner was (rate-limited per client)",
    responses=errors(401, 404, 413, 422, 429, 503),
)
def create_feedback(
    body: FeedbackCreate, request: Request, session: SessionDep, settings: SettingsDep
) -> FeedbackRead:
    """Counted per API key (or address) over the last minute
    (`PARTNERMATCH_FEEDBACK_RATE_LIMIT_PER_MINUTE`, default 30); over it, 429 with `Retry-After`.
    Counts are per worker, or shared through `PARTNERMATCH_RATE_LIMIT_STORAGE_URI=redis://...`."""
    return service.create_feedback(session=session, body=body, request=request, settings=settings)


@router.get(
    "/feedback",
    summary="Stored feedback, newest first (admin); a training signal",
    responses=errors(401, 403, 422, 503),
)
def list_feedback(
    session: SessionDep,
    _: AdminKey,
    page: PageDep,
    filters: Annotated[FeedbackFilters, Query()],
) -> FeedbackPage:
    return service.list_feedback(session=session, page=page, filters=filters)
