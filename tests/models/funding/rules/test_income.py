"""Income groups checked in isolation, on synthetic schemes."""

from __future__ import annotations

from models.funding import Party
from tests.models.funding.helpers import JP, KH, US, case, isolation_test, syn

CASES = [
    case("income-pass", syn(income_groups=["L", "LM", "UM"]), "pass", True, city=JP, partner=KH),
    case(
        "income-high-fails",
        syn(applicant_countries=["JP"], income_groups=["L", "LM", "UM"]),
        "fail",
        False,
        city=JP,
        partner=US,
    ),
    case(
        "income-unknown",
        syn(applicant_countries=["JP"], income_groups=["L", "LM", "UM"]),
        "unknown",
        None,
        city=JP,
        partner=Party("KH"),
    ),
    case(
        "income-from-country-facts",
        syn(applicant_countries=["JP"], income_groups=["LM"]),
        "pass",
        True,
        city=JP,
        partner=Party("VN"),
    ),
    case(
        "income-of-requesting-applicant",
        syn(
            funder_countries=["JP"],
            applicant_countries=["ODA-eligible"],
            partner_countries=["JP"],
            income_groups=["L", "LM", "UM"],
        ),
        "pass",
        True,
        city=JP,
        partner=KH,
    ),
    case("income-null-skipped", syn(), None, True, city=JP, partner=Party("KH")),
]


test_rule_in_isolation = isolation_test("income_groups", CASES)
