"""Funding recommender: eligibility from the rules engine, then thematic fit and precedent.

Schemes are ranked by eligibility (eligible, then unknown, then not eligible), and
within each tier by a fit score mixing the needs text against the scheme's
description, the overlap of the suggested sectors with the scheme's sectors, and
precedent: cooperations the scheme funded between cities of the same countries or
in the same sectors.

A scheme for some countries that funded this kind of cooperation (in these sectors, between cities
of these two countries; a domestic pair has no such precedent) and is not ruled out goes before
every scheme that did not, and before every catch-all open to all countries (such as the city's own
budget, which stays in the list after it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache

import numpy as np

from models.funding import CountryRules, Eligibility, Party, RegionResolver, check_scheme
from models.funding.registry import codes, party_fields_read

TEXT_WEIGHT = 0.45
SECTOR_WEIGHT = 0.35
PRECEDENT_WEIGHT = 0.2
TIER = {True: 2, None: 1, False: 0}
# added to the tier of a scheme with a fitting funded precedent: above an eligible catch-all
FUNDED_PRECEDENT = 2


@dataclass(frozen=True)
class FundedCooperation:
    """What the precedent signal needs to know about one funded cooperation."""

    cooperation_id: int
    scheme_ids: tuple[str, ...]
    countries: frozenset[str]
    sectors: frozenset[str]


@dataclass(frozen=True)
class SchemeSuggestion:
    scheme_id: str
    name: str
    score: float
    eligibility: Eligibility
    partner_city_id: int | None
    reasons: tuple[str, ...]
    # the partners the scheme is not ruled out for, best first
    partner_city_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class SchemeFunding:
    """The funded cooperations that name one scheme, indexed by country and by sector."""

    by_country: Mapping[str, frozenset[int]]
    by_sector: Mapping[str, frozenset[int]]

    @classmethod
    def of(cls, cooperations: Sequence[FundedCooperation]) -> SchemeFunding:
        by_country: dict[str, set[int]] = {}
        by_sector: dict[str, set[int]] = {}
        for k, coop in enumerate(cooperations):
            for country in coop.countries:
                by_country.setdefault(country, set()).add(k)
            for sector in coop.sectors:
                by_sector.setdefault(sector, set()).add(k)
        return cls(
            {c: frozenset(v) for c, v in by_country.items()},
            {c: frozenset(v) for c, v in by_sector.items()},
        )

    def between(self, countries: frozenset[str]) -> int:
        """How many were between cities of all these countries (0 for none given)."""
        if not countries:
            return 0
        return len(frozenset.intersection(*(self.by_country.get(c, frozenset()) for c in countries)))

    def in_sectors(self, sectors: frozenset[str]) -> int:
        """How many were in any of these sectors."""
        return len(self._in(sectors))

    def between_in(self, countries: frozenset[str], sectors: frozenset[str]) -> int:
        """How many were between cities of all these countries and in any of these sectors."""
        if not countries or not sectors:
            return 0
        pair = frozenset.intersection(*(self.by_country.get(c, frozenset()) for c in countries))
        return len(pair & self._in(sectors))

    def _in(self, sectors: frozenset[str]) -> frozenset[int]:
        return frozenset().union(*(self.by_sector.get(s, frozenset()) for s in sectors))


NO_FUNDING = SchemeFunding.of(())


def group_by_scheme(funded: Iterable[FundedCooperation]) -> dict[str, SchemeFunding]:
    """Funded cooperations listed under each scheme they name."""
    out: dict[str, list[FundedCooperation]] = {}
    for coop in funded:
        for scheme_id in coop.scheme_ids:
            out.setdefault(scheme_id, []).append(coop)
    return {scheme_id: SchemeFunding.of(coops) for scheme_id, coops in out.items()}


def _precedent(countries: frozenset[str], sectors: frozenset[str], same_sectors: int, funded: SchemeFunding):
    """(value, fits, reason) of a scheme's past funding between these countries and in these sectors;
    ``fits`` when it funded cooperations in these sectors between these countries."""
    same_countries = funded.between(countries)
    if not same_countries and not same_sectors:
        return 0.0, False, None
    value = min(1.0, 0.6 * min(same_countries, 3) / 3 + 0.4 * min(same_sectors, 5) / 5)
    fitting = funded.between_in(countries, sectors) if len(countries) > 1 else 0
    if fitting:
        like = f"{fitting} cooperation{'s' if fitting > 1 else ''} like this"
        return value, True, f"Precedent: funded {like} between these countries"
    parts = []
    if same_countries:
        parts.append(
            f"funded {same_countries} cooperation{'s' if same_countries > 1 else ''} between these countries"
        )
    if same_sectors:
        parts.append(f"{same_sectors} in these sectors")
    return value, False, "Precedent: " + ", ".join(parts)


def catch_all(scheme: Mapping[str, object]) -> bool:
    """Whether a scheme is open to every country: its funded precedents say nothing of a fit."""
    elig: Mapping[str, object] = scheme.get("eligibility") or {}  # type: ignore[assignment]
    return codes(elig.get("applicant_countries")) is None and codes(elig.get("partner_countries")) is None


def suggest_schemes(
    schemes: Sequence[Mapping[str, object]],
    scheme_embeddings: np.ndarray,
    *,
    city: Party,
    partners: Sequence[tuple[int, Party]],
    sectors: Sequence[str],
    needs_embedding: np.ndarray | None,
    funded_by_scheme: Mapping[str, SchemeFunding],
    regions: RegionResolver,
    sector_parents: Mapping[str, str | None] | None = None,
    year: int | None = None,
    limit: int = 5,
    cache: MutableMapping[tuple, Eligibility] | None = None,
    country_rules: Mapping[str, CountryRules] | None = None,
) -> list[SchemeSuggestion]:
    """The best-fitting schemes for the city with any of the suggested ``partners``.

    A scheme that can still reach the top ``limit`` is checked for every partner; the best
    pair (eligibility first, then fit) stands for the scheme. ``sectors`` feed the fit and
    the precedent, not the eligibility verdict (a scheme's listed sectors describe what it
    funded so far).
    ``cache`` keeps verdicts across calls: they depend only on the scheme, the two
    parties and the year. ``country_rules`` (by scheme id, prepared for every country of the
    store) spare building them on each call.
    """
    if limit <= 0:
        return []
    wanted = frozenset(sectors)
    texts = (
        np.clip(scheme_embeddings @ needs_embedding, 0, 1).tolist()
        if needs_embedding is not None and np.any(needs_embedding)
        else [0.0] * len(schemes)
    )
    pairs = partners or [(None, Party(country=None))]
    pair_countries = [frozenset(c for c in (city.country, p.country) if c) for _, p in pairs]
    partner_countries = {p.country for _, p in pairs}  # partners often share a country
    distinct_countries = set(pair_countries)
    # Fit needs no eligibility, so with the best tier a pair can still reach it bounds what each
    # scheme can score; the eligibility checks, most of the cost, then run in order of that bound
    # and stop once no scheme left can enter the top ``limit`` (the answer is the same as checking
    # every scheme). A pair the country rules exclude can only be in the lowest tier.
    fits = []
    for k, scheme in enumerate(schemes):
        scheme_sectors = frozenset(scheme.get("sectors") or ())  # type: ignore[arg-type]
        # cosine of the two sector sets: a scheme for water alone fits a water request better
        # than a budget line that funds all 27 sectors
        shared = wanted & scheme_sectors
        overlap = len(shared) / np.sqrt(len(wanted) * len(scheme_sectors)) if shared else 0.0
        text = texts[k]
        funded = funded_by_scheme.get(str(scheme["id"]), NO_FUNDING)
        same_sectors = funded.in_sectors(wanted)
        # partners often share a country: each country pair is looked at once
        found = {c: _precedent(c, wanted, same_sectors, funded) for c in distinct_countries}
        precedents = [found[countries] for countries in pair_countries]
        lift = 0 if catch_all(scheme) else FUNDED_PRECEDENT
        bonus = [lift * fitting for _, fitting, _ in precedents]
        base = TEXT_WEIGHT * text + SECTOR_WEIGHT * overlap
        per_pair = [base + PRECEDENT_WEIGHT * value for value, _, _ in precedents]
        rules = (country_rules or {}).get(str(scheme["id"])) or CountryRules.of(
            scheme, {city.country, *partner_countries}, regions
        )
        excluded = {country: rules.rules_out(city.country, country) for country in partner_countries}
        pair_excluded = [excluded[p.country] for _, p in pairs]
        bound = max(
            (TIER[False] if x else TIER[True] + b) + f
            for x, f, b in zip(pair_excluded, per_pair, bonus, strict=True)
        )
        fits.append((bound, k, shared, text, per_pair, pair_excluded, precedents, bonus))
    fits.sort(key=lambda f: -f[0])

    def check(
        scheme: Mapping[str, object], read: frozenset[str], j: int, verdicts: dict[Party, Eligibility]
    ) -> Eligibility:
        # partners this scheme's rules cannot tell apart (same country, say) share one verdict
        party = _only(pairs[j][1], read)
        if party not in verdicts:
            verdicts[party] = _eligibility(scheme, city, party, read, year, regions, sector_parents, cache)
        return verdicts[party]

    out: list[SchemeSuggestion] = []
    for bound, k, shared, text, per_pair, pair_excluded, precedents, bonus in fits:
        if len(out) >= limit and out[limit - 1].score > round(bound, 4):
            break
        scheme = schemes[k]
        read = party_fields_read(scheme.get("eligibility") or {})  # type: ignore[arg-type]
        verdicts: dict[Party, Eligibility] = {}
        best: tuple[float, int, Eligibility | None] | None = None
        open_to = []
        for j in range(len(pairs)):
            # an excluded pair's tier is known; its rule details are built only if it is chosen
            elig = None if pair_excluded[j] else check(scheme, read, j, verdicts)
            tier = TIER[False] if elig is None else TIER[elig.eligible]
            if tier != TIER[False]:
                open_to.append(pairs[j][0])
                tier += bonus[j]
            score = round(tier + per_pair[j], 4)
            if best is None or score > best[0]:
                best = (score, j, elig)
        assert best is not None
        score, j, found = best
        elig = found if found is not None else check(scheme, read, j, verdicts)
        reasons = []
        if shared:
            reasons.append(f"Funds {', '.join(sorted(shared))}")
        if text >= 0.35:
            reasons.append("Its description matches your needs")
        if precedents[j][2]:
            reasons.append(precedents[j][2])
        out.append(
            SchemeSuggestion(
                scheme_id=str(scheme["id"]),
                name=str(scheme["name"]),
                score=score,
                eligibility=elig,
                partner_city_id=pairs[j][0],
                reasons=tuple(reasons),
                partner_city_ids=tuple(p for p in open_to if p is not None),
            )
        )
        out.sort(key=lambda s: (-s.score, s.scheme_id))
        del out[limit:]
    return out


@lru_cache(maxsize=4096)
def _only(party: Party, read: frozenset[str]) -> Party:
    return replace(party, **{f.name: None for f in fields(Party) if f.name not in read})


def _eligibility(
    scheme: Mapping[str, object],
    city: Party,
    partner: Party,
    read: frozenset[str],
    year: int | None,
    regions: RegionResolver,
    sector_parents: Mapping[str, str | None] | None,
    cache: MutableMapping[tuple, Eligibility] | None,
) -> Eligibility:
    if cache is None:
        return check_scheme(
            scheme, city=city, partner=partner, year=year, regions=regions, sector_parents=sector_parents
        )
    # A verdict depends only on the party fields that the scheme's rules read (``read``);
    # leaving the others out of the key lets pairs share entries.
    city, partner = _only(city, read), _only(partner, read)
    key = (scheme["id"], city, partner, year)
    found = cache.get(key)
    if found is None:
        found = check_scheme(
            scheme, city=city, partner=partner, year=year, regions=regions, sector_parents=sector_parents
        )
        cache[key] = found
    return found
