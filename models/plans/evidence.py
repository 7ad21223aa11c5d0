"""What an item of the readiness check is (a status and the evidence it rests on), and the
readers of the pair's cooperation rows that the factors (:mod:`models.plans.factors`) and the
conditions (:mod:`models.plans.conditions`) share.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from models.plans.facts import Row

Status = Literal["strong", "partial", "gap", "unknown"]
STATUSES: tuple[str, ...] = get_args(Status)
Kind = Literal["factor", "condition"]


@dataclass(frozen=True)
class Evidence:
    text: str
    source: str


@dataclass(frozen=True)
class Item:
    id: str
    kind: Kind
    name: str
    status: Status
    evidence: tuple[Evidence, ...]
    question: str | None


def coop_title(row: Row) -> str:
    year = f" ({row['start_year']})" if row.get("start_year") else ""
    return f"{row['title']}{year}"


def in_sectors(rows: Iterable[Row], sectors: Sequence[str]) -> list[Row]:
    wanted = set(sectors)
    return [r for r in rows if wanted & set(r.get("sectors") or ())]


def unique_rows(rows: Iterable[Row]) -> list[Row]:
    seen: dict[int, Row] = {}
    for r in rows:
        seen.setdefault(int(r["id"]), r)
    return list(seen.values())


def is_documented(row: Row) -> bool:
    return row.get("success") == "high" and bool(row.get("outcome_indicators"))


def indicator_text(row: Row, limit: int = 2) -> str:
    found = []
    for ind in list(row.get("outcome_indicators") or ())[:limit]:
        unit = f" {ind.get('unit')}" if ind.get("unit") and ind.get("unit") != "status" else ""
        year = f" ({ind['year']})" if ind.get("year") else ""
        found.append(f"{ind.get('metric')}: {ind.get('value')}{unit}{year}")
    return "; ".join(found)
