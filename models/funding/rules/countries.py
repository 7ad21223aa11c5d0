"""Applicant and partner countries: ISO2 codes or region codes from ``regions.json``.

``null`` is "not stated", never "anyone": the check is skipped and a note goes to
``to_confirm``. A region whose members are not compiled, or a party without a country,
gives ``unknown``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from models.funding.regions import ISO2_PATTERN, RegionResolver, norm_country
from models.funding.registry import (
    CatalogueField,
    Findings,
    RuleInput,
    RuleType,
    SchemaParts,
    codes,
    json_list,
)
from models.funding.types import Party, Status

# Region codes whose members a scheme may carry itself (the scheme's own list wins over
# regions.json because it is the more specific, scheme-local fact).
SCHEME_REGION_OVERRIDES = {"JCM-partners": "jcm_partner_countries"}


def overrides(elig: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """Members of the regions a scheme lists itself, ``{region code: ISO2 codes}``."""
    out = {}
    for code, key in SCHEME_REGION_OVERRIDES.items():
        if elig.get(key) is not None:
            out[code] = frozenset(c for c in map(norm_country, elig[key]) if c)
    return out


def membership(
    codes: Sequence[str],
    country: str | None,
    regions: RegionResolver,
    overrides: Mapping[str, frozenset[str]],
) -> tuple[Status, str]:
    """Status for "country is one of these codes/regions", with the deciding code."""
    if country is None:
        return "unknown", ""
    undecided: list[str] = []
    for code in codes:
        if code in overrides:
            hit: bool | None = country in overrides[code]
        else:
            hit = regions.contains(code, country)
        if hit:
            return "pass", code
        if hit is None:
            undecided.append(code)
    if undecided:
        return "unknown", ", ".join(undecided)
    return "fail", ", ".join(codes)


def _describe_code(code: str, regions: RegionResolver, overrides: Mapping[str, frozenset[str]]) -> str:
    if code in overrides:
        return f"{code} (scheme's own list)"
    if regions.is_region(code) and regions.members(code) is None:
        return f"{code} (members not compiled)"
    return code


def _check_side(
    ev: Findings,
    rule: str,
    side: str,
    codes: list[str] | None,
    party: Party,
    regions: RegionResolver,
    overrides: Mapping[str, frozenset[str]],
) -> None:
    if codes is None:
        # "Not stated" is not "anyone": skip the check but do not let it vanish.
        ev.to_confirm.append(f"{side} countries are not stated in the catalogue; confirm with the operator")
        return
    country = norm_country(party.country)
    status, deciding = membership(codes, country, regions, overrides)
    allowed = ", ".join(_describe_code(c, regions, overrides) for c in codes)
    if country is None:
        ev.add(rule, "unknown", f"{side} country is unknown; allowed: {allowed}")
    elif status == "pass":
        ev.add(rule, "pass", f"{side} country {country} is in {_describe_code(deciding, regions, overrides)}")
    elif status == "unknown":
        ev.add(rule, "unknown", f"cannot tell whether {side} country {country} is in {deciding}")
    else:
        ev.add(rule, "fail", f"{side} country {country} is not in {allowed}")


def check(q: RuleInput, ev: Findings) -> None:
    own = overrides(q.eligibility)
    for rule, side, party in (
        ("applicant_countries", "applicant", q.applicant),
        ("partner_countries", "partner", q.partner),
    ):
        _check_side(ev, rule, side, codes(q.eligibility.get(rule)), party, q.regions, own)


def _country_list(parts: SchemaParts) -> dict[str, Any]:
    return json_list(parts.country_or_region, nullable=True, min_items=1)


def _side_field(key: str, example: str) -> CatalogueField:
    return CatalogueField(
        key,
        _country_list,
        help=f"null (not stated) or a non-empty list of ISO2 codes (e.g. '{example}') or region codes "
        "from regions.json (e.g. 'EU27', 'ODA-eligible')",
        annotation=list[str] | None,
        description="ISO2 or region codes",
    )


RULE_TYPES = (
    RuleType(
        rules=("applicant_countries", "partner_countries"),
        order=10,
        check=check,
        fields=(
            _side_field("applicant_countries", "JP"),
            _side_field("partner_countries", "KH"),
            CatalogueField(
                "jcm_partner_countries",
                lambda _: json_list({"type": "string", "pattern": ISO2_PATTERN}, nullable=False),
                help="a list of ISO2 codes",
                annotation=list[str],
                default=[],
                required=False,
            ),
        ),
        reads=frozenset({"country"}),
    ),
)
