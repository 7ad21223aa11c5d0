"""Applicant and partner countries checked in isolation, on synthetic schemes."""

from __future__ import annotations

import pytest

from models.funding import Party
from tests.models.funding.helpers import DE, FR, JP, KH, MN, US, assert_case, syn

CASES = [
    # id, scheme, city, partner, extra kwargs, rule, expected status, expected verdict
    ("applicant-iso-pass", syn(applicant_countries=["DE"]), DE, US, {}, "applicant_countries", "pass", True),
    (
        "applicant-region-pass",
        syn(applicant_countries=["EU27"]),
        FR,
        US,
        {},
        "applicant_countries",
        "pass",
        True,
    ),
    (
        "applicant-fail-both-ways",
        syn(applicant_countries=["EU27"]),
        JP,
        US,
        {},
        "applicant_countries",
        "fail",
        False,
    ),
    (
        "applicant-country-none",
        syn(applicant_countries=["EU27"]),
        Party(None),
        US,
        {},
        "applicant_countries",
        "unknown",
        None,
    ),
    (
        "applicant-region-not-compiled",
        syn(applicant_countries=["CERV-associated"]),
        Party("UA"),
        US,
        {},
        "applicant_countries",
        "unknown",
        None,
    ),
    (
        "applicant-one-known-region-enough",
        syn(applicant_countries=["EU27", "CERV-associated"]),
        DE,
        US,
        {},
        "applicant_countries",
        "pass",
        True,
    ),
    (
        "applicant-unknown-code",
        syn(applicant_countries=["Atlantis"]),
        DE,
        US,
        {},
        "applicant_countries",
        "unknown",
        None,
    ),
    ("applicant-null-skipped", syn(), DE, US, {}, "applicant_countries", None, True),
    # partner_countries
    (
        "partner-region-pass",
        syn(applicant_countries=["JP"], partner_countries=["ODA-eligible"]),
        JP,
        KH,
        {},
        "partner_countries",
        "pass",
        True,
    ),
    (
        "partner-fail",
        syn(applicant_countries=["JP"], partner_countries=["ODA-eligible"]),
        JP,
        US,
        {},
        "partner_countries",
        "fail",
        False,
    ),
    (
        "partner-none",
        syn(applicant_countries=["JP"], partner_countries=["ODA-eligible"]),
        JP,
        Party(None),
        {},
        "partner_countries",
        "unknown",
        None,
    ),
    (
        "jcm-scheme-list-wins",
        syn(partner_countries=["JCM-partners"], jcm_partner_countries=["KH"]),
        JP,
        KH,
        {},
        "partner_countries",
        "pass",
        True,
    ),
    (
        "jcm-scheme-list-excludes",
        syn(applicant_countries=["JP"], partner_countries=["JCM-partners"], jcm_partner_countries=["KH"]),
        JP,
        MN,
        {},
        "partner_countries",
        "fail",
        False,
    ),
    (
        "jcm-regions-fallback",
        syn(partner_countries=["JCM-partners"]),
        JP,
        MN,
        {},
        "partner_countries",
        "pass",
        True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_rule_in_isolation(case: tuple) -> None:
    assert_case(*case[1:])
