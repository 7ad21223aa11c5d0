"""Partnerships: a pair's history and its next steps; roll-out through a partner."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from db import partnership_reads, writes
from db.repositories import catalogue
from db.repositories.fingerprint import catalogue_fingerprint
from db.tables import City
from models.plans import next_steps as NS
from models.plans import rollout as R
from models.plans.facts import SectorTerms, sectors_in
from service.cities.service import stored_city
from service.partnerships.schemas import (
    HistoryStep,
    NextScheme,
    NextSector,
    NextStepsRead,
    RolloutPlace,
    RolloutRead,
)

SCHEMES = 5
_lock = threading.Lock()
_fitted: dict[str, Any] = {}  # the worker's model and the store fingerprint it was fitted on


def fitted_model(session: Session, *, hidden: Sequence[int] = ()) -> NS.NextStepModel:
    """The next-steps model fitted on every dated cooperation, kept per worker until the store's
    cooperations change; ``hidden`` ones left out (a fresh fit, not kept)."""
    if hidden:
        skip = set(hidden)
        rows = [r for r in partnership_reads.dated_cooperations(session) if r["id"] not in skip]
        return NS.NextStepModel().fit(NS.trajectories(rows))
    fingerprint = catalogue_fingerprint(session)
    with _lock:
        if _fitted.get("fingerprint") == fingerprint:
            return _fitted["model"]
        model = NS.NextStepModel().fit(NS.trajectories(partnership_reads.dated_cooperations(session)))
        _fitted.update(fingerprint=fingerprint, model=model)
        return model


def sector_terms(session: Session) -> list[SectorTerms]:
    return [SectorTerms.of(s.id, s.name, s.aliases or ()) for s in catalogue.list_sectors(session)]


def _profile_sectors(city: City, terms: Sequence[SectorTerms]) -> tuple[list[str], list[str]]:
    """The sectors a city's profile says it needs (stated sectors, and those its challenges and needs
    text name) and those its strengths name."""
    p = city.profile
    if p is None:
        return [], []
    text = " ".join([p.needs_text or "", *map(str, p.challenges or [])])
    needs = list(dict.fromkeys([*(p.sectors or []), *sectors_in(text, terms)]))
    return needs, sectors_in(" ".join(map(str, p.strengths or [])), terms)


def needs_and_offers(
    cities: Sequence[City], terms: Sequence[SectorTerms]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Sector -> the cities of the pair that need it, and -> those that can offer it to the other."""
    needs: dict[str, list[str]] = defaultdict(list)
    offers: dict[str, list[str]] = defaultdict(list)
    found = {c.id: _profile_sectors(c, terms) for c in cities}
    for city in cities:
        for sector in found[city.id][0]:
            needs[sector].append(city.name)
        others_need = {s for c in cities if c.id != city.id for s in found[c.id][0]}
        for sector in found[city.id][1]:
            if sector in others_need:
                offers[sector].append(city.name)
    return dict(needs), dict(offers)


def _step(row: dict[str, Any]) -> HistoryStep:
    note = None
    if row["is_parent"]:
        note = "a parent case: it sums up the whole history, its sub-cases are the steps"
    elif row["start_year"] is None:
        note = "no start year"
    return HistoryStep(
        cooperation_id=row["id"],
        title=row["title"],
        kind=row["kind"],
        start_year=row["start_year"],
        end_year=row["end_year"],
        sectors=list(row["sectors"]),
        funding_scheme_ids=list(row["schemes"]),
        source=row["source"],
        used=note is None,
        note=note,
    )


def next_steps(
    session: Session, *, city_id: int, partner_city_id: int, limit: int, hidden: Sequence[int] = ()
) -> NextStepsRead:
    """The pair's shared cooperations in time order and what it is likely to add next."""
    city = stored_city(session=session, city_id=city_id, field="city_id")
    partner = stored_city(session=session, city_id=partner_city_id, field="partner_city_id")
    skip = set(hidden)
    rows = partnership_reads.shared_cooperations(session, city_id=city_id, partner_city_id=partner_city_id)
    shared = [r for r in rows if r["id"] not in skip]
    history = [_step(r) for r in NS.history(shared)]
    model = fitted_model(session, hidden=hidden)
    if not shared:
        return NextStepsRead(
            city_id=city_id,
            partner_city_id=partner_city_id,
            history=[],
            sectors=[],
            schemes=[],
            trajectories=model.n_histories_,
            note="These two cities share no cooperation in the store, so there is no partnership to "
            "continue; POST /v1/recommendations suggests what to start with.",
        )
    stages = NS.stages_of(shared)
    names = {s.id: s.name for s in catalogue.list_sectors(session)}
    terms = sector_terms(session)
    pair = (city_id, partner_city_id)
    theirs = partnership_reads.cooperations_of(session, city_ids=list(pair))
    own_rows = [r for r in theirs if r["id"] not in skip]
    own = NS.own_shares(own_rows, pair=pair)
    needs, offers = needs_and_offers([city, partner], terms)
    suggested = model.suggest(
        stages, candidates=sorted(names), own=own, needs=needs, offers=offers, limit=limit
    )
    schemes = {s.id: s.name for s in catalogue.list_funding_schemes(session)}
    scheme_suggestions = [
        s for s in model.suggest(stages, kind="scheme") if s.id in schemes and s.rule is not None
    ][:SCHEMES]
    labels = names | schemes
    note = None
    if not stages:
        note = (
            "None of the pair's cooperations is dated (or all are parent cases): the suggestions are "
            "what pairs commonly do next, with the partner's needs."
        )
    return NextStepsRead(
        city_id=city_id,
        partner_city_id=partner_city_id,
        history=history,
        sectors=[
            NextSector(
                sector_id=s.id,
                name=names.get(s.id, s.id),
                score=round(s.score, 4),
                done_before=s.done_before,
                needed_by=list(s.needed_by),
                offered_by=list(s.offered_by),
                reasons=list(NS.explain(s, labels)),
            )
            for s in suggested
        ],
        schemes=[
            NextScheme(
                scheme_id=s.id,
                name=schemes[s.id],
                score=round(s.score, 4),
                reasons=list(NS.explain(s, labels)),
            )  # fmt: skip
            for s in scheme_suggestions
        ],
        trajectories=model.n_histories_,
        note=note,
    )


