"""The planner's role as a lean on the ranked partners, with the reason each partner fits it.

- ``learner``: the city wants to learn, so partners with experience in the sectors it needs (their
  cooperations there, successful ones counting double) move up.
- ``mentor``: the city has something to pass on, so cities that need what it has done move up.
  Only curated profiles (and profiles written through the API) state needs; for any other city
  its own cooperations' sectors and network themes stand in for them, and its reason says so.
- ``peer``: no lean.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from models.advice.sectors import TrackRecord

# the most a fitting role multiplies a score by (1 + ROLE_BOOST); an unfitting partner keeps its score
ROLE_BOOST = 0.5
# cooperations in one sector after which more experience counts no further
EXPERIENCE_CAP = 5
# sectors of what a mentor has done that it offers (its most frequent)
OFFERED_SECTORS = 6
# cooperations of any kind after which a learner asking about no sector sees no more experience
BROAD_CAP = 50


@dataclass(frozen=True)
class RoleFit:
    value: float  # 0 (no fit) .. 1
    reason: str | None


NO_FIT = RoleFit(0.0, None)


def _names(sectors: Collection[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(s, s) for s in sorted(sectors))


def learner_fit(
    record: TrackRecord, needed: Sequence[str], names: Mapping[str, str], *, cooperations: int = 0
) -> RoleFit:
    """How much experience the partner has in the needed sectors (0..1), and its reason.

    With no needed sectors (no needs text, no sectors asked for), experience of any kind counts:
    ``cooperations`` is the partner's number of cooperations, on a log scale up to ``BROAD_CAP``.
    """
    if not needed:
        if not cooperations:
            return NO_FIT
        value = min(1.0, math.log1p(cooperations) / math.log1p(BROAD_CAP))
        plural = "s" if cooperations > 1 else ""
        return RoleFit(
            value, f"{cooperations} cooperation{plural} of its own: a partner to learn from, as you asked"
        )
    value = 0.0
    done = []
    for sector in needed:
        n, high = record.total[sector], record.high[sector]
        value += (min(n, EXPERIENCE_CAP) + min(high, EXPERIENCE_CAP)) / (2 * EXPERIENCE_CAP)
        if n:
            done.append((sector, n, high))
    if not done:
        return NO_FIT
    n = sum(d[1] for d in done)
    high = sum(d[2] for d in done)
    detail = f", {high} with high success" if high else ""
    reason = (
        f"Experienced in {_names([d[0] for d in done], names)} ({n} cooperation{'s' if n > 1 else ''}"
        f"{detail}): a partner to learn from, as you asked"
    )
    return RoleFit(value / len(needed), reason)


def offered_sectors(own: TrackRecord | None, needed: Sequence[str]) -> list[str]:
    """What a mentor city can pass on: the sectors it has worked in most, and those it names."""
    done = [s for s, _ in own.total.most_common(OFFERED_SECTORS)] if own is not None else []
    return list(dict.fromkeys([*needed, *done]))


def mentor_fit(
    offered: Sequence[str],
    *,
    stated: frozenset[str] | None,
    record: TrackRecord,
    mentor_name: str,
    names: Mapping[str, str],
) -> RoleFit:
    """How well what the partner needs matches what the mentor offers (0..1), and its reason.

    ``stated`` are the sectors of the partner's stated needs, or None when it states none; then
    the sectors of its own cooperations and networks are the proxy.
    """
    if not offered:
        return NO_FIT
    wants = stated if stated is not None else frozenset(record.total)
    shared = wants & set(offered)
    if not shared:
        return NO_FIT
    value = min(1.0, len(shared) / min(len(offered), 3))
    what = _names(shared, names)
    if stated is not None:
        reason = f"Its stated needs include {what}, which {mentor_name} can pass on, as you asked"
    else:
        reason = (
            f"States no needs; its cooperations and networks in {what}, which {mentor_name} can pass on, "
            "stand in for them"
        )
    return RoleFit(value, reason)
