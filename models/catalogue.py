"""JSON Schema (draft 2020-12) for funding-scheme records, and their validation.

Used by the admin import of schemes from JSON or YAML: a bad file fails as a
whole, with a message naming the record (index and id), the field path and
what that field allows. The schema is strict about field names
(``additionalProperties: false``) because a misspelt eligibility key would
otherwise drop a rule without anyone noticing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

__all__ = ["FIELD_HELP", "scheme_json_schema", "validate_schemes"]

ISO2_PATTERN = "^[A-Z]{2}$"
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
INCOME_GROUPS = ("L", "LM", "UM", "H")

# What each field allows, in words: appended to every error so the fix is obvious.
FIELD_HELP: dict[str, str] = {
    "id": "a lower-case slug such as 'eu-iurc' (letters, digits, single hyphens), unique in the file",
    "name": "a non-empty string",
    "operator": "a non-empty string",
    "kind": f"one of {', '.join(KINDS)}",
    "funder_countries": "null or a list of ISO 3166-1 alpha-2 codes, 'EU' or 'multilateral'",
    "eligibility": "an object with the keys applicant_countries, partner_countries, applicant_types, "
    "min_population, partner_count, income_groups, requires (and optionally jcm_partner_countries)",
    "eligibility.applicant_countries": "null (not stated) or a non-empty list of ISO2 codes "
    "(e.g. 'JP') or region codes from regions.json (e.g. 'EU27', 'ODA-eligible')",
    "eligibility.partner_countries": "null (not stated) or a non-empty list of ISO2 codes "
    "(e.g. 'KH') or region codes from regions.json (e.g. 'EU27', 'ODA-eligible')",
    "eligibility.jcm_partner_countries": "a list of ISO2 codes",
    "eligibility.applicant_types": "null or a non-empty list of organisation types "
    "(e.g. 'local government', 'NGO'); a role may follow in parentheses",
    "eligibility.min_population": "null or a whole number of inhabitants >= 0",
    "eligibility.partner_count": "null, a whole number >= 1 (minimum partners), "
    "an object {'min': n, 'max': m}, or a text",
    "eligibility.income_groups": "null or a list of World Bank income groups: L, LM, UM, H",
    "eligibility.requires": "null or a list of textual conditions",
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


def _string_list(item: dict[str, Any], *, nullable: bool, min_items: int = 0) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": item, "uniqueItems": True}
    if min_items:
        schema["minItems"] = min_items
    return {"anyOf": [{"type": "null"}, schema]} if nullable else schema


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
    text = {"type": "string", "minLength": 1}
    nullable_text = {"anyOf": [{"type": "null"}, text]}
    count = {"type": "integer", "minimum": 1}
    eligibility = {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "applicant_countries",
            "partner_countries",
            "applicant_types",
            "min_population",
            "partner_count",
            "income_groups",
            "requires",
        ],
        "properties": {
            "applicant_countries": _string_list(country_or_region, nullable=True, min_items=1),
            "partner_countries": _string_list(country_or_region, nullable=True, min_items=1),
            "jcm_partner_countries": _string_list(
                {"type": "string", "pattern": ISO2_PATTERN}, nullable=False
            ),
            "applicant_types": _string_list(text, nullable=True, min_items=1),
            "min_population": {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 0}]},
            "partner_count": {
                "anyOf": [
                    {"type": "null"},
                    count,
                    text,
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "minProperties": 1,
                        "properties": {"min": count, "max": count},
                    },
                ]
            },
            "income_groups": _string_list({"enum": list(INCOME_GROUPS)}, nullable=True, min_items=1),
            "requires": _string_list(text, nullable=True),
        },
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
            "funder_countries": _string_list(
                {"anyOf": [{"type": "string", "pattern": ISO2_PATTERN}, {"enum": ["multilateral"]}]},
                nullable=True,
                min_items=1,
            ),
            "eligibility": eligibility,
            "sectors": _string_list(sector, nullable=False),
            "typical_amount": nullable_text,
            "duration": nullable_text,
            "active_years": nullable_text,
            "description": {"type": "string"},
            "aliases": _string_list(text, nullable=False),
            "sources": _string_list(text, nullable=False),
            "uncertain": {"type": "boolean"},
            "note": nullable_text,
            "used_in_cases": _string_list({"type": "string", "pattern": SLUG_PATTERN}, nullable=False),
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
    ValueError
        With one line per problem: ``source: record 3 (id 'eu-iurc'):
        eligibility.income_groups[0]: 'X' is not one of [...] — allowed: ...``.
    """
    if not isinstance(records, list):
        raise ValueError(f"{source}: expected a list of funding-scheme records, got {type(records).__name__}")
    region_list = list(region_codes) if region_codes is not None else None
    sector_list = list(sector_ids) if sector_ids is not None else None
    validator = Draft202012Validator(scheme_json_schema(region_codes=region_list, sector_ids=sector_list))
    problems: list[str] = []
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
            problems.append(f"{source}: {label}: {_field_path(parts)}: {_explain(error)}{hint}")
        if isinstance(rid, str):
            if rid in seen:
                problems.append(
                    f"{source}: {label}: id: duplicate id {rid!r} (first used by record {seen[rid]})"
                    f" — allowed: {FIELD_HELP['id']}"
                )
            else:
                seen[rid] = index
    if problems:
        shown = problems[:max_errors]
        more = len(problems) - len(shown)
        tail = f"\n... and {more} more problem(s)" if more else ""
        raise ValueError(
            f"{source}: {len(problems)} invalid funding-scheme field(s):\n" + "\n".join(shown) + tail
        )
