"""JSON Schema (draft 2020-12) for funding-scheme records, and their validation.

Used by the admin import of schemes from JSON or YAML: a bad file fails as a
whole, with a message naming the record (index and id), the field path and
what that field allows. The schema is strict about field names
(``additionalProperties: false``) because a misspelt eligibility key would
otherwise drop a rule without anyone noticing. The keys of ``eligibility``, their
schemas and help texts are those the rule types declare (:mod:`models.funding.registry`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from db.errors import InvalidInput
from models.funding.regions import ISO2_PATTERN
from models.funding.registry import SchemaParts, catalogue_fields, json_list, json_text

__all__ = ["FIELD_HELP", "scheme_json_schema", "validate_schemes"]

SLUG_PATTERN = "^[a-z0-9]+(?:-[a-z0-9]+)*$"
KINDS = (
    "grant",
    "loan",
    "subsidy",
    "technical-assistance",
    "training",
    "programme",
    "network",
    "own-budget",
)
_REQUIRED = ", ".join(f.key for f in catalogue_fields() if f.required)
_OPTIONAL = ", ".join(f.key for f in catalogue_fields() if not f.required)

# What each field allows, in words: appended to every error so the fix is obvious.
FIELD_HELP: dict[str, str] = {
    "id": "a lower-case slug such as 'eu-iurc' (letters, digits, single hyphens), unique in the file",
    "name": "a non-empty string",
    "operator": "a non-empty string",
    "kind": f"one of {', '.join(KINDS)}",
    "funder_countries": "null or a list of ISO 3166-1 alpha-2 codes, 'EU' or 'multilateral'",
    "eligibility": f"an object with the keys {_REQUIRED} (and optionally {_OPTIONAL})",
    **{f"eligibility.{f.key}": f.help for f in catalogue_fields()},
    "sectors": "a list of sector ids from sectors.json (e.g. 'water-supply')",
    "typical_amount": "null or a text",
    "duration": "null or a text",
    "active_years": "null or a text such as '2021-2027', 'from 2013', '2014-'",
    "description": "a text",
    "aliases": "a list of texts",
    "sources": "a list of texts (file names or URLs)",
    "uncertain": "true or false",
    "note": "null or a text",
    "used_in_cases": "a list of case ids",
}


def scheme_json_schema(
    *, region_codes: Iterable[str] | None = None, sector_ids: Iterable[str] | None = None
) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one funding-scheme record.

    Parameters
    ----------
    region_codes
        Region codes allowed besides ISO2 codes in the country lists. Without
        them, any region-like code is accepted.
    sector_ids
        Sector ids allowed in ``sectors``. Without them, any slug is accepted.
    """
    if region_codes is not None:
        country_or_region: dict[str, Any] = {
            "anyOf": [
                {"type": "string", "pattern": ISO2_PATTERN},
                {"enum": sorted(region_codes)},
            ]
        }
    else:
        country_or_region = {"type": "string", "pattern": "^(?:[A-Z]{2}|[A-Za-z][A-Za-z0-9 -]*[A-Za-z0-9])$"}
    sector: dict[str, Any] = (
        {"enum": sorted(sector_ids)}
        if sector_ids is not None
        else {"type": "string", "pattern": SLUG_PATTERN}
    )
    text = json_text()
    nullable_text = {"anyOf": [{"type": "null"}, text]}
    parts = SchemaParts(country_or_region=country_or_region)
    eligibility = {
        "type": "object",
        "additionalProperties": False,
        "required": [f.key for f in catalogue_fields() if f.required],
        "properties": {f.key: f.schema(parts) for f in catalogue_fields()},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://partnermatch.example/schemas/funding-scheme.json",
        "title": "Funding scheme",
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "name", "operator", "kind", "eligibility", "sectors"],
        "properties": {
            "id": {"type": "string", "pattern": SLUG_PATTERN},
            "name": text,
            "operator": text,
            "kind": {"enum": list(KINDS)},
            "funder_countries": json_list(
                {"anyOf": [{"type": "string", "pattern": ISO2_PATTERN}, {"enum": ["multilateral"]}]},
                nullable=True,
                min_items=1,
            ),
            "eligibility": eligibility,
            "sectors": json_list(sector, nullable=False),
            "typical_amount": nullable_text,
            "duration": nullable_text,
            "active_years": nullable_text,
            "description": {"type": "string"},
            "aliases": json_list(text, nullable=False),
            "sources": json_list(text, nullable=False),
            "uncertain": {"type": "boolean"},
            "note": nullable_text,
            "used_in_cases": json_list({"type": "string", "pattern": SLUG_PATTERN}, nullable=False),
        },
    }


