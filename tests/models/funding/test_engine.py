"""The engine on the bundled catalogue and on synthetic schemes: verdicts, orientation, country pass."""

from __future__ import annotations

import json
from typing import Any

import pytest

from models.funding import (
    CHECKABLE_RULES,
    CITY_APPLIES,
    PARTNER_APPLIES,
    CountryRules,
    Party,
    check_scheme,
    match_schemes,
    ruled_out_by_countries,
)
from tests.models.funding.helpers import (
    BY_ID,
    DE,
    ESSEN,
    FR,
    GRENOBLE,
    JP,
    KH,
    KITAKYUSHU,
    KORIYAMA,
    KYIV,
    PHNOM_PENH,
    REGIONS,
    SCHEMES,
    SEOUL,
    SYN_REGIONS,
    syn,
)

# Japanese ODA: Japan-funded schemes restricted to ODA-eligible countries.
JAPANESE_ODA = sorted(
    s["id"]
    for s in SCHEMES
    if s["funder_countries"] == ["JP"]
    and "ODA-eligible"
    in (s["eligibility"]["applicant_countries"] or []) + (s["eligibility"]["partner_countries"] or [])
)


# --------------------------------------------------------------------------- seed cases

SEED_CASES = [
    # id, city, partner, sectors, scheme, allowed verdicts, orientation (None: any)
    (
        "kk-pp-jica-partnership",
        KITAKYUSHU,
        PHNOM_PENH,
        ["water-supply"],
        "jica-partnership-program",
        {True},
        CITY_APPLIES,
    ),
    (
        "pp-kk-jica-partnership-reversed",
        PHNOM_PENH,
        KITAKYUSHU,
        ["water-supply"],
        "jica-partnership-program",
        {True},
        PARTNER_APPLIES,
    ),
    (
        "kk-pp-jica-tc-requested-by-partner",
        KITAKYUSHU,
        PHNOM_PENH,
        ["water-supply"],
        "jica-technical-cooperation-project",
        {None},
        PARTNER_APPLIES,
    ),
    (
        "kk-pp-yen-loan-national-borrower",
        KITAKYUSHU,
        PHNOM_PENH,
        ["water-supply"],
        "oda-yen-loan",
        {None},
        PARTNER_APPLIES,
    ),
    (
        "kk-pp-jcm-scheme-list",
        KITAKYUSHU,
        PHNOM_PENH,
        ["water-supply"],
        "jcm-joint-crediting-mechanism",
        {True},
        CITY_APPLIES,
    ),
    (
        "kk-pp-sme-support-not-for-cities",
        KITAKYUSHU,
        PHNOM_PENH,
        ["water-supply"],
        "jica-sme-support",
        {False},
        None,
    ),
    ("essen-koriyama-iurc", ESSEN, KORIYAMA, ["renewable-energy"], "eu-iurc", {True}, CITY_APPLIES),
    (
        "koriyama-essen-iurc-reversed",
        KORIYAMA,
        ESSEN,
        ["renewable-energy"],
        "eu-iurc",
        {True},
        PARTNER_APPLIES,
    ),
    ("essen-koriyama-iuc", ESSEN, KORIYAMA, ["renewable-energy"], "eu-iuc", {True}, CITY_APPLIES),
    ("essen-grenoble-cerv", ESSEN, GRENOBLE, ["tourism-culture"], "eu-cerv-town-twinning", {True}, None),
    ("essen-grenoble-cerv-no-sector", ESSEN, GRENOBLE, [], "eu-cerv-town-twinning", {True}, None),
    ("essen-kyiv-cerv-association-not-compiled", ESSEN, KYIV, [], "eu-cerv-town-twinning", {None}, None),
    (
        "kk-seoul-jica-partnership-high-income",
        KITAKYUSHU,
        SEOUL,
        ["water-supply"],
        "jica-partnership-program",
        {False},
        None,
    ),
    (
        "kk-seoul-jica-tc-high-income",
        KITAKYUSHU,
        SEOUL,
        ["water-supply"],
        "jica-technical-cooperation-project",
        {False},
        None,
    ),
    (
        "kk-unknown-country-jica-partnership",
        KITAKYUSHU,
        Party(None, income_group="LM"),
        ["water-supply"],
        "jica-partnership-program",
        {None},
        CITY_APPLIES,
    ),
    (
        "kk-unknown-income-jica-partnership",
        KITAKYUSHU,
        Party("KH"),
        ["water-supply"],
        "jica-partnership-program",
        {None},
        CITY_APPLIES,
    ),
]


