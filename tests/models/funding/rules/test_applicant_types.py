"""Applicant types checked in isolation, on synthetic schemes."""

from __future__ import annotations

from models.funding import Party
from tests.models.funding.helpers import JP, KH, case, isolation_test, syn

CASES = [
    case("type-synonym-municipality", syn(applicant_types=["municipality"]), "pass", True),
    case("type-public-authority", syn(applicant_types=["public authority"]), "pass", True),
    case("type-fail", syn(applicant_types=["NGO", "private company"]), "fail", False),
    case("type-ngo-pass", syn(applicant_types=["NGO"]), "pass", True, city=Party("DE", applicant_type="NGO")),
    case(
        "type-sme-is-company",
        syn(applicant_types=["private company"]),
        "pass",
        True,
        city=Party("DE", applicant_type="SME"),
        partner=Party("FR", applicant_type="SME"),
    ),
    case(
        "type-national-requests-for-city",
        syn(applicant_types=["national government (requesting side)"]),
        "unknown",
        None,
        city=KH,
        partner=JP,
    ),
    case(
        "type-counterpart-role-fails",
        syn(applicant_types=["national government", "local government (host)"]),
        "fail",
        False,
        city=Party("KH", applicant_type="national government"),
        partner=Party("JP", applicant_type="NGO"),
    ),
    case(
        "type-applicant-none",
        syn(applicant_types=["local government"]),
        "unknown",
        None,
        city=Party("DE", applicant_type=None),
        partner=Party("FR", applicant_type=None),
    ),
    case(
        "type-unrecognised",
        syn(applicant_types=["local government"]),
        "unknown",
        None,
        city=Party("DE", applicant_type="guild"),
        partner=Party("FR", applicant_type="guild"),
    ),
]


test_rule_in_isolation = isolation_test("applicant_types", CASES)
