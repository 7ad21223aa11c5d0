"""Sector fit checked in isolation, on synthetic schemes."""

from __future__ import annotations

import pytest

from models.funding import check_scheme
from tests.models.funding.helpers import DE, FR, SYN_PARENTS, SYN_REGIONS, status_of, syn

CASES = [
    # id, scheme, city, partner, extra kwargs, rule, expected status, expected verdict
    (
        "sector-pass",
        syn(sectors=["water-supply"]),
        DE,
        FR,
        {"sectors": ["water-supply"]},
        "sectors",
        "pass",
        True,
    ),
    ("sector-fail", syn(sectors=["water-supply"]), DE, FR, {"sectors": ["energy"]}, "sectors", "fail", False),
    ("sector-not-requested", syn(sectors=["water-supply"]), DE, FR, {}, "sectors", None, True),
    (
        "sector-broader",
        syn(sectors=["energy"]),
        DE,
        FR,
        {"sectors": ["hydrogen"], "sector_parents": SYN_PARENTS},
        "sectors",
        "pass",
        True,
    ),
    (
        "sector-narrower",
        syn(sectors=["renewable-energy"]),
        DE,
        FR,
        {"sectors": ["energy"], "sector_parents": SYN_PARENTS},
        "sectors",
        "pass",
        True,
    ),
]


@pytest.mark.parametrize(
    ("scheme", "city", "partner", "kwargs", "rule", "status", "verdict"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_rule_in_isolation(scheme, city, partner, kwargs, rule, status, verdict) -> None:
    result = check_scheme(scheme, city=city, partner=partner, regions=SYN_REGIONS, **kwargs)
    assert status_of(result, rule) == status, result.checks
    assert result.eligible is verdict, result.checks
    for check in result.checks:
        assert check.detail, "every check explains itself"
