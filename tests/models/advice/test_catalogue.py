"""Validation of funding-scheme records for the admin import."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from models.advice.catalogue import scheme_json_schema, validate_schemes
from tests.conftest import CURATED

SCHEMES: list[dict[str, Any]] = json.loads((CURATED / "funding_schemes.json").read_text(encoding="utf-8"))
REGION_CODES = list(json.loads((CURATED / "regions.json").read_text(encoding="utf-8")))
SECTOR_IDS = [s["id"] for s in json.loads((CURATED / "sectors.json").read_text(encoding="utf-8"))]


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(scheme_json_schema())
    Draft202012Validator.check_schema(scheme_json_schema(region_codes=REGION_CODES, sector_ids=SECTOR_IDS))


def test_bundled_catalogue_passes() -> None:
    validate_schemes(SCHEMES, "funding_schemes.json")
    validate_schemes(SCHEMES, "funding_schemes.json", region_codes=REGION_CODES, sector_ids=SECTOR_IDS)


def test_yaml_round_trip_passes() -> None:
    records = yaml.safe_load(yaml.safe_dump(SCHEMES, allow_unicode=True))
    validate_schemes(records, "funding_schemes.yaml")


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(record: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = record
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate


def _delete(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda record: record.pop(key)


BAD_RECORDS = [
    # id, mutation, expected fragments of the message
    ("income-group", _set("eligibility.income_groups", ["X"]), ["eligibility.income_groups[0]", "'X'", "LM"]),
    (
        "typo-key",
        _set("eligibility.partner_country", ["JP"]),
        ["'partner_country' was unexpected", "allowed keys"],
    ),
    ("missing-name", _delete("name"), ["name:", "required"]),
    ("bad-kind", _set("kind", "donation"), ["kind:", "grant"]),
    (
        "lower-case-country",
        _set("eligibility.applicant_countries", ["jp"]),
        ["applicant_countries[0]", "ISO2"],
    ),
    (
        "unknown-region",
        _set("eligibility.partner_countries", ["Atlantis"]),
        ["partner_countries[0]", "Atlantis"],
    ),
    (
        "population-text",
        _set("eligibility.min_population", "100k"),
        ["eligibility.min_population", "whole number"],
    ),
    ("count-float", _set("eligibility.partner_count", 1.5), ["eligibility.partner_count", "{'min': n"]),
    ("count-object-key", _set("eligibility.partner_count", {"least": 2}), ["eligibility.partner_count"]),
    ("requires-string", _set("eligibility.requires", "a call"), ["eligibility.requires", "list of textual"]),
    ("unknown-sector", _set("sectors", ["water"]), ["sectors[0]", "'water'"]),
    (
        "missing-eligibility-key",
        lambda r: r["eligibility"].pop("requires"),
        ["eligibility.requires", "required"],
    ),
]


@pytest.mark.parametrize(("mutate", "fragments"), [pytest.param(m, f, id=i) for i, m, f in BAD_RECORDS])
def test_bad_record_names_record_and_field(
    mutate: Callable[[dict[str, Any]], None], fragments: list[str]
) -> None:
    records = copy.deepcopy(SCHEMES)
    mutate(records[4])
    with pytest.raises(ValueError) as raised:
        validate_schemes(records, "upload.yaml", region_codes=REGION_CODES, sector_ids=SECTOR_IDS)
    message = str(raised.value)
    assert f"upload.yaml: record 4 (id '{SCHEMES[4]['id']}')" in message
    for fragment in fragments:
        assert fragment in message


def test_duplicate_ids_are_reported() -> None:
    records = copy.deepcopy(SCHEMES[:3]) + [copy.deepcopy(SCHEMES[0])]
    with pytest.raises(
        ValueError, match=r"record 3 .*duplicate id 'jica-partnership-program' \(first used by record 0\)"
    ):
        validate_schemes(records, "dup.json")


def test_not_a_list_is_rejected() -> None:
    with pytest.raises(ValueError, match="expected a list"):
        validate_schemes({"id": "x"}, "one.json")  # type: ignore[arg-type]


def test_every_problem_is_listed_once() -> None:
    records = copy.deepcopy(SCHEMES)
    records[1]["kind"] = "donation"
    records[2]["eligibility"]["income_groups"] = ["Z"]
    with pytest.raises(ValueError) as raised:
        validate_schemes(records, "many.json")
    lines = [line for line in str(raised.value).splitlines() if "record" in line]
    assert len(lines) == 2
    assert "record 1" in lines[0] and "record 2" in lines[1]
