"""The partner count checked in isolation, on synthetic schemes."""

from __future__ import annotations

import pytest

from models.funding import check_scheme
from tests.models.funding.helpers import DE, FR, SYN_REGIONS, status_of, syn

CASES = [
    # id, scheme, city, partner, extra kwargs, rule, expected status, expected verdict
    ("count-number-pass", syn(partner_count=2), DE, FR, {}, "partner_count", "pass", True),
    ("count-number-fail", syn(partner_count=4), DE, FR, {}, "partner_count", "fail", False),
    (
        "count-object-pass",
        syn(partner_count={"min": 2, "max": 4}),
        DE,
        FR,
        {"n_partners": 3},
        "partner_count",
        "pass",
        True,
    ),
    (
        "count-object-fail",
        syn(partner_count={"min": 2, "max": 4}),
        DE,
        FR,
        {"n_partners": 5},
        "partner_count",
        "fail",
        False,
    ),
    (
        "count-text-to-confirm",
        syn(partner_count="Pairs and trios"),
        DE,
        FR,
        {},
        "partner_count",
        "unknown",
        True,
    ),
    ("count-bad-shape", syn(partner_count={"few": 2}), DE, FR, {}, "partner_count", "unknown", None),
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
