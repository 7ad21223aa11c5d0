"""Precedents: the past cooperations that back a suggested partner.

For a request about some sectors they come in this order: the partner's own cooperations in those
sectors, then cooperations in them with a member city in each of the two countries (similar pairs: two
members of the one country for a domestic partner); within
each, known outcomes before "success unknown". A partner with nothing in those sectors gets only
similar pairs' precedents, never its unrelated cooperations. A request naming no sector gets the
partner's own cooperations, documented ones first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from models.advice.sectors import TrackRecord

SUCCESS_WEIGHT = {"high": 2.0, "medium": 1.0}

Basis = Literal["partner", "similar_pair"]


@dataclass(frozen=True)
class Chosen:
    cooperation: Mapping[str, Any]
    basis: Basis


def known_outcome(coop: Mapping[str, Any]) -> bool:
    return coop["success"] is not None or coop["outcome_summary"] is not None


def _order(coop: Mapping[str, Any], sectors: set[str]) -> tuple:
    """Known outcome first, then more shared sectors, success, documentation, recency."""
    documented = coop["outcome_summary"] is not None or coop["kind"] != "twinning"
    return (
        not known_outcome(coop),
        -len(sectors & set(coop["sectors"])),
        -SUCCESS_WEIGHT.get(coop["success"] or "", 0.0),
        not documented,
        -(coop["start_year"] or 0),
        coop["id"],
    )


class SectoredCooperations:
    """Cooperations that have sectors, looked up by sector and member country."""

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self.rows = {int(r["id"]): r for r in rows}
        self._by_sector: dict[str, set[int]] = {}
        self._by_country: dict[str, set[int]] = {}
        # cooperations with at least two members in one country (similar to a domestic pair)
        self._within: dict[str, set[int]] = {}
        for coop_id, row in self.rows.items():
            for sector in row["sectors"]:
                self._by_sector.setdefault(sector, set()).add(coop_id)
            for country, members in Counter(row["member_countries"]).items():
                self._by_country.setdefault(country, set()).add(coop_id)
                if members > 1:
                    self._within.setdefault(country, set()).add(coop_id)

    def between(self, a: str | None, b: str | None, sectors: Iterable[str]) -> list[Mapping[str, Any]]:
        """Cooperations in any of ``sectors`` with a member city in country ``a`` and another in ``b``."""
        if not a or not b:
            return []
        found: set[int] = set().union(*(self._by_sector.get(s, set()) for s in sectors))
        if a == b:
            found &= self._within.get(a, set())
        else:
            found &= self._by_country.get(a, set()) & self._by_country.get(b, set())
        return [self.rows[i] for i in found]


def select_precedents(
    history: Sequence[Mapping[str, Any]],
    sectors: Iterable[str],
    limit: int,
    *,
    similar: Sequence[Mapping[str, Any]] = (),
) -> list[Chosen]:
    """Up to ``limit`` precedents for one partner: ``history`` is its own cooperations, ``similar``
    the cooperations of similar pairs (see the module docstring for the order)."""
    wanted = set(sectors)
    if not wanted:
        return [Chosen(c, "partner") for c in sorted(history, key=lambda c: _order(c, wanted))[:limit]]
    own = sorted((c for c in history if wanted & set(c["sectors"])), key=lambda c: _order(c, wanted))
    seen = {c["id"] for c in own}
    pairs = sorted((c for c in similar if c["id"] not in seen), key=lambda c: _order(c, wanted))
    chosen = [Chosen(c, "partner") for c in own] + [Chosen(c, "similar_pair") for c in pairs]
    return chosen[:limit]


def track_record(name: str, history: Iterable[Mapping[str, Any]]) -> TrackRecord:
    record = TrackRecord(name)
    for coop in history:
        record.add(coop["sectors"], coop["success"])
    return record
