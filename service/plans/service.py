"""Plans: gather what the store knows of a pair, check its readiness, draft, save and export plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from db import writes
from db.errors import NotFound
from db.repositories import cities, cooperations, plans
from db.repositories.catalogue import list_sectors
from db.tables import City, Plan
from features.text import SentenceEmbedder
from models.advice.catalogue_index import CatalogueIndex
from models.advice.precedents import select_precedents
from models.advice.schemes import suggest_schemes
from models.plans.draft import draft_plan
from models.plans.export import to_docx, to_markdown
from models.plans.facts import CityFacts, FundingOption, PairFacts, RuleCheck, SectorTerms, offset_hours
from models.plans.readiness import Readiness, check_readiness
from service.catalogue_holder import CatalogueHolder
from service.cities.service import stored_city
from service.common import PageQuery, or_not_found
from service.model_holder import ModelHolder
from service.plans.schemas import (
    PairRequest,
    PlanContent,
    PlanCreate,
    PlanDraft,
    PlanPage,
    PlanRead,
    PlanSummary,
    PlanUpdate,
    PlanVersionList,
    PlanVersionRead,
    ReadinessRead,
)

FUNDING_OPTIONS = 5
PRECEDENTS = 8


@lru_cache(maxsize=2)  # once per worker and model: loading one costs seconds and ~100 MB
def _embedder(embedding_model: str | None) -> SentenceEmbedder:
    return SentenceEmbedder(model_name=embedding_model).fit()


def catalogue_index(
    session: Session, *, catalogue: CatalogueHolder, models: ModelHolder, embedding_model: str | None
) -> CatalogueIndex:
    """The worker's catalogue index; built with the promoted model's embedder, else the configured one
    (a plan needs no ranking model)."""
    current = models.current
    embedder = getattr(current.model, "embedder", None) if current is not None else None
    if embedder is None:
        embedder = _embedder(embedding_model)
    return catalogue.get(session, embedder)


def _facts_of(city: City) -> CityFacts:
    p = city.profile
    return CityFacts(
        name=city.name,
        country=city.country,
        id=city.id,
        admin_area=city.admin_area,
        population=city.population,
        timezone=city.timezone,
        has_profile=p is not None,
        languages=tuple(p.languages or ()) if p else (),
        industries=tuple(p.industries or ()) if p else (),
        strengths=tuple(p.strengths or ()) if p else (),
        challenges=tuple(p.challenges or ()) if p else (),
        stated_sectors=tuple(p.sectors or ()) if p else (),
        needs_text=(p.needs_text or "") if p else "",
    )


def sector_terms(index: CatalogueIndex, session: Session) -> list[SectorTerms]:
    aliases = {s.id: s.aliases or [] for s in list_sectors(session)}
    return [SectorTerms.of(s.id, s.name, aliases.get(s.id, ())) for s in index.sectors]


def gather(
    session: Session,
    index: CatalogueIndex,
    *,
    pair: PairRequest,
    hidden: Sequence[int] = (),
    year: int | None = None,
) -> tuple[PairFacts, list[dict[str, Any]]]:
    """The pair's facts and its precedents (with their activities), leaving ``hidden`` cooperations out."""
    city = stored_city(session=session, city_id=pair.city_id)
    partner = stored_city(session=session, city_id=pair.partner_city_id, field="partner_city_id")
    writes.check_sectors(session, sectors=pair.sectors)
    skip = set(hidden)
    regions = cities.region_city_ids(session, cities=[city, partner])
    ids = [city.id, partner.id, *regions[city.id], *regions[partner.id]]
    history = {
        k: [r for r in v if r["id"] not in skip] for k, v in index.cooperation_history(session, ids).items()
    }
    own = {r["id"] for r in history[city.id]} & {r["id"] for r in history[partner.id]}
    home_side = {city.id, *regions[city.id]}
    away_side = {partner.id, *regions[partner.id]}
    regional: dict[int, dict[str, Any]] = {}
    for a in home_side:
        side_a = {r["id"]: r for r in history.get(a, [])}
        for b in away_side:
            for r in history.get(b, []):
                if r["id"] in side_a and r["id"] not in own and (a != city.id or b != partner.id):
                    regional[r["id"]] = r
    sectors = tuple(pair.sectors)

    wanted = sectors or tuple({s for r in regional.values() for s in r["sectors"]})
    suggestions = suggest_schemes(
        index.schemes,
        index.scheme_embeddings,
        city=index.party(city.country, city.population),
        partners=[(partner.id, index.party(partner.country, partner.population))],
        sectors=wanted,
        needs_embedding=None,
        funded_by_scheme=index.funded_by_scheme,
        regions=index.regions,
        sector_parents=index.sector_parents,
        year=year or dt.date.today().year,
        limit=FUNDING_OPTIONS,
        cache=index.eligibility_cache,
        country_rules=index.country_rules,
    )
    funding = tuple(
        FundingOption(
            s.scheme_id,
            s.name,
            s.eligibility.eligible,
            tuple(RuleCheck(c.rule, c.status, c.detail) for c in s.eligibility.checks),
            tuple(s.eligibility.to_confirm),
        )
        for s in suggestions
    )
    funded = {c.cooperation_id for c in index.funded} - skip
    facts = PairFacts(
        city=_facts_of(city),
        partner=_facts_of(partner),
        sectors=sectors,
        city_history=tuple(history[city.id]),
        partner_history=tuple(history[partner.id]),
        regional=tuple(sorted(regional.values(), key=lambda r: (r["start_year"] or 0, r["id"]))),
        funding=funding,
        funded_ids=frozenset(funded),
        sector_names={s.id: s.name for s in index.sectors},
        offset_hours=offset_hours(city.timezone, partner.timezone),
    )
    # precedents: the pair's own, their regions', then the partner's and similar pairs' in the sectors
    chosen: dict[int, dict[str, Any]] = {}
    for r in [*facts.shared, *facts.regional]:
        chosen.setdefault(r["id"], dict(r))
    if sectors:  # in the recommender's order: the two cities' own in the sectors, then similar pairs'
        pool = [*history[partner.id], *history[city.id]]
        similar = [
            r for r in index.sectored.between(city.country, partner.country, sectors) if r["id"] not in skip
        ]
        for c in select_precedents(pool, sectors, PRECEDENTS, similar=similar):
            chosen.setdefault(
                c.cooperation["id"], {**c.cooperation, "sectors": tuple(c.cooperation["sectors"])}
            )
    rows = list(chosen.values())[:PRECEDENTS]
    texts = cooperations.cooperation_descriptions(session, cooperation_ids=[r["id"] for r in rows])
    for r in rows:
        r["description"] = texts.get(r["id"], "")
    return facts, rows


