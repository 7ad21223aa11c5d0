"""Sector fit: the requested sectors against the scheme's ``sectors``.

A mismatch fails; broader and narrower sectors of the taxonomy count as a fit. With no
sectors requested nothing is checked: sector fit then says nothing about eligibility.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from models.funding.registry import Findings, RuleInput, RuleType


def sector_parents_from(records: Iterable[Mapping[str, Any]]) -> dict[str, str | None]:
    """``{sector id: parent id}`` from the records of ``sectors.json``."""
    return {r["id"]: r.get("parent") for r in records}


def _lineage(sector: str, parents: Mapping[str, str | None]) -> list[str]:
    chain, seen = [sector], {sector}
    while (parent := parents.get(chain[-1])) and parent not in seen:
        chain.append(parent)
        seen.add(parent)
    return chain


def check(q: RuleInput, ev: Findings) -> None:
    scheme_sectors: Sequence[str] | None = q.scheme.get("sectors")
    requested, parents = q.sectors, q.sector_parents
    # Nothing requested: sector fit says nothing about eligibility, so it is not checked.
    if not requested or not scheme_sectors:
        return
    offered = set(scheme_sectors)
    direct = [s for s in requested if s in offered]
    if direct:
        ev.add("sectors", "pass", f"scheme covers {', '.join(direct)}")
        return
    # With the taxonomy: a request for "hydrogen" fits a scheme for "energy", and a
    # request for "energy" fits a scheme for "renewable-energy".
    related = []
    for s in requested:
        broader = [a for a in _lineage(s, parents)[1:] if a in offered]
        narrower = [o for o in offered if s in _lineage(o, parents)[1:]]
        if broader:
            related.append(f"{s} via broader {broader[0]}")
        elif narrower:
            related.append(f"{s} via narrower {', '.join(sorted(narrower))}")
    if related:
        ev.add("sectors", "pass", f"scheme covers {'; '.join(related)}")
    else:
        ev.add(
            "sectors",
            "fail",
            f"requested {', '.join(requested)} not among scheme sectors {', '.join(scheme_sectors)}",
        )


RULE_TYPES = (RuleType(rules=("sectors",), order=60, check=check),)
