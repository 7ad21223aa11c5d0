"""Income groups checked in isolation, on synthetic schemes."""

from __future__ import annotations

import pytest

from models.funding import Party, check_scheme
from tests.models.funding.helpers import JP, KH, SYN_REGIONS, US, status_of, syn

CASES = [
    # id, scheme, city, partner, extra kwargs, rule, expected status, expected verdict
    ("income-pass", syn(income_groups=["L", "LM", "UM"]), JP, KH, {}, "income_groups", "pass", True),
    (
        "income-high-fails",
        syn(applicant_countries=["JP"], income_groups=["L", "LM", "UM"]),
        JP,
        US,
        {},
        "income_groups",
        "fail",
        False,
    ),
    (
        "income-unknown",
        syn(applicant_countries=["JP"], income_groups=["L", "LM", "UM"]),
        JP,
        Party("KH"),
        {},
        "income_groups",
        "unknown",
        None,
    ),
    (
        "income-from-country-facts",
        syn(applicant_countries=["JP"], income_groups=["LM"]),
        JP,
        Party("VN"),
        {},
        "income_groups",
        "pass",
        True,
    ),
    (
        "income-of-requesting-applicant",
        syn(
            funder_countries=["JP"],
            applicant_countries=["ODA-eligible"],
            partner_countries=["JP"],
            income_groups=["L", "LM", "UM"],
        ),
        JP,
        KH,
        {},
        "income_groups",
        "pass",
        True,
    ),
    ("income-null-skipped", syn(), JP, Party("KH"), {}, "income_groups", None, True),
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
