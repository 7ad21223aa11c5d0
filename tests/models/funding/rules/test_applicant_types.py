"""Applicant types checked in isolation, on synthetic schemes."""

from __future__ import annotations

from models.funding import Party
from tests.models.funding.helpers import JP, KH, case, isolation_test, syn

LOCAL = syn(applicant_types=["local government"])
NATIONAL_HOSTED = syn(applicant_types=["national government", "local government (host)"])


def both(applicant_type: str | None) -> dict[str, Party]:
    """Both sides of one applicant type."""
    return {
        "city": Party("DE", applicant_type=applicant_type),
        "partner": Party("FR", applicant_type=applicant_type),
    }


test_rule_in_isolation = isolation_test(
    "applicant_types",
    [
        case("type-synonym-municipality", syn(applicant_types=["municipality"]), "pass", True),
        case("type-public-authority", syn(applicant_types=["public authority"]), "pass", True),
        case("type-fail", syn(applicant_types=["NGO", "private company"]), "fail", False),
        case(
            "type-ngo-pass",
            syn(applicant_types=["NGO"]),
            "pass",
            True,
            city=Party("DE", applicant_type="NGO"),
        ),
        case("type-sme-is-company", syn(applicant_types=["private company"]), "pass", True, **both("SME")),
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
            NATIONAL_HOSTED,
            "fail",
            False,
            city=Party("KH", applicant_type="national government"),
            partner=Party("JP", applicant_type="NGO"),
        ),
        case("type-applicant-none", LOCAL, "unknown", None, **both(None)),
        case("type-unrecognised", LOCAL, "unknown", None, **both("guild")),
    ],
)