def _leaf(error: ValidationError) -> ValidationError:
    """The most specific failure under an ``anyOf`` (a list item rather than the whole list)."""
    while error.validator in ("anyOf", "oneOf") and error.context:
        deeper = [e for e in error.context if len(e.absolute_path) > len(error.absolute_path)]
        if not deeper:
            break
        error = max(deeper, key=lambda e: len(e.absolute_path))
    return error


def _path_parts(error: ValidationError) -> list[str | int]:
    parts: list[str | int] = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        # Point at the missing key itself, so its help text says what to put there.
        missing = [k for k in error.validator_value if k not in error.instance]
        if missing:
            parts.append(missing[0])
    return parts


def _field_path(parts: Sequence[str | int]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(record)"


def _help_key(parts: Sequence[str | int]) -> str | None:
    return ".".join(p for p in parts if isinstance(p, str)) or None


def _explain(error: ValidationError) -> str:
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        return f"{error.message}; allowed keys: {', '.join(allowed)}"
    if error.validator in ("anyOf", "oneOf"):
        # The default message lists whole sub-schemas; the help text says it in words.
        return f"{error.instance!r} is not allowed here"
    return error.message


def validate_schemes(
    records: Sequence[Any],
    source: str,
    *,
    region_codes: Iterable[str] | None = None,
    sector_ids: Iterable[str] | None = None,
    max_errors: int = 20,
) -> None:
    """Validate funding-scheme records; raise on the first bad file, naming every problem.

    Parameters
    ----------
    records
        The parsed file content (a list of scheme objects, from JSON or YAML).
    source
        Name of the file, used in messages.
    region_codes, sector_ids
        Optional vocabularies (from ``regions.json`` / ``sectors.json``) that
        codes in the records must come from.
    max_errors
        At most this many problems are listed.

    Raises
    ------
    InvalidInput
        With one line per problem: ``source: record 3 (id 'eu-iurc'):
        eligibility.income_groups[0]: 'X' is not one of [...] — allowed: ...``; its ``field``
        is the first problem's path from the list (``[3].eligibility.income_groups[0]``).
    """
    if not isinstance(records, list):
        found = type(records).__name__
        raise InvalidInput(f"{source}: expected a list of funding-scheme records, got {found}")
    region_list = list(region_codes) if region_codes is not None else None
    sector_list = list(sector_ids) if sector_ids is not None else None
    validator = Draft202012Validator(scheme_json_schema(region_codes=region_list, sector_ids=sector_list))
    problems: list[str] = []
    fields: list[str] = []  # the field path of each problem, record index first ('[3].kind')
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        rid = record.get("id") if isinstance(record, dict) else None
        label = f"record {index} (id {rid!r})" if rid is not None else f"record {index}"
        errors = sorted(validator.iter_errors(record), key=lambda e: [str(p) for p in e.absolute_path])
        for error in map(_leaf, errors):
            parts = _path_parts(error)
            key = _help_key(parts)
            allowed = FIELD_HELP.get(key) if key else None
            hint = f" — allowed: {allowed}" if allowed else ""
            path = _field_path(parts)
            problems.append(f"{source}: {label}: {path}: {_explain(error)}{hint}")
            fields.append(f"[{index}]{path}" if path.startswith("[") else f"[{index}].{path}")
        if isinstance(rid, str):
            if rid in seen:
                problems.append(
                    f"{source}: {label}: id: duplicate id {rid!r} (first used by record {seen[rid]})"
                    f" — allowed: {FIELD_HELP['id']}"
                )
                fields.append(f"[{index}].id")
            else:
                seen[rid] = index
    if problems:
        shown = problems[:max_errors]
        more = len(problems) - len(shown)
        tail = f"\n... and {more} more problem(s)" if more else ""
        raise InvalidInput(
            f"{source}: {len(problems)} invalid funding-scheme field(s):\n" + "\n".join(shown) + tail,
            field=fields[0],
        )
