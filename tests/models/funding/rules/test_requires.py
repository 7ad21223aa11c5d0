"""Textual conditions checked in isolation, on synthetic schemes."""

from __future__ import annotations

from tests.models.funding.helpers import case, isolation_test, syn

CASES = [
    case("requires-to-confirm", syn(requires=["be a signatory"]), "unknown", True),
]


test_rule_in_isolation = isolation_test("requires", CASES)
