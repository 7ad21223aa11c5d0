"""The minimum population checked in isolation, on synthetic schemes."""

from __future__ import annotations

import pytest

from models.funding import Party
from tests.models.funding.helpers import DE, FR, assert_case, syn

CASES = [
    # id, scheme, city, partner, extra kwargs, rule, expected status, expected verdict
    ("population-pass", syn(min_population=100_000), DE, FR, {}, "min_population", "pass", True),
    (
        "population-too-small",
        syn(applicant_countries=["FR"], min_population=100_000),
        FR,
        DE,
        {},
        "min_population",
        "fail",
        False,
    ),
    (
        "population-unknown",
        syn(min_population=100_000),
        Party("DE"),
        Party("FR"),
        {},
        "min_population",
        "unknown",
        None,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_rule_in_isolation(case: tuple) -> None:
    assert_case(*case[1:])
