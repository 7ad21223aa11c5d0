"""Sectors and funding schemes of the store with their embeddings, ready for the recommenders."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from db.repositories.catalogue import countries_by_iso2, list_funding_schemes, list_sectors
from db.repositories.cooperations import (
    cooperation_summaries,
    funded_cooperation_rows,
    sectored_cooperation_rows,
)
from db.repositories.embeddings import EmbeddingCache
from db.repositories.fingerprint import catalogue_fingerprint
from features.text import SentenceEmbedder, embed_texts
from models.advice.lru import LRUCache
from models.advice.precedents import SectoredCooperations
from models.advice.schemes import FundedCooperation, SchemeFunding, group_by_scheme
from models.advice.sectors import SectorInfo
from models.funding import CountryRules, Party, RegionResolver, sector_parents_from

ELIGIBILITY_CACHE_SIZE = 10_000  # about 90 country pairs of the whole catalogue
# Cities whose cooperation history a worker keeps. Recommended partners concentrate on a
# few thousand cities; a hub's history is a few hundred rows that cost milliseconds to read.
HISTORY_CACHE_SIZE = 2048


@dataclass(frozen=True)
class CountryFacts:
    continent: str | None
    wb_region: str | None
    income_group: str | None


@dataclass(frozen=True)
class CatalogueIndex:
    fingerprint: tuple[Any, ...]
    checked_at: float  # when the fingerprint was last compared with the store (time.monotonic)
    sectors: list[SectorInfo]
    sector_embeddings: np.ndarray
    schemes: list[dict[str, Any]]
    scheme_embeddings: np.ndarray
    funded: list[FundedCooperation]
    regions: RegionResolver
    sector_parents: dict[str, str | None]
    countries: dict[str, CountryFacts]
    # scheme id -> funded cooperations that name it (the precedent signal)
    funded_by_scheme: dict[str, SchemeFunding]
    # scheme id -> the countries its country rules fail (the first, cheap pass of scheme matching)
    country_rules: dict[str, CountryRules]
    # cooperations that have sectors (a few hundred): the precedents of similar pairs
    sectored: SectoredCooperations
    # eligibility verdicts by (scheme, parties, year): valid as long as this index. Bounded:
    # a verdict is a few dozen Python objects, and an unbounded cache made every full garbage
    # collection (one every few dozen requests) slower, up to a fifth of a second.
    eligibility_cache: LRUCache = field(default_factory=lambda: LRUCache(ELIGIBILITY_CACHE_SIZE))
    # city id -> its cooperation summaries, read-only: valid as long as this index, whose
    # fingerprint changes when cooperations are added or edited (catalogue_fingerprint)
    histories: LRUCache = field(default_factory=lambda: LRUCache(HISTORY_CACHE_SIZE))

    def party(self, country: str | None, population: int | None) -> Party:
        """One side of a pair as the funding rules see it (its country's income group from the store)."""
        facts = self.countries.get(country or "")
        return Party(
            country=country, population=population, income_group=facts.income_group if facts else None
        )

    def cooperation_history(
        self, session: Session, city_ids: Sequence[int]
    ) -> dict[int, list[dict[str, Any]]]:
        """Every cooperation of each city (see ``cooperation_summaries``)."""
        out: dict[int, list[dict[str, Any]]] = {}
        missing = []
        for city_id in city_ids:
            found = self.histories.get(city_id)
            if found is None:
                missing.append(city_id)
            else:
                out[city_id] = found
        if missing:
            fetched = cooperation_summaries(session, city_ids=missing)
            for city_id in missing:
                out[city_id] = self.histories[city_id] = fetched.get(city_id, [])
        return out


def scheme_text(record: dict[str, Any]) -> str:
    sectors = ", ".join(record.get("sectors") or [])
    return f"{record['name']}. {record.get('description') or ''} Sectors: {sectors}"


def build_index(session: Session, embedder: SentenceEmbedder, regions_path: Path) -> CatalogueIndex:
    sector_rows = list_sectors(session)
    sectors = [SectorInfo(s.id, s.name, s.parent_id) for s in sector_rows]
    schemes = [
        {
            **(s.record or {}),
            "id": s.id,
            "name": s.name,
            "eligibility": s.eligibility,
            "sectors": s.sectors,
            "description": s.description,
        }
        for s in list_funding_schemes(session)
    ]
    cache = EmbeddingCache(session)
    sector_texts = [f"{s.name}. {s.description} {' '.join(s.aliases or [])}" for s in sector_rows]
    countries = countries_by_iso2(session)
    funded = [
        FundedCooperation(r["id"], r["scheme_ids"], frozenset(r["countries"]), frozenset(r["sectors"]))
        for r in funded_cooperation_rows(session)
    ]
    regions = RegionResolver.from_file(
        regions_path, income_groups={c.iso2: c.income_group for c in countries.values() if c.income_group}
    )
    return CatalogueIndex(
        fingerprint=catalogue_fingerprint(session),
        checked_at=time.monotonic(),
        sectors=sectors,
        sector_embeddings=embed_texts(sector_texts, embedder=embedder, cache=cache),
        schemes=schemes,
        scheme_embeddings=embed_texts([scheme_text(s) for s in schemes], embedder=embedder, cache=cache),
        funded=funded,
        funded_by_scheme=group_by_scheme(funded),
        countries={
            c.iso2: CountryFacts(c.continent, c.wb_region, c.income_group) for c in countries.values()
        },
        regions=regions,
        country_rules={str(s["id"]): CountryRules.of(s, countries, regions) for s in schemes},
        sectored=SectoredCooperations(sectored_cooperation_rows(session)),
        sector_parents=sector_parents_from([{"id": s.id, "parent": s.parent} for s in sectors]),
    )
