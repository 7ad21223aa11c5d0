"""Sector recommender: which sectors to cooperate in, with the evidence behind each.

A sector's score adds up four signals, each of which also writes a reason:
the planner asked for it, the needs text is close to the sector's description,
the city has worked in it before, and the suggested partners have a track
record in it (successful cooperations count more).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

REQUESTED_WEIGHT = 1.0
TEXT_WEIGHT = 2.0
OWN_WEIGHT = 0.35
PARTNER_WEIGHT = 0.5
# a sector the vocabulary recognised in a needs text not in English (features/vocabulary.py)
RECOGNISED_WEIGHT = 0.5
# cosine similarities of MiniLM embeddings below this carry little meaning
TEXT_FLOOR = 0.15
# a sector the needs text matches at least this well (after the floor) is one the city needs
NEEDED_TEXT = 0.25
NEEDED_SECTORS = 3


@dataclass(frozen=True)
class SectorInfo:
    id: str
    name: str
    parent: str | None = None


@dataclass
class TrackRecord:
    """Sectors of one city's past cooperations: counts overall and with high success."""

    name: str
    total: Counter[str] = field(default_factory=Counter)
    high: Counter[str] = field(default_factory=Counter)

    def add(self, sectors: Sequence[str], success: str | None) -> None:
        for s in set(sectors):
            self.total[s] += 1
            if success == "high":
                self.high[s] += 1


@dataclass(frozen=True)
class SectorSuggestion:
    id: str
    name: str
    score: float
    reasons: tuple[str, ...]


def _text_scores(needs_embedding: np.ndarray | None, sector_embeddings: np.ndarray) -> np.ndarray:
    if needs_embedding is None or not np.any(needs_embedding):
        return np.zeros(len(sector_embeddings))
    sims = sector_embeddings @ needs_embedding
    return np.clip((sims - TEXT_FLOOR) / (1 - TEXT_FLOOR), 0, 1)


def needed_sectors(
    sectors: Sequence[SectorInfo],
    sector_embeddings: np.ndarray,
    *,
    needs_embedding: np.ndarray | None,
    requested: Sequence[str] = (),
    limit: int = NEEDED_SECTORS,
) -> list[str]:
    """The sectors a request is about: those asked for, else the ones its needs text matches best.

    The role and the precedents are chosen for these, before partners are known.
    """
    if requested:
        return list(dict.fromkeys(requested))
    text = _text_scores(needs_embedding, sector_embeddings)
    best = np.argsort(-text, kind="stable")[:limit]
    return [sectors[k].id for k in best if text[k] >= NEEDED_TEXT]


def suggest_sectors(
    sectors: Sequence[SectorInfo],
    sector_embeddings: np.ndarray,
    *,
    needs_embedding: np.ndarray | None,
    requested: Sequence[str] = (),
    own: TrackRecord | None = None,
    partners: Sequence[TrackRecord] = (),
    limit: int = 5,
    recognised: Mapping[str, Sequence[str]] | None = None,
) -> list[SectorSuggestion]:
    """Score every sector of the taxonomy; return the ``limit`` best with their reasons.

    Parameters
    ----------
    sectors, sector_embeddings
        The taxonomy and L2-normalised embeddings of each sector's description (same order).
    needs_embedding
        L2-normalised embedding of the planner's needs text, or None.
    requested
        Sector ids the planner asked for.
    own
        The asking city's track record (None for a city not in the store).
    partners
        Track records of the suggested partners, best-ranked first.
    recognised
        Sectors the vocabulary recognised in a needs text not in English, with the words.
    """
    recognised = recognised or {}
    requested_set = set(requested)
    parents = {s.id: s.parent for s in sectors}
    text = _text_scores(needs_embedding, sector_embeddings)
    out = []
    for k, sector in enumerate(sectors):
        score, why = 0.0, []
        if sector.id in requested_set:
            score += REQUESTED_WEIGHT
            why.append("You asked for this sector")
        elif parents.get(sector.id) in requested_set:
            score += REQUESTED_WEIGHT / 2
            why.append(f"Part of {parents[sector.id]}, which you asked for")
        if text[k] > 0:
            score += TEXT_WEIGHT * text[k]
            if text[k] >= 0.25:
                why.append(f"Your needs text matches “{sector.name}”")
        if sector.id in recognised:
            score += RECOGNISED_WEIGHT
            words = ", ".join(dict.fromkeys(recognised[sector.id]))
            why.append(f"Your needs text names it: {words}")
        if own is not None and own.total[sector.id]:
            n = own.total[sector.id]
            score += OWN_WEIGHT * min(n, 5) / 5
            why.append(f"{own.name} has {n} past cooperation{'s' if n > 1 else ''} in this sector")
        best: tuple[float, str] | None = None
        for rank, partner in enumerate(partners):
            n, high = partner.total[sector.id], partner.high[sector.id]
            if not n:
                continue
            # earlier partners and successful cooperations weigh more
            value = (min(n, 5) + min(high, 5)) / 10 / (1 + 0.3 * rank)
            score += PARTNER_WEIGHT * value
            if best is None or value > best[0]:
                detail = f", {high} with high success" if high else ""
                best = (
                    value,
                    f"{partner.name} has {n} cooperation{'s' if n > 1 else ''} in this sector{detail}",
                )
        if best is not None:
            why.append(best[1])
        if score > 0:
            out.append(SectorSuggestion(sector.id, sector.name, round(score, 4), tuple(why)))
    out.sort(key=lambda s: (-s.score, s.id))
    return out[:limit]


def track_records(
    cooperations: Sequence[Mapping[str, object]],
    names: Mapping[int, str],
    *,
    exclude: frozenset[int] = frozenset(),
) -> dict[int, TrackRecord]:
    """Track records per city id from cooperation dicts (``members``, ``sectors``, ``success``, ``id``)."""
    records: dict[int, TrackRecord] = {cid: TrackRecord(name) for cid, name in names.items()}
    for coop in cooperations:
        if coop["id"] in exclude:
            continue
        for cid in coop["members"]:  # type: ignore[union-attr]
            if cid in records:
                records[cid].add(coop["sectors"], coop.get("success"))  # type: ignore[arg-type]
    return records
