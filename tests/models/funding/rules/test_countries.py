"""Applicant and partner countries checked in isolation, on synthetic schemes."""

from __future__ import annotations

from models.funding import Party
from tests.models.funding.helpers import FR, JP, KH, MN, US, case, isolation_test, syn

EU = syn(applicant_countries=["EU27"])
JP_TO_ODA = syn(applicant_countries=["JP"], partner_countries=["ODA-eligible"])
JCM = syn(partner_countries=["JCM-partners"])
JCM_LISTED = syn(partner_countries=["JCM-partners"], jcm_partner_countries=["KH"])
JP_TO_JCM_LISTED = syn(
    applicant_countries=["JP"], partner_countries=["JCM-partners"], jcm_partner_countries=["KH"]
)

test_applicant_countries = isolation_test(
    "applicant_countries",
    [
        case("applicant-iso-pass", syn(applicant_countries=["DE"]), "pass", True, partner=US),
        case("applicant-region-pass", EU, "pass", True, city=FR, partner=US),
        case("applicant-fail-both-ways", EU, "fail", False, city=JP, partner=US),
        case("applicant-country-none", EU, "unknown", None, city=Party(None), partner=US),
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
    ],
)

test_partner_countries = isolation_test(
    "partner_countries",
    [
        case("partner-region-pass", JP_TO_ODA, "pass", True, city=JP, partner=KH),
        case("partner-fail", JP_TO_ODA, "fail", False, city=JP, partner=US),
        case("partner-none", JP_TO_ODA, "unknown", None, city=JP, partner=Party(None)),
        case("jcm-scheme-list-wins", JCM_LISTED, "pass", True, city=JP, partner=KH),
        case("jcm-scheme-list-excludes", JP_TO_JCM_LISTED, "fail", False, city=JP, partner=MN),
        case("jcm-regions-fallback", JCM, "pass", True, city=JP, partner=MN),
    ],
)
