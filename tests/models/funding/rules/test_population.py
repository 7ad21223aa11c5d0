"""The population bounds: the minimum checked in isolation; the maximum checked, in the catalogue
schema, in the API schema and in the cache key.

Both rule types are one module, models/funding/rules/population.py; nothing else names them.
"""

from __future__ import annotations

import numpy as np
import pytest

from models.advice.catalogue import FIELD_HELP, scheme_json_schema, validate_schemes
from models.advice.schemes import suggest_schemes
from models.funding import CHECKABLE_RULES, Party, check_scheme
from models.funding.registry import party_fields_read
from service.catalogue.schemas import EligibilityRead
from tests.models.funding.helpers import DE, FR, SCHEMES, SYN_REGIONS, case, isolation_test, syn

SMALL = Party("FR", 20_000, income_group="H")

LIMIT = 100_000
# neither side's population is known
SIZES_UNKNOWN = {"city": Party("DE"), "partner": Party("FR")}

test_min_population = isolation_test(
    "min_population",
    [
        case("population-pass", syn(min_population=LIMIT), "pass", True),
        case(
            "population-too-small",
            syn(applicant_countries=["FR"], min_population=LIMIT),
            "fail",
            False,
            city=FR,
            partner=DE,
        ),
        case("population-unknown", syn(min_population=LIMIT), "unknown", None, **SIZES_UNKNOWN),
    ],
)

test_max_population = isolation_test(
    "max_population",
    [
        case("ceiling-pass", syn(max_population=600_000), "pass", True),
        case("ceiling-too-big", syn(applicant_countries=["DE"], max_population=LIMIT), "fail", False),
        case("ceiling-unknown", syn(max_population=LIMIT), "unknown", None, **SIZES_UNKNOWN),
        case("ceiling-not-a-number", syn(max_population="small"), "unknown", None),
        case("ceiling-null-skipped", syn(max_population=None), None, True),
    ],
)


def test_the_smaller_side_applies_and_checks_follow_the_minimum() -> None:
    scheme = syn(min_population=10_000, max_population=100_000)
    result = check_scheme(scheme, city=DE, partner=SMALL, regions=SYN_REGIONS)
    assert (result.eligible, result.orientation) == (True, "partner-applies")
    assert [c.rule for c in result.checks] == ["min_population", "max_population"]
    assert "max_population" in CHECKABLE_RULES


def test_it_is_an_optional_key_of_the_catalogue_schema() -> None:
    eligibility = scheme_json_schema()["properties"]["eligibility"]
    assert eligibility["properties"]["max_population"] == {
        "anyOf": [{"type": "null"}, {"type": "integer", "minimum": 1}]
    }
    assert "max_population" not in eligibility["required"]
    assert "optionally jcm_partner_countries, max_population" in FIELD_HELP["eligibility"]
    record = {**SCHEMES[0], "eligibility": {**SCHEMES[0]["eligibility"], "max_population": 99_999}}
    validate_schemes([record], "ok.json")
    record["eligibility"]["max_population"] = "100k"
    with pytest.raises(ValueError, match=r"eligibility\.max_population: .*largest number of inhabitants"):
        validate_schemes([record], "bad.json")


def test_it_is_a_field_of_the_api_eligibility_schema() -> None:
    field = EligibilityRead.model_json_schema()["properties"]["max_population"]
    assert field["description"] == "Most inhabitants the applicant may have"
    assert EligibilityRead.model_validate({"max_population": 99_999}).max_population == 99_999
    assert EligibilityRead.model_validate({}).model_dump()["max_population"] is None


def test_it_puts_the_population_in_the_cache_key() -> None:
    assert party_fields_read({"max_population": 100_000}) == {"population"}

    def entries(scheme: dict) -> dict:
        cache: dict = {}
        for population in (20_000, 500_000):
            suggest_schemes(
                [scheme],
                np.zeros((1, 4), dtype=np.float32),
                city=Party("DE", population, income_group="H"),
                partners=[(1, FR)],
                sectors=[],
                needs_embedding=None,
                funded_by_scheme={},
                regions=SYN_REGIONS,
                cache=cache,
            )
        return cache

    ceiling = syn(applicant_countries=["DE"], max_population=100_000)
    ceiling["name"] = "small towns"
    verdicts = sorted(e.eligible for e in entries(ceiling).values())
    assert verdicts == [False, True]
    assert len(entries({**ceiling, "eligibility": {**ceiling["eligibility"], "max_population": None}})) == 1
