"""Answer a recommendation request: ranked partners with reasons and precedents.

Shared by the HTTP route, the batch CLI and the notebooks.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from db.places.regions import load_regions
from db.repositories.cities import cities_by_ids, stated_needs
from db.repositories.cooperations import current_partner_ids, member_names
from db.tables import City
from features.vocabulary import load_vocabulary, read_needs
from models.advice.catalogue_index import CatalogueIndex
from models.advice.explain import SIMILAR_SIZE
from models.advice.explain import reasons as explain_reasons
from models.advice.precedents import Chosen, select_precedents, track_record
from models.advice.roles import ROLE_BOOST, learner_fit, mentor_fit, offered_sectors
from models.advice.schemes import suggest_schemes
from models.advice.sectors import needed_sectors, suggest_sectors
from models.dataset import CityQuery
from models.store import LINK_KINDS
from models.wishes import WISH_FLOOR, order_by_wishes, similar_population
from service.catalogue_holder import CatalogueHolder
from service.cities.schemas import CitySummary
from service.config import Settings, get_settings
from service.model_holder import LoadedModel, resolved
from service.recommendations.query import (
    check_request,
    population_wish,
    query_of,
    wished_countries,
    wishes_met,
)
from service.recommendations.schemas import (
    FundingSuggestion,
    NeedsRead,
    PartnerSuggestion,
    Precedent,
    QueryEcho,
    RecommendationRequest,
    RecommendationResponse,
    RuleCheck,
    SectorSuggestion,
    WishShortfall,
)

PRECEDENTS_PER_PARTNER = 3
# funding is checked against the listed partners up to this rank (a scheme names those it may fund)
FUNDING_PARTNERS = 10
SUGGESTED_SECTORS = 5
SUGGESTED_SCHEMES = 5


def city_summary(city: City) -> CitySummary:
    return CitySummary.model_validate(city, from_attributes=True)


def _preferences(
    frame: pd.DataFrame, request: RecommendationRequest, wanted: set[str], lean: np.ndarray | None
) -> tuple[pd.DataFrame, WishShortfall | None]:
    """The partners to show: the wished places first (with ``strict`` only those), leaning towards
    the role (``lean``, 0..1 per row); and the shortfall when the wished places could not fill the list."""
    score = frame["score"].to_numpy(dtype=float).copy()
    if lean is not None:
        score = score * (1 + ROLE_BOOST * lean)
    desired = frame["country"].isin(wanted).to_numpy() if wanted else np.zeros(len(frame), dtype=bool)
    frame = frame.assign(score=score, desired=desired)
    if not wanted or request.strict:
        kept = frame[desired] if wanted else frame
        return kept.sort_values("score", ascending=False, kind="stable").head(request.limit), None
    shown = order_by_wishes(score, desired, request.limit)
    shortfall = None
    if shown.shortfall:
        shortfall = WishShortfall(
            wished=shown.wished,
            from_elsewhere=len(shown.order) - shown.wished,
            floor=WISH_FLOOR,
            message=f"Only {shown.wished} partner(s) in the places you asked for score at least "
            f"{WISH_FLOOR:.0%} of the best one there; the rest of the list comes from elsewhere",
        )
    return frame.iloc[shown.order], shortfall


def _role_fits(
    session: Session,
    frame: pd.DataFrame,
    request: RecommendationRequest,
    *,
    loaded: LoadedModel,
    index: CatalogueIndex,
    needed: list[str],
    query_city: City | None,
    query_name: str,
) -> tuple[np.ndarray | None, dict[int, str]]:
    """Each candidate's fit to the planner's role (0..1, aligned with ``frame``) and its reason."""
    if request.role not in ("learner", "mentor") or not len(frame):
        return None, {}
    ids = [int(i) for i in frame["city_id"]]
    history = index.cooperation_history(session, ids)
    names = {s.id: s.name for s in index.sectors}
    if request.role == "learner":
        fits = [
            learner_fit(
                track_record("", history.get(i, [])), needed, names, cooperations=len(history.get(i, []))
            )
            for i in ids
        ]
    else:
        stated = _stated_sectors(session, ids, loaded=loaded, index=index)
        own = None
        if query_city is not None:
            own = track_record(query_name, index.cooperation_history(session, [query_city.id])[query_city.id])
        offered = offered_sectors(own, needed)
        fits = [
            mentor_fit(
                offered,
                stated=stated.get(i),
                record=track_record("", history.get(i, [])),
                mentor_name=query_name,
                names=names,
            )
            for i in ids
        ]
    reasons = {i: f.reason for i, f in zip(ids, fits, strict=True) if f.reason}
    return np.array([f.value for f in fits]), reasons


def _stated_sectors(
    session: Session, ids: list[int], *, loaded: LoadedModel, index: CatalogueIndex
) -> dict[int, frozenset[str]]:
    """The sectors each city's profile says it needs (its own sectors, or those its text matches)."""
    out = {}
    for city_id, (text, sectors) in stated_needs(session, city_ids=ids).items():
        matched = needed_sectors(
            index.sectors, index.sector_embeddings, needs_embedding=resolved(loaded.embed_needs(text))
        )
        stated = frozenset(sectors) | frozenset(matched)
        if stated:  # needs that name no sector leave the track record as the proxy
            out[city_id] = stated
    return out


