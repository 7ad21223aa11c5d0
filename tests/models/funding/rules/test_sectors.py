"""Sector fit checked in isolation, on synthetic schemes."""

from __future__ import annotations

from tests.models.funding.helpers import SYN_PARENTS, case, isolation_test, syn

WATER = syn(sectors=["water-supply"])
TAXONOMY = {"sector_parents": SYN_PARENTS}

test_rule_in_isolation = isolation_test(
    "sectors",
    [
        case("sector-pass", WATER, "pass", True, sectors=["water-supply"]),
        case("sector-fail", WATER, "fail", False, sectors=["energy"]),
        case("sector-not-requested", WATER, None, True),
        # a scheme's sector fits the ones below and above it in the taxonomy
        case("sector-broader", syn(sectors=["energy"]), "pass", True, sectors=["hydrogen"], **TAXONOMY),
        case(
            "sector-narrower", syn(sectors=["renewable-energy"]), "pass", True, sectors=["energy"], **TAXONOMY
        ),
    ],
)
