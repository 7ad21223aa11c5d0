"""Shared data of the rules-engine tests: the bundled catalogue, seed cities, synthetic schemes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from models.funding import Eligibility, Party, RegionResolver, check_scheme, sector_parents_from
from models.funding.registry import catalogue_fields
from tests.conftest import CURATED


def load(name: str) -> Any:
    return json.loads((CURATED / name).read_text(encoding="utf-8"))


SCHEMES: list[dict[str, Any]] = load("funding_schemes.json")
BY_ID = {s["id"]: s for s in SCHEMES}
REGIONS = RegionResolver(load("regions.json"))
PARENTS = sector_parents_from(load("sectors.json"))

# Seed cities (populations from city_profiles.json).
KITAKYUSHU = Party("JP", 960_000, income_group="H")
PHNOM_PENH = Party("KH", 1_500_000, income_group="LM")
ESSEN = Party("DE", 593_489, income_group="H")
KORIYAMA = Party("JP", 323_350, income_group="H")
GRENOBLE = Party("FR", 158_000, income_group="H")
SEOUL = Party("KR", 9_400_000, income_group="H")
KYIV = Party("UA", 2_900_000, income_group="UM")


def status_of(e: Eligibility, rule: str) -> str | None:
    """Status of the (first) check of a rule, None when the rule was not checked."""
    return next((c.status for c in e.checks if c.rule == rule), None)


SYN_REGIONS = RegionResolver(
    {
        "EU27": {"members": ["DE", "FR"]},
        "ODA-eligible": {"members": ["KH", "VN", "MN"]},
        "CERV-associated": {"members": None},
        "JCM-partners": {"members": ["MN"]},
    },
    income_groups={"VN": "LM"},
)
SYN_PARENTS = {"hydrogen": "energy", "renewable-energy": "energy", "energy": None, "water-supply": None}


def syn(**eligibility: Any) -> dict[str, Any]:
    """A scheme whose rules are all "not stated" except the ones given."""
    top = {k: eligibility.pop(k) for k in ("sectors", "active_years", "funder_countries") if k in eligibility}
    base = dict.fromkeys(f.key for f in catalogue_fields() if f.required)
    base.update(eligibility)
    return {"id": "syn", "eligibility": base, "sectors": [], "active_years": None, **top}


LG = "local government"
DE = Party("DE", 500_000, LG, "H")
FR = Party("FR", 80_000, LG, "H")
JP = Party("JP", 900_000, LG, "H")
KH = Party("KH", 1_500_000, LG, "LM")
MN = Party("MN", 1_600_000, LG, "LM")
US = Party("US", 700_000, LG, "H")


def assert_case(
    scheme: dict[str, Any],
    city: Party,
    partner: Party,
    kwargs: dict[str, Any],
    rule: str,
    status: str | None,
    verdict: bool | None,
) -> None:
    """One rule checked alone: its status (None: not reported), the verdict, and a detail for every check."""
    result = check_scheme(scheme, city=city, partner=partner, regions=SYN_REGIONS, **kwargs)
    assert status_of(result, rule) == status, result.checks
    assert result.eligible is verdict, result.checks
    for check in result.checks:
        assert check.detail, "every check explains itself"


def case(
    ident: str,
    scheme: dict[str, Any],
    status: str | None,
    verdict: bool | None,
    *,
    city: Party = DE,
    partner: Party = FR,
    **kwargs: Any,
) -> Any:
    """One row of an isolation test (see :func:`isolation_test`); ``kwargs`` go to ``check_scheme``."""
    return pytest.param(scheme, city, partner, kwargs, status, verdict, id=ident)


def isolation_test(rule: str, cases: list[Any]) -> Callable[..., None]:
    """The test of one rule type checked alone on synthetic schemes, one case a row (see :func:`case`)."""

    @pytest.mark.parametrize(("scheme", "city", "partner", "kwargs", "status", "verdict"), cases)
    def test_rule_in_isolation(
        scheme: dict[str, Any],
        city: Party,
        partner: Party,
        kwargs: dict[str, Any],
        status: str | None,
        verdict: bool | None,
    ) -> None:
        assert_case(scheme, city, partner, kwargs, rule, status, verdict)

    return test_rule_in_isolation