def _ranked(
    model: Any,
    query: CityQuery,
    request: RecommendationRequest,
    wanted: set[str],
    home: str | None,
    needs_embedding: Any,
    *,
    population: float | None,
    extra: int,
) -> pd.DataFrame:
    """The candidates the answer is chosen from: the best within the partner scope and, for a wish,
    the best in the wished places too (with ``strict`` only those)."""
    countries = model.cities_["country"].to_numpy()
    allowed = None
    if request.partner_scope != "any":
        domestic = countries == home
        allowed = domestic if request.partner_scope == "domestic" else ~domestic
    if population is not None:
        similar = similar_population(model.city_log_population, population)
        allowed = similar if allowed is None else allowed & similar
    wished = None
    if wanted:
        wished = np.isin(countries, sorted(wanted))
        wished = wished if allowed is None else wished & allowed
    # a learner's or mentor's lean re-weighs scores, so it chooses among more (a peer has none)
    k = request.limit * (4 if request.role in ("learner", "mentor") else 1) + extra
    groups = [(wished, k)] if wished is not None and request.strict else [(allowed, k)]
    if wished is not None and not request.strict:
        groups.append((wished, k))
    frames = model.rank_groups(
        query, groups, exclude_existing=request.exclude_existing, needs_embedding=needs_embedding
    )
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True).drop_duplicates("position")


