"""Precedents: the past cooperations that back a suggestion, documented outcomes first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from models.advice.sectors import TrackRecord

SUCCESS_WEIGHT = {"high": 2.0, "medium": 1.0}


def precedent_score(coop: Mapping[str, Any], sectors: set[str]) -> float:
    """Sector overlap counts most, then a documented outcome, success, and recency."""
    overlap = len(sectors & set(coop["sectors"]))
    documented = coop["outcome_summary"] is not None or coop["kind"] != "twinning"
    success = SUCCESS_WEIGHT.get(coop["success"] or "", 0.0)
    return 3.0 * overlap + 2.0 * documented + success + (coop["start_year"] or 0) / 10_000


def select_precedents(
    history: Sequence[Mapping[str, Any]], sectors: Iterable[str], limit: int
) -> list[Mapping]:
    wanted = set(sectors)
    return sorted(history, key=lambda c: (-precedent_score(c, wanted), c["id"]))[:limit]


def track_record(name: str, history: Iterable[Mapping[str, Any]]) -> TrackRecord:
    record = TrackRecord(name)
    for coop in history:
        record.add(coop["sectors"], coop["success"])
    return record
