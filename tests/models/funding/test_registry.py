"""The registry of rule types: discovery, check order, and what each rule type declares."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace
from typing import Any

import pytest

from models.funding import CHECKABLE_RULES, Party, check_scheme, registry
from models.funding.registry import (
    Findings,
    RuleInput,
    RuleType,
    party_fields_read,
    rule_types,
)
from tests.models.funding.helpers import DE, JP, KH, PARENTS, REGIONS, SCHEMES, syn

# Check order before rule types were registered; a new rule type may come anywhere in it.
ORIGINAL_ORDER = [
    "applicant_countries",
    "partner_countries",
    "income_groups",
    "applicant_types",
    "min_population",
    "partner_count",
    "sectors",
    "active_years",
    "requires",
]


def test_every_rules_module_is_registered_in_check_order() -> None:
    package = importlib.import_module(registry.RULES_PACKAGE)
    modules = {m.name for m in pkgutil.iter_modules(package.__path__)}
    found = {t.check.__module__.rsplit(".", 1)[-1] for t in rule_types()}
    assert found == modules
    orders = [t.order for t in rule_types()]
    assert orders == sorted(orders)
    names = [r for t in rule_types() for r in t.rules]
    assert [r for r in names if r in ORIGINAL_ORDER] == ORIGINAL_ORDER


def test_checks_come_in_the_registered_order() -> None:
    scheme = syn(
        applicant_countries=["DE"],
        partner_countries=["JP"],
        income_groups=["H"],
        applicant_types=["local government"],
        min_population=1,
        partner_count=2,
        requires=["a call"],
        sectors=["energy"],
        active_years="2020-2030",
    )
    result = check_scheme(scheme, city=DE, partner=JP, sectors=["energy"], year=2025, regions=REGIONS)
    assert [c.rule for c in result.checks] == ORIGINAL_ORDER


def test_textual_rules_are_not_checkable() -> None:
    assert "requires" not in CHECKABLE_RULES
    assert {"applicant_countries", "partner_count", "active_years"} <= CHECKABLE_RULES


def test_a_rule_declared_twice_is_refused(tmp_path, monkeypatch) -> None:
    package = tmp_path / "twice"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in ("a", "b"):
        (package / f"{name}.py").write_text(
            "from models.funding.registry import RuleType\n"
            f"RULE_TYPES = (RuleType(rules=('same',), order={ord(name)}, check=print),)\n"
        )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry, "RULES_PACKAGE", "twice")
    with pytest.raises(ValueError, match=r"rule declared more than once: \['same'\]"):
        registry.rule_types.__wrapped__()


@pytest.mark.parametrize(
    ("eligibility", "read"),
    [
        pytest.param({}, set(), id="nothing-stated"),
        pytest.param({"requires": ["a call"], "partner_count": 2}, set(), id="no-party-rule"),
        pytest.param({"applicant_countries": ["EU27"]}, {"country"}, id="countries"),
        pytest.param({"income_groups": ["L"]}, {"country", "income_group"}, id="income"),
        pytest.param({"min_population": 50_000}, {"population"}, id="population"),
        pytest.param({"applicant_types": ["NGO"]}, {"applicant_type"}, id="types"),
    ],
)
def test_party_fields_read_by_the_stated_rules(eligibility: dict[str, Any], read: set[str]) -> None:
    assert party_fields_read(syn(**eligibility)["eligibility"]) == read


# Values a party field may take; a rule must give the same findings whatever the fields it
# does not read hold.
ALTERNATIVES: dict[str, list[Any]] = {
    "country": ["JP", "DE", "US", "UA", None],
    "population": [5_000, 60_000, 150_000, 3_000_000, None],
    "applicant_type": ["local government", "NGO", "national government", None],
    "income_group": ["L", "UM", "H", None],
}
PAIRS = [(DE, JP), (JP, KH), (KH, DE), (Party(None, None, None, None), DE)]


def _findings(rule_type: RuleType, scheme: dict[str, Any], applicant: Party, partner: Party) -> Findings:
    ev = Findings()
    elig = scheme.get("eligibility") or {}
    rule_type.check(RuleInput(scheme, elig, applicant, partner, ("energy",), 3, 2020, REGIONS, PARENTS), ev)
    return ev


@pytest.mark.parametrize("rule_type", rule_types(), ids=lambda t: "+".join(t.rules))
def test_a_rule_reads_only_the_party_fields_it_declares(rule_type: RuleType) -> None:
    assert set(ALTERNATIVES) >= rule_type.reads
    for scheme in SCHEMES:
        elig = scheme.get("eligibility") or {}
        read = rule_type.reads if rule_type.stated_in(elig) else frozenset()
        for applicant, partner in PAIRS:
            expected = _findings(rule_type, scheme, applicant, partner)
            for name in set(ALTERNATIVES) - read:
                for value in ALTERNATIVES[name]:
                    a, b = (replace(p, **{name: value}) for p in (applicant, partner))
                    assert _findings(rule_type, scheme, a, b) == expected, (scheme["id"], name, value)
