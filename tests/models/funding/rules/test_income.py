"""Income groups checked in isolation, on synthetic schemes."""

from __future__ import annotations

import pytest

from models.funding import Party
from tests.models.funding.helpers import JP, KH, US, assert_case, syn

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


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_rule_in_isolation(case: tuple) -> None:
    assert_case(*case[1:])
