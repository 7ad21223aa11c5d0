"""Rule types: what each funding rule reads, how it is written in the catalogue, how it is checked.

Every module of :mod:`models.funding.rules` lists its rule types in ``RULE_TYPES``;
:func:`rule_types` finds them all. One declaration is all a rule type needs: the engine
runs its check (in ``order`` among the others), and the catalogue's JSON schema and help,
the API's eligibility schema and the eligibility cache key are derived from the
declarations here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from models.funding.regions import RegionResolver
from models.funding.types import Check, Party, Status

RULES_PACKAGE = "models.funding.rules"


@dataclass
class Findings:
    """Checks and notes of one orientation, collected rule by rule."""

    checks: list[Check] = field(default_factory=list)
    to_confirm: list[str] = field(default_factory=list)
    # Checks reported as unknown that do not block the verdict (textual conditions), by position.
    textual: set[int] = field(default_factory=set)

    def add(self, rule: str, status: Status, detail: str, *, textual: bool = False) -> None:
        if textual:
            self.textual.add(len(self.checks))
        self.checks.append(Check(rule, status, detail))


@dataclass(frozen=True, slots=True)
class RuleInput:
    """What a check may read: the scheme, one orientation of the pair and the request."""

    scheme: Mapping[str, Any]
    eligibility: Mapping[str, Any]
    applicant: Party
    partner: Party
    sectors: tuple[str, ...]
    n_partners: int
    year: int | None
    regions: RegionResolver
    sector_parents: Mapping[str, str | None]


@dataclass(frozen=True)
class SchemaParts:
    """JSON-schema fragments that depend on the vocabularies a catalogue is validated against."""

    country_or_region: dict[str, Any]


@dataclass(frozen=True)
class CatalogueField:
    """One key of a scheme's ``eligibility`` object.

    Attributes
    ----------
    key
        The key as written in the catalogue.
    schema
        Builds the JSON-schema fragment of the value.
    help
        What the value may be, in words; appended to every validation error on it.
    annotation, default, description
        The field of the API's eligibility schema.
    required
        Whether every record states the key (as ``null`` when the source says nothing).
    """

    key: str
    schema: Callable[[SchemaParts], dict[str, Any]]
    help: str
    annotation: Any
    default: Any = None
    description: str | None = None
    required: bool = True


@dataclass(frozen=True)
class RuleType:
    """A kind of eligibility rule.

    Attributes
    ----------
    rules
        Names of the checks it reports (:attr:`Check.rule`).
    order
        Where its checks come among those of all rule types; answers list checks in this order.
    check
        Adds its checks and notes for one orientation of the pair.
    fields
        The ``eligibility`` keys that state it. A rule type without any reads other fields of
        the scheme (``sectors``, ``active_years``).
    reads
        The :class:`Party` fields its check reads.
    textual
        Stated only in words: reported, and never able to make the verdict unknown.
    """

    rules: tuple[str, ...]
    order: int
    check: Callable[[RuleInput, Findings], None]
    fields: tuple[CatalogueField, ...] = ()
    reads: frozenset[str] = frozenset()
    textual: bool = False

    def stated_in(self, eligibility: Mapping[str, Any]) -> bool:
        """Whether a scheme's ``eligibility`` states this rule (a rule without fields always counts)."""
        return not self.fields or any(eligibility.get(f.key) is not None for f in self.fields)


def _duplicates(values: Iterable[Any]) -> list[Any]:
    return [v for v, n in Counter(values).items() if n > 1]


@cache
def rule_types() -> tuple[RuleType, ...]:
    """Every rule type of :mod:`models.funding.rules`, in check order."""
    package = importlib.import_module(RULES_PACKAGE)
    found: list[RuleType] = []
    for module in pkgutil.iter_modules(package.__path__):
        found.extend(importlib.import_module(f"{RULES_PACKAGE}.{module.name}").RULE_TYPES)
    # Two declarations of one name would report or validate a key twice; two of one order
    # would leave the order of checks to the file names.
    for what, values in (
        ("rule", [r for t in found for r in t.rules]),
        ("eligibility key", [f.key for t in found for f in t.fields]),
        ("order", [t.order for t in found]),
    ):
        if clash := _duplicates(values):
            raise ValueError(f"{RULES_PACKAGE}: {what} declared more than once: {clash}")
    return tuple(sorted(found, key=lambda t: t.order))


def checkable_rules() -> frozenset[str]:
    """Rules whose ``unknown`` makes the verdict unknown (all but the textual ones)."""
    return frozenset(r for t in rule_types() if not t.textual for r in t.rules)


def catalogue_fields() -> tuple[CatalogueField, ...]:
    """The keys of a scheme's ``eligibility`` object, in check order."""
    return tuple(f for t in rule_types() for f in t.fields)


def api_fields() -> dict[str, tuple[Any, Any, str | None]]:
    """``{key: (annotation, default, description)}`` of the API's eligibility schema."""
    return {f.key: (f.annotation, f.default, f.description) for f in catalogue_fields()}


def party_fields_read(eligibility: Mapping[str, Any]) -> frozenset[str]:
    """The :class:`Party` fields read by the rules that a scheme's ``eligibility`` states.

    The other fields cannot change the scheme's verdict.
    """
    return frozenset().union(*(t.reads for t in rule_types() if t.reads and t.stated_in(eligibility)))


def codes(value: Any) -> list[str] | None:
    """A catalogue value that is one code or a list of them, as a list; ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def json_text() -> dict[str, Any]:
    """JSON schema of a non-empty text."""
    return {"type": "string", "minLength": 1}


def json_list(item: dict[str, Any], *, nullable: bool, min_items: int = 0) -> dict[str, Any]:
    """JSON schema of a list of distinct ``item`` values, or ``null`` too when ``nullable``."""
    schema: dict[str, Any] = {"type": "array", "items": item, "uniqueItems": True}
    if min_items:
        schema["minItems"] = min_items
    return {"anyOf": [{"type": "null"}, schema]} if nullable else schema
