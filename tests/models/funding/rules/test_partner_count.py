"""The partner count checked in isolation, on synthetic schemes."""

from __future__ import annotations

import pytest

from tests.models.funding.helpers import DE, FR, assert_case, syn

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


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_rule_in_isolation(case: tuple) -> None:
    assert_case(*case[1:])
