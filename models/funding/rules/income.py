"""World Bank income groups of the aid-receiving country.

That is the partner's country, except in request-type schemes (JICA technical
cooperation, yen loans, grant aid), recognised from the data as schemes whose
``applicant_countries`` exclude every ``funder_countries`` entry: there the applicant is
the receiving country and its income group is checked. ``null`` means no income rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from db.places.countries import INCOME_GROUPS
from models.funding.regions import ISO2, RegionResolver, norm_country
from models.funding.registry import CatalogueField, Findings, RuleInput, RuleType, codes, json_list
from models.funding.types import Party


def _recipient_is_applicant(scheme: Mapping[str, Any], regions: RegionResolver) -> bool:
    """Whether the income rule constrains the applicant rather than the partner.

    The catalogue's income groups describe the aid-receiving ("partner") country.
    In request-type schemes (JICA technical cooperation, yen loans, grant aid)
    that country is the *applicant*: recognised from the data as a scheme whose
    applicant countries exclude every funder country.
    """
    elig = scheme.get("eligibility") or {}
    applicant_codes = codes(elig.get("applicant_countries"))
    funders = [
        c for c in (norm_country(f) for f in scheme.get("funder_countries") or []) if c and ISO2.match(c)
    ]
    if not applicant_codes or not funders:
        return False
    for funder in funders:
        for code in applicant_codes:
            if regions.contains(code, funder) is not False:
                return False
    return True


def _check_income(
    ev: Findings,
    groups: list[str] | None,
    party: Party,
    side: str,
    regions: RegionResolver,
) -> None:
    if groups is None:
        return
    allowed = ", ".join(groups)
    country = norm_country(party.country)
    group = party.income_group or regions.income_group(country)
    source = "" if party.income_group else " (from country facts)"
    who = f"{side} country {country}" if country else f"{side} country"
    if group is None:
        ev.add("income_groups", "unknown", f"income group of {who} is unknown; allowed: {allowed}")
    elif group.upper() in {g.upper() for g in groups}:
        ev.add("income_groups", "pass", f"{who} is income group {group}{source}, allowed: {allowed}")
    else:
        ev.add("income_groups", "fail", f"{who} is income group {group}{source}, allowed only: {allowed}")


def check(q: RuleInput, ev: Findings) -> None:
    groups = codes(q.eligibility.get("income_groups"))
    if _recipient_is_applicant(q.scheme, q.regions):
        _check_income(ev, groups, q.applicant, "applicant", q.regions)
    else:
        _check_income(ev, groups, q.partner, "partner", q.regions)


RULE_TYPES = (
    RuleType(
        rules=("income_groups",),
        order=20,
        check=check,
        fields=(
            CatalogueField(
                "income_groups",
                lambda _: json_list({"enum": list(INCOME_GROUPS)}, nullable=True, min_items=1),
                help="null or a list of World Bank income groups: L, LM, UM, H",
                annotation=list[str] | None,
                description="World Bank groups L, LM, UM, H",
            ),
        ),
        reads=frozenset({"country", "income_group"}),
    ),
)
