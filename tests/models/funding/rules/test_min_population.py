"""The minimum population checked in isolation, on synthetic schemes."""

from __future__ import annotations

import pytest

from models.funding import Party, check_scheme
from tests.models.funding.helpers import DE, FR, SYN_REGIONS, status_of, syn

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
