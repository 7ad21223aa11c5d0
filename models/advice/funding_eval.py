"""Leave-one-case-out evaluation of the sector and funding recommenders.

For every top-level curated case with funding schemes (its sub-cases left out with
it), and for each initiator–partner pair of that case, the case is removed from the
track records and the precedents, and the recommenders are asked for the pair with
the case title as the needs text. Reported: how often a real scheme of the case is
in the top 3 schemes, and how often a real sector is in the top 3 sectors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.advice.schemes import FundedCooperation, group_by_scheme, suggest_schemes
from models.advice.sectors import SectorInfo, suggest_sectors, track_records
from models.funding import Party, RegionResolver

TOP = 3


@dataclass(frozen=True)
class CaseQuery:
    case_id: str
    cooperation_ids: frozenset[int]  # the case and its sub-cases, hidden from the evidence
    city_id: int
    partner_id: int
    needs: str
    sectors: frozenset[str]
    schemes: frozenset[str]
    year: int | None  # when the planner would have asked: the case's start year


def case_queries(cases: Sequence[Mapping[str, Any]]) -> list[CaseQuery]:
    """Initiator–partner pairs of top-level cases with schemes.

    ``cases`` are dicts with ``id`` (cooperation id), ``key`` (curated case id),
    ``parent_id``, ``title``, ``members`` [(city_id, role)], ``sectors``, ``scheme_ids``.
    """
    children: dict[int, set[int]] = {}
    for case in cases:
        if case["parent_id"] is not None:
            children.setdefault(case["parent_id"], set()).add(case["id"])
    out = []
    for case in cases:
        if case["parent_id"] is not None or not case["scheme_ids"]:
            continue
        members = case["members"]
        initiators = [c for c, role in members if role == "initiator"] or [members[0][0]]
        hidden = frozenset({case["id"], *children.get(case["id"], set())})
        for city in initiators:
            for partner, _ in members:
                if partner in initiators:
                    continue
                out.append(
                    CaseQuery(
                        case["key"],
                        hidden,
                        city,
                        partner,
                        case["title"],
                        frozenset(case["sectors"]),
                        frozenset(case["scheme_ids"]),
                        case["start_year"],
                    )
                )
    return out


def evaluate_cases(
    queries: Sequence[CaseQuery],
    *,
    cooperations: Sequence[Mapping[str, Any]],
    funded: Sequence[FundedCooperation],
    parties: Mapping[int, Party],
    names: Mapping[int, str],
    sectors: Sequence[SectorInfo],
    sector_embeddings: np.ndarray,
    schemes: Sequence[Mapping[str, Any]],
    scheme_embeddings: np.ndarray,
    needs_embeddings: Mapping[str, np.ndarray],
    regions: RegionResolver,
    sector_parents: Mapping[str, str | None],
) -> dict[str, Any]:
    rows = []
    for q in queries:
        records = track_records(
            cooperations,
            {q.city_id: names[q.city_id], q.partner_id: names[q.partner_id]},
            exclude=q.cooperation_ids,
        )
        emb = needs_embeddings[q.needs]
        top_sectors = suggest_sectors(
            sectors,
            sector_embeddings,
            needs_embedding=emb,
            own=records[q.city_id],
            partners=[records[q.partner_id]],
            limit=TOP,
        )
        evidence = group_by_scheme(f for f in funded if f.cooperation_id not in q.cooperation_ids)
        top_schemes = suggest_schemes(
            schemes,
            scheme_embeddings,
            city=parties[q.city_id],
            partners=[(q.partner_id, parties[q.partner_id])],
            sectors=[s.id for s in top_sectors],
            needs_embedding=emb,
            funded_by_scheme=evidence,
            regions=regions,
            sector_parents=sector_parents,
            year=q.year,
            limit=TOP,
        )
        predicted_sectors = [s.id for s in top_sectors]
        predicted_schemes = [s.scheme_id for s in top_schemes]
        rows.append(
            {
                "case": q.case_id,
                "city": names[q.city_id],
                "partner": names[q.partner_id],
                # a case that names no sectors cannot be scored on sectors
                "sector_hit": bool(q.sectors & set(predicted_sectors)) if q.sectors else None,
                "scheme_hit": bool(q.schemes & set(predicted_schemes)),
                "predicted_sectors": predicted_sectors,
                "true_sectors": sorted(q.sectors),
                "predicted_schemes": predicted_schemes,
                "true_schemes": sorted(q.schemes),
            }
        )
    with_sectors = [r for r in rows if r["sector_hit"] is not None]
    return {
        "pairs": len(rows),
        "cases": len({r["case"] for r in rows}),
        "pairs_with_sectors": len(with_sectors),
        "scheme_top3": round(sum(r["scheme_hit"] for r in rows) / max(len(rows), 1), 4),
        "sector_top3": round(sum(r["sector_hit"] for r in with_sectors) / max(len(with_sectors), 1), 4),
        "rows": rows,
    }


def run_funding_evaluation(session: Any, *, embedder: Any, regions_path: Any) -> dict[str, Any]:
    """Leave-one-case-out report on the store's curated cases (see the module docstring)."""
    from db.repositories.catalogue import countries_by_iso2
    from db.repositories.cooperations import cooperations_from_source
    from db.repositories.snapshots import cooperation_rows
    from features.text import embed_texts
    from models.advice.catalogue_index import build_index

    if not hasattr(embedder, "encoder_"):
        embedder.fit()
    index = build_index(session, embedder, regions_path)
    curated = cooperations_from_source(session, source="curated")
    cases = [
        {
            "id": c.id,
            "key": c.source_key.removeprefix("curated:"),
            "parent_id": c.parent_id,
            "title": c.title,
            "members": [(m.city_id, m.role) for m in c.members],
            "sectors": [s.sector_id for s in c.sector_links],
            "scheme_ids": list(c.funding_scheme_ids or []),
            "start_year": c.start_year,
        }
        for c in curated
    ]
    queries = case_queries(cases)
    countries = countries_by_iso2(session)
    cities = {m.city_id: m.city for c in curated for m in c.members}
    parties = {
        cid: Party(
            country=city.country,
            population=city.population,
            income_group=countries[city.country].income_group if city.country in countries else None,
        )
        for cid, city in cities.items()
    }
    titles = sorted({q.needs for q in queries})
    needs = dict(zip(titles, embed_texts(titles, embedder=embedder), strict=True))
    return evaluate_cases(
        queries,
        cooperations=cooperation_rows(session),
        funded=index.funded,
        parties=parties,
        names={cid: c.name for cid, c in cities.items()},
        sectors=index.sectors,
        sector_embeddings=index.sector_embeddings,
        schemes=index.schemes,
        scheme_embeddings=index.scheme_embeddings,
        needs_embeddings=needs,
        regions=index.regions,
        sector_parents=index.sector_parents,
    )
