"""The engine: every registered rule type checked for a scheme and a pair, both ways round."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from models.funding.regions import RegionResolver, norm_country
from models.funding.registry import Findings, RuleInput, checkable_rules, codes, rule_types
from models.funding.rules.countries import membership, overrides
from models.funding.types import CITY_APPLIES, PARTNER_APPLIES, Eligibility, Party

CHECKS = tuple(t.check for t in rule_types())
# Rules whose "unknown" makes the verdict unknown. Textual conditions are not here:
# they can never be checked, so they are listed in ``to_confirm`` instead.
CHECKABLE_RULES = checkable_rules()


def _verdict(ev: Findings) -> bool | None:
    if any(c.status == "fail" for c in ev.checks):
        return False
    blocking = [
        c
        for i, c in enumerate(ev.checks)
        if c.status == "unknown" and i not in ev.textual and c.rule in CHECKABLE_RULES
    ]
    return None if blocking else True


def _evaluate(
    scheme: Mapping[str, Any],
    *,
    applicant: Party,
    partner: Party,
    sectors: tuple[str, ...],
    n_partners: int,
    year: int | None,
    regions: RegionResolver,
    sector_parents: Mapping[str, str | None],
) -> Findings:
    query = RuleInput(
        scheme,
        scheme.get("eligibility") or {},
        applicant,
        partner,
        sectors,
        n_partners,
        year,
        regions,
        sector_parents,
    )
    ev = Findings()
    for check in CHECKS:
        check(query, ev)
    return ev


def _rank(ev: Findings) -> tuple[int, int, int]:
    verdict = _verdict(ev)
    order = {True: 2, None: 1, False: 0}[verdict]
    fails = sum(c.status == "fail" for c in ev.checks)
    unknowns = sum(c.status == "unknown" for c in ev.checks)
    return order, -fails, -unknowns


def check_scheme(
    scheme: Mapping[str, Any],
    *,
    city: Party,
    partner: Party,
    sectors: Sequence[str] = (),
    n_partners: int = 2,
    year: int | None = None,
    regions: RegionResolver,
    sector_parents: Mapping[str, str | None] | None = None,
) -> Eligibility:
    """Check one scheme for a pair of cities, both ways round.

    Parameters
    ----------
    scheme
        One record of ``funding_schemes.json``.
    city, partner
        The two sides. Each is tried as the applicant in turn.
    sectors
        Requested sector ids; empty means no sector check.
    n_partners
        Number of cities/organisations taking part, the applicant included
        (2 for a pair).
    year
        Year the cooperation would be funded; ``None`` skips the year check.
    regions
        Resolver for region codes.
    sector_parents
        Optional ``{sector: parent}`` taxonomy (see :func:`sector_parents_from`)
        so that broader/narrower sectors count as a fit.

    Returns
    -------
    Eligibility
        The better orientation (True > None > False; then fewer failing, then
        fewer unknown checks; the city applying wins a tie).
    """
    evaluate = partial(
        _evaluate,
        scheme,
        sectors=tuple(sectors),
        n_partners=n_partners,
        year=year,
        regions=regions,
        sector_parents=sector_parents or {},
    )
    as_city = evaluate(applicant=city, partner=partner)
    as_partner = evaluate(applicant=partner, partner=city)
    best, orientation = (
        (as_partner, PARTNER_APPLIES) if _rank(as_partner) > _rank(as_city) else (as_city, CITY_APPLIES)
    )
    return Eligibility(
        scheme_id=str(scheme.get("id")),
        eligible=_verdict(best),
        checks=tuple(best.checks),
        to_confirm=tuple(dict.fromkeys(best.to_confirm)),
        orientation=orientation,
    )


def ruled_out_by_countries(
    scheme: Mapping[str, Any], *, city: Party, partner: Party, regions: RegionResolver
) -> bool:
    """Whether the country rules alone fail the pair both ways round.

    Then :func:`check_scheme` finds the scheme not eligible, whatever the other rules say.
    """
    countries = (city.country, partner.country)
    return CountryRules.of(scheme, countries, regions).rules_out(*countries)


@dataclass(frozen=True)
class CountryRules:
    """The countries one scheme's applicant and partner rules fail, among a known list of countries.

    A cheap first pass (no rule details are built) for a caller that ranks many schemes: a pair
    both of whose orientations fail is ruled out. A country outside the list counts as passing
    both rules: at worst a pair gets the full check.
    """

    applicant_fails: frozenset[str]
    partner_fails: frozenset[str]

    @classmethod
    def of(
        cls, scheme: Mapping[str, Any], countries: Iterable[str | None], regions: RegionResolver
    ) -> CountryRules:
        elig: Mapping[str, Any] = scheme.get("eligibility") or {}
        own = overrides(elig)
        known = {c for c in map(norm_country, countries) if c}

        def failing(key: str) -> frozenset[str]:
            listed = codes(elig.get(key))
            if listed is None:
                return frozenset()
            return frozenset(c for c in known if membership(listed, c, regions, own)[0] == "fail")

        return cls(failing("applicant_countries"), failing("partner_countries"))

    def rules_out(self, city_country: str | None, partner_country: str | None) -> bool:
        a, b = norm_country(city_country), norm_country(partner_country)
        return all(x in self.applicant_fails or y in self.partner_fails for x, y in ((a, b), (b, a)))


def match_schemes(
    schemes: Sequence[Mapping[str, Any]],
    *,
    city: Party,
    partner: Party,
    sectors: Sequence[str] = (),
    n_partners: int = 2,
    year: int | None = None,
    regions: RegionResolver,
    sector_parents: Mapping[str, str | None] | None = None,
) -> list[Eligibility]:
    """:func:`check_scheme` for every scheme, in the order given.

    Sorting (eligible first, by fit) is left to the funding recommender.
    """
    return [
        check_scheme(
            s,
            city=city,
            partner=partner,
            sectors=sectors,
            n_partners=n_partners,
            year=year,
            regions=regions,
            sector_parents=sector_parents,
        )
        for s in schemes
    ]
