"""Sector fit checked in isolation, on synthetic schemes."""

from __future__ import annotations

from tests.models.funding.helpers import SYN_PARENTS, case, isolation_test, syn

CASES = [
    case("sector-pass", syn(sectors=["water-supply"]), "pass", True, sectors=["water-supply"]),
    case("sector-fail", syn(sectors=["water-supply"]), "fail", False, sectors=["energy"]),
    case("sector-not-requested", syn(sectors=["water-supply"]), None, True),
    case(
        "sector-broader",
        syn(sectors=["energy"]),
        "pass",
        True,
        sectors=["hydrogen"],
        sector_parents=SYN_PARENTS,
    ),
    case(
        "sector-narrower",
        syn(sectors=["renewable-energy"]),
        "pass",
        True,
        sectors=["energy"],
        sector_parents=SYN_PARENTS,
    ),
]


test_rule_in_isolation = isolation_test("sectors", CASES)