@pytest.mark.parametrize(
    ("city", "partner", "sectors", "scheme_id", "verdicts", "orientation"),
    [pytest.param(*case[1:], id=case[0]) for case in SEED_CASES],
)
def test_seed_cases(city, partner, sectors, scheme_id, verdicts, orientation) -> None:
    result = check_scheme(BY_ID[scheme_id], city=city, partner=partner, sectors=sectors, regions=REGIONS)
    assert result.eligible in verdicts, result
    if orientation is not None:
        assert result.orientation == orientation
    if result.eligible is True:
        # Textual conditions are never hidden behind a plain True.
        for condition in BY_ID[scheme_id]["eligibility"]["requires"] or []:
            assert condition in result.to_confirm


def test_two_eu_cities_get_no_japanese_oda() -> None:
    assert JAPANESE_ODA, "catalogue should hold Japanese ODA schemes"
    results = match_schemes(
        SCHEMES, city=ESSEN, partner=GRENOBLE, sectors=["tourism-culture"], regions=REGIONS
    )
    by_id = {r.scheme_id: r for r in results}
    assert by_id["eu-cerv-town-twinning"].eligible is True
    assert [i for i in JAPANESE_ODA if by_id[i].eligible is not False] == []


def test_high_income_partner_fails_every_oda_scheme() -> None:
    results = match_schemes(SCHEMES, city=KITAKYUSHU, partner=SEOUL, regions=REGIONS)
    assert {r.scheme_id: r.eligible for r in results if r.scheme_id in JAPANESE_ODA} == dict.fromkeys(
        JAPANESE_ODA, False
    )


@pytest.mark.parametrize(
    "partner",
    [
        pytest.param(Party(None), id="partner-country-none"),
        pytest.param(Party("KH"), id="income-none"),
        pytest.param(Party("UA", income_group="UM"), id="uncompiled-region"),
        pytest.param(Party("KH", population=None, applicant_type=None), id="type-none"),
    ],
)
def test_unknown_data_never_yields_a_silent_true(partner: Party) -> None:
    for city in (KITAKYUSHU, ESSEN, Party(None)):
        for result in match_schemes(SCHEMES, city=city, partner=partner, regions=REGIONS):
            if result.eligible is True:
                # Only a partner count written as prose may stay unknown (it is a textual condition).
                blocking = [
                    c
                    for c in result.checks
                    if c.rule in CHECKABLE_RULES
                    and c.status != "pass"
                    and not c.detail.startswith("partner count stated as text")
                ]
                unknown = [c for c in result.checks if c.status == "unknown"]
                assert blocking == [], result
                assert all(c.status != "fail" for c in result.checks)
                assert unknown == [] or result.to_confirm, result


def test_kitakyushu_phnom_penh_overview() -> None:
    results = match_schemes(
        SCHEMES, city=KITAKYUSHU, partner=PHNOM_PENH, sectors=["water-supply"], regions=REGIONS
    )
    eligible = {r.scheme_id for r in results if r.eligible is True}
    assert "jica-partnership-program" in eligible
    assert not {"eu-iurc", "eu-iuc", "eu-cerv-town-twinning"} & eligible


@pytest.mark.parametrize(
    ("scheme", "note"),
    [
        pytest.param(syn(requires=["be a signatory"]), "be a signatory", id="requires"),
        pytest.param(syn(partner_count="Pairs and trios"), "partner count: Pairs and trios", id="count-text"),
        pytest.param(syn(), "applicant countries are not stated", id="null-applicant-countries"),
        pytest.param(syn(), "partner countries are not stated", id="null-partner-countries"),
        pytest.param(syn(), "applicant types are not stated", id="null-applicant-types"),
        pytest.param(
            syn(applicant_types=["local government (CCAC member cities)"]),
            "CCAC member cities",
            id="type-condition",
        ),
    ],
)
def test_unchecked_conditions_are_listed_to_confirm(scheme: dict[str, Any], note: str) -> None:
    result = check_scheme(scheme, city=DE, partner=FR, regions=SYN_REGIONS)
    assert result.eligible is True
    assert any(note in item for item in result.to_confirm), result.to_confirm


