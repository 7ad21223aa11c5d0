"""Applicant types checked in isolation, on synthetic schemes."""

from __future__ import annotations

import pytest

from models.funding import Party
from tests.models.funding.helpers import DE, FR, JP, KH, assert_case, syn

CASES = [
    # id, scheme, city, partner, extra kwargs, rule, expected status, expected verdict
    (
        "type-synonym-municipality",
        syn(applicant_types=["municipality"]),
        DE,
        FR,
        {},
        "applicant_types",
        "pass",
        True,
    ),
    (
        "type-public-authority",
        syn(applicant_types=["public authority"]),
        DE,
        FR,
        {},
        "applicant_types",
        "pass",
        True,
    ),
    (
        "type-fail",
        syn(applicant_types=["NGO", "private company"]),
        DE,
        FR,
        {},
        "applicant_types",
        "fail",
        False,
    ),
    (
        "type-ngo-pass",
        syn(applicant_types=["NGO"]),
        Party("DE", applicant_type="NGO"),
        FR,
        {},
        "applicant_types",
        "pass",
        True,
    ),
    (
        "type-sme-is-company",
        syn(applicant_types=["private company"]),
        Party("DE", applicant_type="SME"),
        Party("FR", applicant_type="SME"),
        {},
        "applicant_types",
        "pass",
        True,
    ),
    (
        "type-national-requests-for-city",
        syn(applicant_types=["national government (requesting side)"]),
        KH,
        JP,
        {},
        "applicant_types",
        "unknown",
        None,
    ),
    (
        "type-counterpart-role-fails",
        syn(applicant_types=["national government", "local government (host)"]),
        Party("KH", applicant_type="national government"),
        Party("JP", applicant_type="NGO"),
        {},
        "applicant_types",
        "fail",
        False,
    ),
    (
        "type-applicant-none",
        syn(applicant_types=["local government"]),
        Party("DE", applicant_type=None),
        Party("FR", applicant_type=None),
        {},
        "applicant_types",
        "unknown",
        None,
    ),
    (
        "type-unrecognised",
        syn(applicant_types=["local government"]),
        Party("DE", applicant_type="guild"),
        Party("FR", applicant_type="guild"),
        {},
        "applicant_types",
        "unknown",
        None,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_rule_in_isolation(case: tuple) -> None:
    assert_case(*case[1:])