# --------------------------------------------------------------------------- roll-out


def _gazetteer_places(country: str) -> list[R.Place]:
    return [R.Place(country=country, **row) for row in partnership_reads.gazetteer_towns(country=country)]


def rollout(
    session: Session,
    *,
    city_id: int,
    partner_city_id: int,
    sector: str,
    side: str,
    limit: int,
    hidden_cooperations: Sequence[int] = (),
    hidden_cities: Sequence[int] = (),
) -> RolloutRead:
    """Places of the partner's country (``side="partner"``) or of the city's own (``"home"``) that
    need ``sector`` and the anchor can reach. ``hidden_*`` leave cooperations out and cities'
    profiles and cooperations unseen (for the benchmark)."""
    city = stored_city(session=session, city_id=city_id, field="city_id")
    partner = stored_city(session=session, city_id=partner_city_id, field="partner_city_id")
    writes.check_sectors(session, sectors=sector, field="sector")
    anchor_city = partner if side == "partner" else city
    country = anchor_city.country
    terms = sector_terms(session)
    names = {s.id: s.name for s in catalogue.list_sectors(session)}
    skip_coops = set(hidden_cooperations)
    unseen = set(hidden_cities)
    stored_rows = partnership_reads.place_rows(session, country=country)
    ids = [r["id"] for r in stored_rows]
    rows = [r for r in partnership_reads.cooperations_of(session, city_ids=ids) if r["id"] not in skip_coops]
    rows = [r for r in rows if not set(r["members"]) & unseen]
    sectors_of, links = R.records(rows, anchors={city.id: city.name, partner.id: partner.name})
    stored = []
    for r in stored_rows:
        hidden = r["id"] in unseen
        stated = set() if hidden else {*r["stated_sectors"], *sectors_in(" ".join(r["challenges"]), terms)}
        stored.append(
            R.Place(
                name=r["name"],
                country=country,
                geonames_id=r["geonames_id"],
                city_id=r["id"],
                population=r["population"],
                latitude=r["latitude"],
                longitude=r["longitude"],
                stated_sectors=frozenset(stated),
                sector_record=frozenset(sectors_of.get(r["id"], ())),
                linked_to=tuple(links.get(r["id"], ())),
            )
        )
    places = R.merge_places(_gazetteer_places(country), stored)
    by_city = {p.city_id: p for p in places if p.city_id is not None}
    reached_ids = {
        m
        for r in rows
        if sector in r["sectors"] and {city.id, partner.id} & set(r["members"])
        for m in r["members"]
        if m not in (city.id, partner.id)
    }
    reached = [by_city[i] for i in reached_ids if i in by_city]
    geo = next((p for p in places if p.city_id == anchor_city.id), None)
    anchor = R.Anchor(
        name=anchor_city.name,
        latitude=anchor_city.latitude,
        longitude=anchor_city.longitude,
        admin1=geo.admin1 if geo is not None else None,
        geonames_id=anchor_city.geonames_id,
        city_id=anchor_city.id,
    )
    exclude = [c.geonames_id for c in (city, partner) if c.geonames_id is not None]
    ranked = R.rank_places(
        places, anchor=anchor, sector=sector, sector_name=names[sector], reached=reached, exclude=exclude
    )
    note = None
    if reached:
        note = (
            f"Left out: {len(reached)} places {city.name} or {partner.name} already cooperates with in "
            f"{names[sector]}; their size guides the ranking."
        )
    return RolloutRead(
        city_id=city.id,
        partner_city_id=partner.id,
        sector=sector,
        side=side,  # type: ignore[arg-type]
        country=country,
        candidates=len(ranked),
        places=[
            RolloutPlace(
                name=r.place.name,
                country=r.place.country,
                admin_area=r.place.admin1,
                geonames_id=r.place.geonames_id,
                city_id=r.place.city_id,
                population=r.place.population,
                latitude=r.place.latitude,
                longitude=r.place.longitude,
                distance_km=r.distance_km,
                score=r.score,
                reasons=list(r.reasons),
            )
            for r in ranked[:limit]
        ],
        note=note,
    )