def recommend(
    session: Session,
    *,
    loaded: LoadedModel,
    request: RecommendationRequest,
    regions_path: Path,
    catalogue: CatalogueHolder,
    settings: Settings | None = None,
) -> RecommendationResponse:
    regions = load_regions(regions_path)
    model = loaded.model
    index = catalogue.get(session, model.embedder)
    check_request(request, index, regions)
    query_city, query, match = query_of(session, request, model, index)
    # the needs as the model reads them: the text, or an English gloss of its sector terms
    # (features/vocabulary.py)
    languages = (settings or get_settings()).model_languages(getattr(model.embedder, "model_name", None))
    reading = read_needs(query.needs, vocabulary=load_vocabulary(regions_path.parent / "sector_terms.json"),
                         model_languages=languages)  # fmt: skip
    query = replace(query, needs=reading.model_text)
    needs_embedding = loaded.embed_needs(query.needs)  # embedded while the ranker computes features
    # partnerships recorded since the model was trained are existing partners too
    taken = {query_city.id} if query_city is not None else set()
    if query_city is not None and request.exclude_existing:
        taken |= current_partner_ids(session, city_id=query_city.id, kinds=sorted(LINK_KINDS))
    wanted = wished_countries(request, regions)
    home = query_city.country if query_city is not None else query.country
    population = population_wish(request, query_city)
    frame = _ranked(
        model, query, request, wanted, home, needs_embedding, population=population, extra=len(taken)
    )
    needs_embedding = resolved(needs_embedding)
    frame = frame[~frame["city_id"].isin(taken)]
    query_name = query_city.name if query_city is not None else query.name
    # what the request is about: the sectors asked for, else those its words name (in a language the
    # model does not read), else those its text matches
    recognised = list(reading.sectors) if reading.language != "en" else []
    needed = needed_sectors(
        index.sectors,
        index.sector_embeddings,
        needs_embedding=needs_embedding,
        requested=request.sectors or recognised[:3],
    )
    lean, role_reasons = _role_fits(
        session, frame, request, loaded=loaded, index=index, needed=needed, query_city=query_city,
        query_name=query_name,
    )  # fmt: skip
    frame, shortfall = _preferences(frame, request, wanted, lean)

    ids = [int(i) for i in frame["city_id"]]
    cities = cities_by_ids(session, ids=ids)
    history = index.cooperation_history(session, ids + ([query_city.id] if query_city else []))
    own = track_record(query_name, history[query_city.id]) if query_city is not None else None
    chosen = {
        pid: select_precedents(
            history.get(pid, []),
            needed,
            PRECEDENTS_PER_PARTNER,
            similar=index.sectored.between(home, cities[pid].country, needed),
        )
        for pid in ids
    }
    names = member_names(session, cooperation_ids=[c.cooperation["id"] for cs in chosen.values() for c in cs])
    partners = []
    for rank, (_, row) in enumerate(frame.iterrows(), start=1):
        city = cities[int(row["city_id"])]
        why = explain_reasons(row, query_name, city.name, query_country=home, candidate_country=city.country)
        if population is not None:  # the wish's own reason says it with the figures
            why = [w for w in why if w != SIMILAR_SIZE]
        why += wishes_met(request, row, city, wanted=wanted, population=population, role=role_reasons)
        score = float(row["score"])
        partners.append(
            PartnerSuggestion(
                city=city_summary(city),
                score=round(score, 4) if math.isfinite(score) else 0.0,
                rank=rank,
                reasons=why,
                precedents=[_precedent(c, names) for c in chosen[city.id]],
            )
        )

    sector_suggestions = suggest_sectors(
        index.sectors,
        index.sector_embeddings,
        needs_embedding=needs_embedding,
        requested=request.sectors,
        own=own,
        partners=[track_record(cities[i].name, history.get(i, [])) for i in ids],
        limit=SUGGESTED_SECTORS,
        recognised=reading.sectors if recognised else None,
    )

    scheme_suggestions = suggest_schemes(
        index.schemes,
        index.scheme_embeddings,
        city=index.party(home, query_city.population if query_city is not None else _known(query.population)),
        partners=[(i, index.party(cities[i].country, cities[i].population)) for i in ids[:FUNDING_PARTNERS]],
        sectors=request.sectors or [s.id for s in sector_suggestions[:3]],
        needs_embedding=needs_embedding,
        funded_by_scheme=index.funded_by_scheme,
        regions=index.regions,
        sector_parents=index.sector_parents,
        year=dt.date.today().year,
        limit=SUGGESTED_SCHEMES,
        cache=index.eligibility_cache,
        country_rules=index.country_rules,
    )
    return RecommendationResponse(
        model_version=loaded.version,
        query=QueryEcho(
            city=city_summary(query_city) if query_city is not None else None,
            needs=request.needs,
            match=match,
            needs_language=reading.language,
            needs_read=NeedsRead(
                how=reading.read,
                sectors={s: list(w) for s, w in reading.sectors.items()},
                notice=reading.notice,
            )
            if query.needs or reading.notice
            else None,
        ),
        partners=partners,
        wish_shortfall=shortfall,
        sectors=[
            SectorSuggestion(id=s.id, name=s.name, score=s.score, reasons=list(s.reasons))
            for s in sector_suggestions
        ],
        funding_schemes=[
            FundingSuggestion(
                id=s.scheme_id,
                name=s.name,
                score=s.score,
                eligible=s.eligibility.eligible,
                checks=[
                    RuleCheck(rule=c.rule, status=c.status, detail=c.detail) for c in s.eligibility.checks
                ],
                to_confirm=list(s.eligibility.to_confirm),
                partner_city_id=s.partner_city_id,
                partner_city_ids=list(s.partner_city_ids),
                reasons=list(s.reasons),
            )
            for s in scheme_suggestions
        ],
    )


def _known(population: float | None) -> int | None:
    return int(population) if population else None


def _precedent(chosen: Chosen, names: dict[int, list[str]]) -> Precedent:
    c = chosen.cooperation
    return Precedent(
        cooperation_id=c["id"],
        title=c["title"],
        cities=names.get(c["id"], [])[:12],
        sectors=sorted(c["sectors"]),
        success=c["success"],
        outcome_summary=c["outcome_summary"],
        outcome_indicators=list(c["outcome_indicators"]),
        kind=c["kind"],
        start_year=c["start_year"],
        basis=chosen.basis,
    )
