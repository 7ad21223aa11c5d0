"""How many cities or organisations take part, the applicant included; ``null``: no check.

A number is a minimum, ``{min, max}`` a range; a count written as prose ("Pairs, trios
and thematic clusters") cannot be checked and is reported as a condition to confirm.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from models.funding.registry import CatalogueField, Findings, RuleInput, RuleType, json_text


# The {min, max} form of the rule in the API's eligibility schema (a docstring would
# become the schema's description there).
@dataclass(frozen=True)
class PartnerCountRange:
    min: int | None = None
    max: int | None = None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check(q: RuleInput, ev: Findings) -> None:
    rule, n_partners = q.eligibility.get("partner_count"), q.n_partners
    if rule is None:
        return
    if isinstance(rule, str):
        # Prose ("Pairs, trios and thematic clusters") cannot be checked: report and ask.
        ev.add("partner_count", "unknown", f"partner count stated as text: {rule}", textual=True)
        ev.to_confirm.append(f"partner count: {rule}")
        return
    lo: int | None
    hi: int | None
    if _int_or_none(rule) is not None:
        # A bare number in the catalogue is a minimum ("at least N partners").
        lo, hi = rule, None
    elif isinstance(rule, Mapping) and set(rule) <= {"min", "max"} and rule:
        lo, hi = _int_or_none(rule.get("min")), _int_or_none(rule.get("max"))
        if (rule.get("min") is not None and lo is None) or (rule.get("max") is not None and hi is None):
            ev.add("partner_count", "unknown", f"partner count rule {rule!r} is not understood")
            return
    else:
        ev.add("partner_count", "unknown", f"partner count rule {rule!r} is not understood")
        return
    span = f"{lo if lo is not None else 'any'}–{hi if hi is not None else 'any'}"
    if (lo is not None and n_partners < lo) or (hi is not None and n_partners > hi):
        ev.add("partner_count", "fail", f"{n_partners} partners, scheme requires {span}")
    else:
        ev.add("partner_count", "pass", f"{n_partners} partners within {span}")


def _schema(_: object) -> dict[str, Any]:
    count = {"type": "integer", "minimum": 1}
    return {
        "anyOf": [
            {"type": "null"},
            count,
            json_text(),
            {
                "type": "object",
                "additionalProperties": False,
                "minProperties": 1,
                "properties": {"min": count, "max": count},
            },
        ]
    }


RULE_TYPES = (
    RuleType(
        rules=("partner_count",),
        order=50,
        check=check,
        fields=(
            CatalogueField(
                "partner_count",
                _schema,
                help="null, a whole number >= 1 (minimum partners), "
                "an object {'min': n, 'max': m}, or a text",
                annotation=int | PartnerCountRange | str | None,
            ),
        ),
    ),
)
