"""Reads of action plans and their versions."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.tables import (
    Plan,
    PlanVersion,
)


def get_plan(session: Session, *, plan_id: int) -> Plan | None:
    return session.get(Plan, plan_id)


def page_plans(session: Session, *, city_id: int | None, limit: int, offset: int) -> tuple[list[Plan], int]:
    stmt = select(Plan)
    if city_id is not None:
        stmt = stmt.where((Plan.city_id == city_id) | (Plan.partner_city_id == city_id))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(session.scalars(stmt.order_by(Plan.id).limit(limit).offset(offset)))
    return rows, total


def plan_versions(session: Session, *, plan_id: int) -> list[PlanVersion]:
    stmt = select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(PlanVersion.version)
    return list(session.scalars(stmt))


def plan_version(session: Session, *, plan_id: int, version: int) -> PlanVersion | None:
    stmt = select(PlanVersion).where(PlanVersion.plan_id == plan_id, PlanVersion.version == version)
    return session.scalar(stmt)
