"""Sector fit checked in isolation, on synthetic schemes."""

from __future__ import annotations

import pytest

from tests.models.funding.helpers import DE, FR, SYN_PARENTS, assert_case, syn

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


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_rule_in_isolation(case: tuple) -> None:
    assert_case(*case[1:])
