"""Income groups checked in isolation, on synthetic schemes."""

from __future__ import annotations

from models.funding import Party
from tests.models.funding.helpers import JP, KH, US, case, isolation_test, syn

NOT_HIGH = ["L", "LM", "UM"]
JP_APPLIES = syn(applicant_countries=["JP"], income_groups=NOT_HIGH)
# a Japanese scheme the developing-country side requests: the requesting side's income counts
REQUESTED = syn(
    funder_countries=["JP"],
    applicant_countries=["ODA-eligible"],
    partner_countries=["JP"],
    income_groups=NOT_HIGH,
)

test_rule_in_isolation = isolation_test(
    "income_groups",
    [
        case("income-pass", syn(income_groups=NOT_HIGH), "pass", True, city=JP, partner=KH),
        case("income-high-fails", JP_APPLIES, "fail", False, city=JP, partner=US),
        case("income-unknown", JP_APPLIES, "unknown", None, city=JP, partner=Party("KH")),
        case(
            "income-from-country-facts",
            syn(applicant_countries=["JP"], income_groups=["LM"]),
            "pass",
            True,
            city=JP,
            partner=Party("VN"),
        ),
        case("income-of-requesting-applicant", REQUESTED, "pass", True, city=JP, partner=KH),
        case("income-null-skipped", syn(), None, True, city=JP, partner=Party("KH")),
    ],
)
