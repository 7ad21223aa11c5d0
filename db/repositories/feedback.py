"""Reads of the feedback on recommendations."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.tables import (
    Feedback,
)


def list_feedback(
    session: Session,
    *,
    kind: str | None = None,
    partner_city_id: int | None = None,
    query_city_id: int | None = None,
    model_version: str | None = None,
    limit: int,
    offset: int = 0,
) -> tuple[list[Feedback], int]:
    """Feedback rows, newest first, with the total of matches."""
    stmt = select(Feedback)
    if kind is not None:
        stmt = stmt.where(Feedback.kind == kind)
    if partner_city_id is not None:
        stmt = stmt.where(Feedback.partner_city_id == partner_city_id)
    if query_city_id is not None:
        stmt = stmt.where(Feedback.query_city_id == query_city_id)
    if model_version is not None:
        stmt = stmt.where(Feedback.model_version == model_version)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    stmt = stmt.order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt)), total
