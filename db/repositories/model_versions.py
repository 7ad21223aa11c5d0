"""The model registry's rows: reads, and the status changes of promotion (they flush, never commit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.tables import ModelVersion

_NEWEST_FIRST = (ModelVersion.created_at.desc(), ModelVersion.id.desc())


def count_versions_with_prefix(session: Session, *, prefix: str) -> int:
    """How many versions are named ``<prefix>-...`` (the day's versions)."""
    return session.scalar(select(func.count()).where(ModelVersion.version.like(f"{prefix}-%"))) or 0


def get_version(session: Session, *, version: str) -> ModelVersion | None:
    return session.scalar(select(ModelVersion).where(ModelVersion.version == version))


def list_versions(session: Session) -> list[ModelVersion]:
    """Every version, newest first."""
    return list(session.scalars(select(ModelVersion).order_by(*_NEWEST_FIRST)))


def page_versions(session: Session, *, limit: int, offset: int) -> tuple[list[ModelVersion], int]:
    rows = list(session.scalars(select(ModelVersion).order_by(*_NEWEST_FIRST).limit(limit).offset(offset)))
    return rows, session.scalar(select(func.count()).select_from(ModelVersion)) or 0


def promoted_row(session: Session) -> Any | None:
    """(version, artifact_sha256) of the served version: a cheap query every worker polls."""
    stmt = select(ModelVersion.version, ModelVersion.artifact_sha256).where(ModelVersion.status == "promoted")
    return session.execute(stmt).first()


def current_promoted(session: Session) -> ModelVersion | None:
    return session.scalar(select(ModelVersion).where(ModelVersion.status == "promoted"))


def last_promoted_before(session: Session, *, current: ModelVersion | None) -> ModelVersion | None:
    """The version promoted most recently other than ``current`` (failed ones aside)."""
    stmt = select(ModelVersion).where(ModelVersion.promoted_at.is_not(None), ModelVersion.status != "failed")
    if current is not None:
        stmt = stmt.where(ModelVersion.id != current.id)
    return session.scalar(stmt.order_by(ModelVersion.promoted_at.desc()).limit(1))


def artifact_bytes(session: Session, *, version_id: int) -> bytes | None:
    """The stored artifact of a version (read only when it is loaded: it is megabytes)."""
    return session.scalar(select(ModelVersion.artifact).where(ModelVersion.id == version_id))


def mark_promoted(session: Session, *, row: ModelVersion) -> ModelVersion:
    """Make ``row`` the one promoted version; the one promoted before goes back to ``trained``."""
    session.execute(
        update(ModelVersion)
        .where(ModelVersion.status == "promoted", ModelVersion.id != row.id)
        .values(status="trained")
    )
    row.status = "promoted"
    row.promoted_at = dt.datetime.now(dt.UTC)
    session.flush()
    return row
