"""Roll-out through a partner: the places of the partner's country (or, the mirror case, of the
planner's own country) that need what the pair did together and that the anchor can reach.

Kitakyushu's water know-how went through the Phnom Penh utility to eight provincial waterworks:
a roll-out reaches the utility of a province, which sits in its seat, not in the partner's own
suburbs (the partner already serves those). So a place scores by being the likely seat of its
province (the largest town of its first-order division in the gazetteer), by its size, by how far
it is from the anchor (out of the anchor's own area, the nearer the better), by what the store
knows of it (a profile that states the sector, cooperations in it with others, a link to the
anchor or the planner), and by a size like that of the places the anchor already reached in the
sector. Candidates are every gazetteer town of the country, with or without a store record.

The weights below are set by reasoning, not fitted: the only check is the Cambodian roll-out
(``benchmarks/rollout_eval.py``), too few towns to fit on.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from db.places.geometry import haversine_km

SEAT_WEIGHT = 1.0
SIZE_WEIGHT = 0.6
REACH_WEIGHT = 0.4
NEED_WEIGHT = 1.0
RECORD_WEIGHT = 0.5
LINK_WEIGHT = 0.5
SIMILAR_WEIGHT = 0.5
# the anchor's own area: places this close are its suburbs, served by it already
OWN_AREA_KM = 30.0
# distances are felt on this scale (a day's drive)
REACH_KM = 400.0


@dataclass(frozen=True)
class Place:
    """A candidate: a gazetteer town, a store city, or both (matched by GeoNames id)."""

    name: str
    country: str
    admin1: str | None = None
    geonames_id: int | None = None
    city_id: int | None = None
    population: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    stated_sectors: frozenset[str] = frozenset()
    sector_record: frozenset[str] = frozenset()
    linked_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Anchor:
    """Who reaches out: the partner (side ``partner``) or the planner's city (side ``home``)."""

    name: str
    latitude: float | None
    longitude: float | None
    admin1: str | None = None
    geonames_id: int | None = None
    city_id: int | None = None


@dataclass(frozen=True)
class RankedPlace:
    place: Place
    score: float
    distance_km: float | None
    reasons: tuple[str, ...] = field(default=())


def seats(places: Iterable[Place]) -> set[int]:
    """GeoNames ids of the largest place of each first-order division."""
    best: dict[str, Place] = {}
    for p in places:
        if p.admin1 is None or p.geonames_id is None or not p.population:
            continue
        if p.admin1 not in best or p.population > (best[p.admin1].population or 0):
            best[p.admin1] = p
    return {p.geonames_id for p in best.values() if p.geonames_id is not None}


def _size(population: int | None) -> float:
    """0 for a village of 1,000 people, 1 for a city of a million."""
    if not population:
        return 0.0
    return min(max((math.log10(population) - 3.0) / 3.0, 0.0), 1.0)