@pytest.mark.parametrize(
    ("scheme", "city", "partner", "orientation"),
    [
        pytest.param(syn(applicant_countries=["JP"]), KH, JP, PARTNER_APPLIES, id="partner-side-applies"),
        pytest.param(syn(applicant_countries=["JP"]), JP, KH, CITY_APPLIES, id="city-side-applies"),
        pytest.param(syn(), DE, FR, CITY_APPLIES, id="tie-keeps-city"),
        pytest.param(
            syn(applicant_countries=["KH"], min_population=2_000_000),
            JP,
            KH,
            PARTNER_APPLIES,
            id="fewer-fails-wins",
        ),
    ],
)
def test_orientation(scheme, city, partner, orientation) -> None:
    assert check_scheme(scheme, city=city, partner=partner, regions=SYN_REGIONS).orientation == orientation


def test_unknown_beats_false_and_true_beats_unknown() -> None:
    scheme = syn(applicant_countries=["EU27", "CERV-associated"], partner_countries=["EU27"])
    # UA applying: unknown; DE applying with partner UA: partner fails. Unknown wins.
    result = check_scheme(scheme, city=DE, partner=Party("UA"), regions=SYN_REGIONS)
    assert (result.eligible, result.orientation) == (None, PARTNER_APPLIES)


def test_as_dict_matches_api_shape() -> None:
    result = check_scheme(
        BY_ID["jica-partnership-program"], city=KITAKYUSHU, partner=PHNOM_PENH, regions=REGIONS
    )
    data = result.as_dict()
    assert data["id"] == "jica-partnership-program" and data["eligible"] is True
    assert set(data["checks"][0]) == {"rule", "status", "detail"}
    json.dumps(data)


def test_countries_rule_out_only_what_the_full_check_finds_not_eligible() -> None:
    """The cheap country pass never excludes a pair that check_scheme would not reject."""
    parties = [
        Party(c, income_group=g)
        for c, g in [
            ("JP", "H"),
            ("KH", "LM"),
            ("DE", "H"),
            ("FR", "H"),
            ("VN", "LM"),
            ("US", "H"),
            (None, None),
        ]
    ]
    excluded = 0
    for scheme in SCHEMES:
        for city in parties:
            for partner in parties:
                if ruled_out_by_countries(scheme, city=city, partner=partner, regions=REGIONS):
                    excluded += 1
                    result = check_scheme(scheme, city=city, partner=partner, regions=REGIONS)
                    assert result.eligible is False, (scheme["id"], city.country, partner.country)
    assert excluded > len(SCHEMES)  # the pass does exclude pairs


def test_country_rules_are_the_country_pass_as_lookups() -> None:
    countries = ["JP", "KH", "DE", "FR", "VN", "US", "BR", "PL", "TR", "UA", "CN", "gb", None]
    listed = [c for c in countries if c is not None and c != "PL"]  # PL is outside the precomputed list
    excluded = 0
    for scheme in SCHEMES:
        rules = CountryRules.of(scheme, listed, REGIONS)
        for city in countries:
            for partner in countries:
                expected = ruled_out_by_countries(
                    scheme, city=Party(city), partner=Party(partner), regions=REGIONS
                )
                if "PL" in (city, partner):
                    # unknown to the rules, PL passes them: at worst the full check runs
                    assert expected or not rules.rules_out(city, partner)
                else:
                    assert rules.rules_out(city, partner) is expected, (scheme["id"], city, partner)
                    excluded += expected
    assert excluded > len(SCHEMES)


@pytest.mark.parametrize(
    ("scheme_id", "city", "partner", "expected"),
    [
        ("jica-partnership-program", "JP", "KH", False),
        ("jica-partnership-program", "KH", "JP", False),  # either side may apply
        ("jica-partnership-program", "DE", "FR", True),
        ("jica-partnership-program", "JP", "FR", True),  # FR is not ODA-eligible
        ("jica-partnership-program", None, "KH", False),  # an unknown country is not a failure
        ("jica-partnership-program", None, "FR", True),
    ],
)
def test_countries_rule_out_cases(scheme_id: str, city: str | None, partner: str, expected: bool) -> None:
    scheme = BY_ID[scheme_id]
    assert (
        ruled_out_by_countries(scheme, city=Party(city), partner=Party(partner), regions=REGIONS) is expected
    )
