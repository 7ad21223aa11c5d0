"""Applicant and partner countries checked in isolation, on synthetic schemes."""

from __future__ import annotations

from models.funding import Party
from tests.models.funding.helpers import FR, JP, KH, MN, US, case, isolation_test, syn

CASES = [
    case("applicant-iso-pass", syn(applicant_countries=["DE"]), "pass", True, partner=US),
    case("applicant-region-pass", syn(applicant_countries=["EU27"]), "pass", True, city=FR, partner=US),
    case("applicant-fail-both-ways", syn(applicant_countries=["EU27"]), "fail", False, city=JP, partner=US),
    case(
        "applicant-country-none",
        syn(applicant_countries=["EU27"]),
        "unknown",
        None,
        city=Party(None),
        partner=US,
    ),
    case(
        "applicant-region-not-compiled",
        syn(applicant_countries=["CERV-associated"]),
        "unknown",
        None,
        city=Party("UA"),
        partner=US,
    ),
    case(
        "applicant-one-known-region-enough",
        syn(applicant_countries=["EU27", "CERV-associated"]),
        "pass",
        True,
        partner=US,
    ),
    case("applicant-unknown-code", syn(applicant_countries=["Atlantis"]), "unknown", None, partner=US),
    case("applicant-null-skipped", syn(), None, True, partner=US),
    case(
        "partner-region-pass",
        syn(applicant_countries=["JP"], partner_countries=["ODA-eligible"]),
        "pass",
        True,
        city=JP,
        partner=KH,
        rule="partner_countries",
    ),
    case(
        "partner-fail",
        syn(applicant_countries=["JP"], partner_countries=["ODA-eligible"]),
        "fail",
        False,
        city=JP,
        partner=US,
        rule="partner_countries",
    ),
    case(
        "partner-none",
        syn(applicant_countries=["JP"], partner_countries=["ODA-eligible"]),
        "unknown",
        None,
        city=JP,
        partner=Party(None),
        rule="partner_countries",
    ),
    case(
        "jcm-scheme-list-wins",
        syn(partner_countries=["JCM-partners"], jcm_partner_countries=["KH"]),
        "pass",
        True,
        city=JP,
        partner=KH,
        rule="partner_countries",
    ),
    case(
        "jcm-scheme-list-excludes",
        syn(applicant_countries=["JP"], partner_countries=["JCM-partners"], jcm_partner_countries=["KH"]),
        "fail",
        False,
        city=JP,
        partner=MN,
        rule="partner_countries",
    ),
    case(
        "jcm-regions-fallback",
        syn(partner_countries=["JCM-partners"]),
        "pass",
        True,
        city=JP,
        partner=MN,
        rule="partner_countries",
    ),
]


test_rule_in_isolation = isolation_test("applicant_countries", CASES)