def rank_places(
    places: Sequence[Place],
    *,
    anchor: Anchor,
    sector: str,
    sector_name: str,
    reached: Sequence[Place] = (),
    exclude: Iterable[int] = (),
) -> list[RankedPlace]:
    """Every place but the anchor (and the ``exclude`` GeoNames ids), best first.

    ``reached`` are the places the anchor already worked with in the sector: the candidates of a
    size like theirs score higher, and they are not candidates again.
    """
    skip = set(exclude) | {p.geonames_id for p in reached if p.geonames_id is not None}
    if anchor.geonames_id is not None:
        skip.add(anchor.geonames_id)
    seat_ids = seats(places)
    sizes = [math.log10(p.population) for p in reached if p.population]
    typical = sum(sizes) / len(sizes) if sizes else None
    distances = _distances(places, anchor)
    out = []
    for p, distance in zip(places, distances, strict=True):
        if p.geonames_id in skip or p.city_id is not None and p.city_id == anchor.city_id:
            continue
        reasons: list[str] = []
        score = 0.0
        own_area = (
            distance is not None
            and distance < OWN_AREA_KM
            or (anchor.admin1 is not None and p.admin1 == anchor.admin1)
        )
        if p.geonames_id in seat_ids and not own_area:
            score += SEAT_WEIGHT
            reasons.append("the largest town of its province, likely its seat and where its utility is")
        score += SIZE_WEIGHT * _size(p.population)
        if p.population:
            reasons.append(f"{p.population:,} people")
        if distance is not None:
            if own_area:
                reasons.append(f"in {anchor.name}'s own area ({distance:.0f} km): served by it already")
            else:
                score += REACH_WEIGHT * math.exp(-distance / REACH_KM)
                reasons.append(f"{distance:.0f} km from {anchor.name}")
        if sector in p.stated_sectors:
            score += NEED_WEIGHT
            reasons.append(f"its profile says it needs {sector_name}")
        if sector in p.sector_record:
            score += RECORD_WEIGHT
            reasons.append(f"it has cooperated in {sector_name} before")
        if p.linked_to:
            score += LINK_WEIGHT
            reasons.append(f"linked to {' and '.join(p.linked_to)} by a cooperation")
        if typical is not None and p.population:
            similar = max(0.0, 1.0 - abs(math.log10(p.population) - typical))
            if similar > 0:
                score += SIMILAR_WEIGHT * similar
                reasons.append(f"of a size like the places {anchor.name} already reached in {sector_name}")
        km = None if distance is None else round(distance, 1)
        out.append(RankedPlace(p, round(score, 4), km, tuple(reasons)))
    out.sort(key=lambda r: (-r.score, -(r.place.population or 0), r.place.name))
    return out


def _distances(places: Sequence[Place], anchor: Anchor) -> list[float | None]:
    if anchor.latitude is None or anchor.longitude is None or not places:
        return [None] * len(places)
    lat = np.array([np.nan if p.latitude is None else p.latitude for p in places], dtype=float)
    lon = np.array([np.nan if p.longitude is None else p.longitude for p in places], dtype=float)
    km = haversine_km(lat, lon, np.full_like(lat, anchor.latitude), np.full_like(lon, anchor.longitude))
    return [None if np.isnan(d) else float(d) for d in km]


def merge_places(gazetteer: Iterable[Place], stored: Iterable[Place]) -> list[Place]:
    """The gazetteer towns with the store's facts on those it has, plus stored places the
    gazetteer lacks (matched by GeoNames id)."""
    by_id: dict[int, Place] = {}
    extra: list[Place] = []
    for p in stored:
        if p.geonames_id is not None:
            by_id[p.geonames_id] = p
        else:
            extra.append(p)
    out = []
    for g in gazetteer:
        s = by_id.pop(g.geonames_id, None) if g.geonames_id is not None else None
        if s is None:
            out.append(g)
            continue
        out.append(
            Place(
                name=s.name,
                country=g.country,
                admin1=g.admin1,
                geonames_id=g.geonames_id,
                city_id=s.city_id,
                population=s.population or g.population,
                latitude=s.latitude if s.latitude is not None else g.latitude,
                longitude=s.longitude if s.longitude is not None else g.longitude,
                stated_sectors=s.stated_sectors,
                sector_record=s.sector_record,
                linked_to=s.linked_to,
            )
        )
    return out + list(by_id.values()) + extra


def records(
    rows: Iterable[Mapping], *, anchors: Mapping[int, str]
) -> tuple[dict[int, set[str]], dict[int, list[str]]]:
    """From cooperation rows (members, sectors): each city's sectors, and the anchors (id -> name)
    each city shares a cooperation with."""
    sectors: dict[int, set[str]] = defaultdict(set)
    links: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        members = set(row["members"])
        for city in members:
            sectors[city] |= set(row.get("sectors", ()))
        for anchor_id, name in anchors.items():
            if anchor_id in members:
                for city in members - {anchor_id}:
                    if name not in links[city]:
                        links[city].append(name)
    return dict(sectors), dict(links)
