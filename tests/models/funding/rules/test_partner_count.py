"""The partner count checked in isolation, on synthetic schemes."""

from __future__ import annotations

from tests.models.funding.helpers import case, isolation_test, syn

CASES = [
    case("count-number-pass", syn(partner_count=2), "pass", True),
    case("count-number-fail", syn(partner_count=4), "fail", False),
    case("count-object-pass", syn(partner_count={"min": 2, "max": 4}), "pass", True, n_partners=3),
    case("count-object-fail", syn(partner_count={"min": 2, "max": 4}), "fail", False, n_partners=5),
    case("count-text-to-confirm", syn(partner_count="Pairs and trios"), "unknown", True),
    case("count-bad-shape", syn(partner_count={"few": 2}), "unknown", None),
]


test_rule_in_isolation = isolation_test("partner_count", CASES)