def _readiness_read(pair: PairRequest, found: Readiness) -> ReadinessRead:
    return ReadinessRead(
        city_id=pair.city_id,
        partner_city_id=pair.partner_city_id,
        sectors=list(pair.sectors),
        items=[
            {
                "id": i.id,
                "kind": i.kind,
                "name": i.name,
                "status": i.status,
                "question": i.question,
                "evidence": [{"text": e.text, "source": e.source} for e in i.evidence],
            }  # fmt: skip
            for i in found.items
        ],
    )


def readiness(session: Session, *, index: CatalogueIndex, pair: PairRequest) -> ReadinessRead:
    facts, _ = gather(session, index, pair=pair)
    return _readiness_read(pair, check_readiness(facts, sector_terms(index, session)))


def draft(
    session: Session, *, index: CatalogueIndex, pair: PairRequest, hidden: Sequence[int] = ()
) -> PlanDraft:
    facts, precedents = gather(session, index, pair=pair, hidden=hidden)
    terms = sector_terms(index, session)
    found = check_readiness(facts, terms)
    return PlanDraft.model_validate(draft_plan(facts, found, terms, precedents=precedents))


def _content(plan_draft: PlanContent) -> dict[str, Any]:
    data = plan_draft.model_dump(include={"title", "sections"})
    return PlanContent.model_validate(data).model_dump(mode="json", exclude_none=True)


def _plan_read(session: Session, plan: Plan) -> PlanRead:
    version = plans.plan_version(session, plan_id=plan.id, version=plan.current_version)
    assert version is not None
    return PlanRead(
        id=plan.id,
        city_id=plan.city_id,
        partner_city_id=plan.partner_city_id,
        sectors=list(plan.sectors or []),
        title=plan.title,
        current_version=plan.current_version,
        created_at=plan.created_at,
        updated_at=plan.updated_at,
        content=PlanContent.model_validate(version.content),
    )


def create_plan(session: Session, *, index: CatalogueIndex | None, body: PlanCreate) -> PlanRead:
    writes.check_cities(session, city_ids=body.city_id, field="city_id")
    writes.check_cities(session, city_ids=body.partner_city_id, field="partner_city_id")
    writes.check_sectors(session, sectors=body.sectors)
    if body.content is not None:
        content = _content(body.content)
    else:
        assert index is not None
        content = _content(draft(session, index=index, pair=body))
    plan = writes.create_plan(
        session,
        city_id=body.city_id,
        partner_city_id=body.partner_city_id,
        sectors=body.sectors,
        title=content["title"],
        content=content,
        note=body.note,
    )
    return _plan_read(session, plan)


def _plan(session: Session, plan_id: int) -> Plan:
    plan = plans.get_plan(session, plan_id=plan_id)
    return or_not_found(plan, f"plan {plan_id} does not exist; list them with GET /v1/plans", field="plan_id")


def get_plan(session: Session, *, plan_id: int) -> PlanRead:
    return _plan_read(session, _plan(session, plan_id))


def update_plan(session: Session, *, plan_id: int, body: PlanUpdate) -> PlanRead:
    plan = _plan(session, plan_id)
    content = _content(body.content)
    writes.add_plan_version(session, plan=plan, title=content["title"], content=content, note=body.note)
    return _plan_read(session, plan)


def list_plans(session: Session, *, page: PageQuery, city_id: int | None) -> PlanPage:
    rows, total = plans.page_plans(session, city_id=city_id, limit=page.limit, offset=page.offset)
    items = [PlanSummary.model_validate(p, from_attributes=True) for p in rows]
    return PlanPage(**page.of(items, total))


def plan_history(session: Session, *, plan_id: int) -> PlanVersionList:
    _plan(session, plan_id)
    return PlanVersionList(
        plan_id=plan_id,
        versions=[
            PlanVersionRead.model_validate(v, from_attributes=True)
            for v in plans.plan_versions(session, plan_id=plan_id)
        ],
    )


def export_plan(session: Session, *, plan_id: int, fmt: str, version: int | None) -> tuple[bytes, str, str]:
    """(body, media type, file name) of one version (the current one by default)."""
    plan = _plan(session, plan_id)
    number = version or plan.current_version
    found = plans.plan_version(session, plan_id=plan_id, version=number)
    if found is None:
        raise NotFound(
            f"plan {plan_id} has no version {number} (it has 1 to {plan.current_version})", field="version"
        )
    name = f"plan-{plan_id}-v{number}"
    if fmt == "md":
        return (
            to_markdown(found.content, version=number).encode(),
            "text/markdown; charset=utf-8",
            f"{name}.md",
        )
    media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return to_docx(found.content, version=number), media, f"{name}.docx"
