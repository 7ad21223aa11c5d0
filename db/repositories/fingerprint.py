"""What tells a worker that the catalogue changed."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.tables import (
    Cooperation,
    FundingScheme,
    Sector,
)


def catalogue_fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes when sectors, schemes or cooperations are added or edited.

    Sectors and schemes are a few hundred rows, so their content is hashed (a few ms);
    for cooperations their count and largest id tell additions, and the sum of their
    revisions in-place changes, in whatever order writers commit.
    """
    digest = hashlib.sha256()
    sectors = select(Sector.id, Sector.name, Sector.description, Sector.parent_id, Sector.aliases)
    for row in session.execute(sectors.order_by(Sector.id)):
        digest.update(repr(tuple(row)).encode())
    for row in session.execute(
        select(
            FundingScheme.id, FundingScheme.name, FundingScheme.description, FundingScheme.eligibility,
            FundingScheme.sectors, FundingScheme.record,
        ).order_by(FundingScheme.id)
    ):  # fmt: skip
        digest.update(repr(tuple(row)).encode())
    return (
        digest.hexdigest(),
        session.scalar(select(func.count()).select_from(Cooperation)),
        session.scalar(select(func.max(Cooperation.id))),
        session.scalar(select(func.sum(Cooperation.revision))),
    )
