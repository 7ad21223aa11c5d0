"""Reads of the catalogue: sectors, funding schemes and country facts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.tables import (
    Country,
    FundingScheme,
    Sector,
)


def list_sectors(session: Session) -> list[Sector]:
    return list(session.scalars(select(Sector).order_by(Sector.id)))


def page_sectors(session: Session, *, limit: int, offset: int) -> tuple[list[Sector], int]:
    rows = list(session.scalars(select(Sector).order_by(Sector.id).limit(limit).offset(offset)))
    return rows, session.scalar(select(func.count()).select_from(Sector)) or 0


def get_sector(session: Session, *, sector_id: str) -> Sector | None:
    return session.get(Sector, sector_id)


def list_funding_schemes(session: Session) -> list[FundingScheme]:
    return list(session.scalars(select(FundingScheme).order_by(FundingScheme.id)))


def get_funding_scheme(session: Session, *, scheme_id: str) -> FundingScheme | None:
    return session.get(FundingScheme, scheme_id)


def countries_by_iso2(session: Session) -> dict[str, Country]:
    return {c.iso2: c for c in session.scalars(select(Country))}
