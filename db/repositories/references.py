"""Which of some given ids the store lacks (writes check references with it)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session


def unknown_ids(session: Session, *, column: Any, values: Iterable[Any]) -> list[Any]:
    """The values with no row whose ``column`` equals them, in the order given."""
    wanted = list(dict.fromkeys(values))
    if not wanted:
        return []
    known = set(session.scalars(select(column).where(column.in_(wanted))))
    return [v for v in wanted if v not in known]
