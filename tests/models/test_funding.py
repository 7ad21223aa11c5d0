"""Table-driven tests of the funding-scheme eligibility rules engine.

Two tables: seed cases on the real bundled catalogue, and small synthetic
schemes that isolate one rule type each with hand-checked outcomes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from models.funding import (
    CHECKABLE_RULES,
    CITY_APPLIES,
    PARTNER_APPLIES,
    CountryRules,
    Eligibility,
    Party,
    RegionResolver,
    check_scheme,
    match_schemes,
    parse_active_years,
    ruled_out_by_countries,
    sector_parents_from,
)

CURATED = Path(__file__).parents[2] / "data" / "curated"


def _load(name: str) -> Any:
    return json.loads((CURATED / name).read_text(encoding="utf-8"))


SCHEMES: list[dict[str, Any]] = _load("funding_schemes.json")
BY_ID = {s["id"]: s for s in SCHEMES}
REGIONS = RegionResolver(_load("regions.json"))
PARENTS = sector_parents_from(_load("sectors.json"))

# Seed cities (populations from city_profiles.json).
KITAKYUSHU = Party("JP", 960_000, income_group="H")
PHNOM_PENH = Party("KH", 1_500_000, income_group="LM")
ESSEN = Party("DE", 593_489, income_group="H")
KORIYAMA = Party("JP", 323_350, income_group="H")
GRENOBLE = Party("FR", 158_000, income_group="H")
SEOUL = Party("KR", 9_400_000, income_group="H")
KYIV = Party("UA", 2_900_000, income_group="UM")

# Japanese ODA: Japan-funded schemes restricted to ODA-eligible countries.
JAPANESE_ODA = sorted(
    s["id"]
    for s in SCHEMES
    if s["funder_countries"] == ["JP"]
    and "ODA-eligible"
    in (s["eligibility"]["applicant_countries"] or []) + (s["eligibility"]["partner_countries"] or [])
)


def _check(e: Eligibility, rule: str) -> str | None:
    """Status of the (first) check of a rule, None when the rule was not checked."""
    return next((c.status for c in e.checks if c.rule == rule), None)


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


# --------------------------------------------------------------------------- synthetic schemes

SYN_REGIONS = RegionResolver(
    {
        "EU27": {"members": ["DE", "FR"]},
        "ODA-eligible": {"members": ["KH", "VN", "MN"]},
        "CERV-associated": {"members": None},
        "JCM-partners": {"members": ["MN"]},
    },
    income_groups={"VN": "LM"},
)
SYN_PARENTS = {"hydrogen": "energy", "renewable-energy": "energy", "energy": None, "water-supply": None}


def syn(**eligibility: Any) -> dict[str, Any]:
    """A scheme whose rules are all "not stated" except the ones given."""
    top = {k: eligibility.pop(k) for k in ("sectors", "active_years", "funder_countries") if k in eligibility}
    base = dict.fromkeys(
        [
            "applicant_countries",
            "partner_countries",
            "applicant_types",
            "min_population",
            "partner_count",
            "income_groups",
            "requires",
        ]
    )
    base.update(eligibility)
    return {"id": "syn", "eligibility": base, "sectors": [], "active_years": None, **top}


LG = "local government"
DE = Party("DE", 500_000, LG, "H")
FR = Party("FR", 80_000, LG, "H")
JP = Party("JP", 900_000, LG, "H")
KH = Party("KH", 1_500_000, LG, "LM")
MN = Party("MN", 1_600_000, LG, "LM")
US = Party("US", 700_000, LG, "H")

SYNTHETIC = [
    # id, scheme, city, partner, extra kwargs, rule, expected status, expected verdict
    # applicant_countries
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
    # income_groups (partner's, or the applicant's in request-type schemes)
    ("income-pass", syn(income_groups=["L", "LM", "UM"]), JP, KH, {}, "income_groups", "pass", True),
    (
        "income-high-fails",
        syn(applicant_countries=["JP"], income_groups=["L", "LM", "UM"]),
        JP,
        US,
        {},
        "income_groups",
        "fail",
        False,
    ),
    (
        "income-unknown",
        syn(applicant_countries=["JP"], income_groups=["L", "LM", "UM"]),
        JP,
        Party("KH"),
        {},
        "income_groups",
        "unknown",
        None,
    ),
    (
        "income-from-country-facts",
        syn(applicant_countries=["JP"], income_groups=["LM"]),
        JP,
        Party("VN"),
        {},
        "income_groups",
        "pass",
        True,
    ),
    (
        "income-of-requesting-applicant",
        syn(
            funder_countries=["JP"],
            applicant_countries=["ODA-eligible"],
            partner_countries=["JP"],
            income_groups=["L", "LM", "UM"],
        ),
        JP,
        KH,
        {},
        "income_groups",
        "pass",
        True,
    ),
    ("income-null-skipped", syn(), JP, Party("KH"), {}, "income_groups", None, True),
    # applicant_types
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
    # min_population (the applicant's)
    ("population-pass", syn(min_population=100_000), DE, FR, {}, "min_population", "pass", True),
    (
        "population-too-small",
        syn(applicant_countries=["FR"], min_population=100_000),
        FR,
        DE,
        {},
        "min_population",
        "fail",
        False,
    ),
    (
        "population-unknown",
        syn(min_population=100_000),
        Party("DE"),
        Party("FR"),
        {},
        "min_population",
        "unknown",
        None,
    ),
    # partner_count
    ("count-number-pass", syn(partner_count=2), DE, FR, {}, "partner_count", "pass", True),
    ("count-number-fail", syn(partner_count=4), DE, FR, {}, "partner_count", "fail", False),
    (
        "count-object-pass",
        syn(partner_count={"min": 2, "max": 4}),
        DE,
        FR,
        {"n_partners": 3},
        "partner_count",
        "pass",
        True,
    ),
    (
        "count-object-fail",
        syn(partner_count={"min": 2, "max": 4}),
        DE,
        FR,
        {"n_partners": 5},
        "partner_count",
        "fail",
        False,
    ),
    (
        "count-text-to-confirm",
        syn(partner_count="Pairs and trios"),
        DE,
        FR,
        {},
        "partner_count",
        "unknown",
        True,
    ),
    ("count-bad-shape", syn(partner_count={"few": 2}), DE, FR, {}, "partner_count", "unknown", None),
    # sectors
    (
        "sector-pass",
        syn(sectors=["water-supply"]),
        DE,
        FR,
        {"sectors": ["water-supply"]},
        "sectors",
        "pass",
        True,
    ),
    ("sector-fail", syn(sectors=["water-supply"]), DE, FR, {"sectors": ["energy"]}, "sectors", "fail", False),
    ("sector-not-requested", syn(sectors=["water-supply"]), DE, FR, {}, "sectors", None, True),
    (
        "sector-broader",
        syn(sectors=["energy"]),
        DE,
        FR,
        {"sectors": ["hydrogen"], "sector_parents": SYN_PARENTS},
        "sectors",
        "pass",
        True,
    ),
    (
        "sector-narrower",
        syn(sectors=["renewable-energy"]),
        DE,
        FR,
        {"sectors": ["energy"], "sector_parents": SYN_PARENTS},
        "sectors",
        "pass",
        True,
    ),
    # active_years
    ("years-in-range", syn(active_years="2021-2027"), DE, FR, {"year": 2025}, "active_years", "pass", True),
    ("years-open-end", syn(active_years="2014-"), DE, FR, {"year": 2030}, "active_years", "pass", True),
    (
        "years-before-stated-start",
        syn(active_years="from 2013"),
        DE,
        FR,
        {"year": 2010},
        "active_years",
        "fail",
        False,
    ),
    (
        "years-after-until",
        syn(active_years="until 2020"),
        DE,
        FR,
        {"year": 2022},
        "active_years",
        "fail",
        False,
    ),
    (
        "years-after-documented-use",
        syn(active_years="2012 (Surabaya)"),
        DE,
        FR,
        {"year": 2025},
        "active_years",
        "unknown",
        None,
    ),
    (
        "years-unparseable",
        syn(active_years="ongoing, dates not stated"),
        DE,
        FR,
        {"year": 2025},
        "active_years",
        "unknown",
        None,
    ),
    ("years-null-with-year", syn(), DE, FR, {"year": 2025}, "active_years", "unknown", None),
    ("years-no-query-year", syn(active_years="1995-2002"), DE, FR, {}, "active_years", None, True),
    # requires
    ("requires-to-confirm", syn(requires=["be a signatory"]), DE, FR, {}, "requires", "unknown", True),
]


@pytest.mark.parametrize(
    ("scheme", "city", "partner", "kwargs", "rule", "status", "verdict"),
    [pytest.param(*case[1:], id=case[0]) for case in SYNTHETIC],
)
def test_rule_in_isolation(scheme, city, partner, kwargs, rule, status, verdict) -> None:
    result = check_scheme(scheme, city=city, partner=partner, regions=SYN_REGIONS, **kwargs)
    assert _check(result, rule) == status, result.checks
    assert result.eligible is verdict, result.checks
    for check in result.checks:
        assert check.detail, "every check explains itself"


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


@pytest.mark.parametrize(
    ("text", "start", "end", "start_explicit"),
    [
        ("2016-2020 (phase I)", 2016, 2020, False),
        ("FY1999-2000 (Dalian)", 1999, 2000, False),
        ("2021-2023/24 (phase II)", 2021, 2024, False),
        ("October/November 2021 to March 2023", 2021, 2023, False),
        ("2013-present (renamed later)", 2013, None, True),
        ("2014-", 2014, None, True),
        ("Kitakyushu since 1981; partner budgets", 1981, None, True),
        ("CLAIR founded 1988; used from 2001", 1988, None, True),
        ("1996-2000 (Dalian); master plan (target year 2035); 2016-2017", 1996, 2017, False),
        ("2010 (Dalian) to 2017 and later", 2010, None, False),
    ],
)
def test_parse_active_years(text: str, start: int, end: int | None, start_explicit: bool) -> None:
    period = parse_active_years(text)
    assert period is not None
    assert (period.start, period.end, period.start_explicit) == (start, end, start_explicit)


def test_every_catalogue_text_is_readable() -> None:
    unreadable = [s["id"] for s in SCHEMES if parse_active_years(s["active_years"]) is None]
    assert unreadable == []


@pytest.mark.parametrize(
    ("code", "iso2", "expected"),
    [
        ("EU27", "DE", True),
        ("EU27", "JP", False),
        ("eu27", "de", True),
        ("CERV-associated", "UA", None),
        ("JP", "JP", True),
        ("UK", "GB", True),
        ("multilateral", "JP", None),
    ],
)
def test_region_resolver_contains(code: str, iso2: str, expected: bool | None) -> None:
    assert REGIONS.contains(code, iso2) is expected


def test_region_resolver_members_and_extra_facts() -> None:
    assert REGIONS.members("CERV-associated") is None
    assert "KH" in (REGIONS.members("ODA-eligible") or set())
    completed = RegionResolver(_load("regions.json"), extra_members={"CERV-associated": ["UA"]})
    assert completed.contains("CERV-associated", "UA") is True


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
