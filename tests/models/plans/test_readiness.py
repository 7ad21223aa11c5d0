"""The readiness check, item by item, as a table: each row is the facts and the status they give."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from models.plans.evidence import STATUSES
from models.plans.facts import CityFacts, FundingOption, PairFacts, RuleCheck, SectorTerms, offset_hours
from models.plans.readiness import CONDITIONS, FACTORS, check_readiness

TERMS = [
    SectorTerms.of("water-supply", "Water supply and utilities", ["water management"]),
    SectorTerms.of("renewable-energy", "Renewable energy", ["renewable energy"]),
    SectorTerms.of("climate-adaptation", "Climate adaptation and disaster resilience", ["adaptation"]),
    SectorTerms.of("local-economy", "Local economy, SMEs and trade", ["economy", "trade"]),
]


def coop(i: int, **kw: Any) -> dict[str, Any]:
    row = {
        "id": i, "kind": "technical-cooperation", "title": f"coop {i}", "success": None,
        "outcome_summary": None, "outcome_indicators": (), "start_year": 2000 + i,
        "sectors": ("water-supply",),
    }  # fmt: skip
    row.update(kw)
    return row


HOME = CityFacts(name="Home", country="JP", id=1, has_profile=True)
AWAY = CityFacts(name="Away", country="KH", id=2, has_profile=True)
NOTHING = PairFacts(city=HOME, partner=AWAY, sectors=("water-supply",))
HIGH = {
    "success": "high",
    "outcome_indicators": ({"metric": "NRW", "value": 6.2, "unit": "%", "year": 2008},),
}
ELIGIBLE = FundingOption(
    "jica", "JICA Partnership", True, (RuleCheck("countries", "pass", "JP applies"),), ("a call",)
)
FAILS = FundingOption("eu", "EU scheme", False, (RuleCheck("countries", "fail", "JP not in EU"),))
MAYBE = FundingOption("x", "X", None)


def with_(
    facts: PairFacts = NOTHING, *, city: dict | None = None, partner: dict | None = None, **kw: Any
) -> PairFacts:
    return replace(
        facts,
        city=replace(facts.city, **(city or {})),
        partner=replace(facts.partner, **(partner or {})),
        **kw,
    )


SHARED = [coop(1, kind="twinning", sectors=("water-supply",))]
CASES = [
    # policy positioning: an agreement is partial at best, nothing known is unknown
    ("policy_positioning", with_(), "unknown"),
    ("policy_positioning", with_(city_history=SHARED, partner_history=SHARED), "partial"),
    ("policy_positioning", with_(regional=(coop(9, kind="business-cooperation"),)), "partial"),
    # stakeholder team
    ("stakeholder_team", with_(city={"has_profile": False}), "unknown"),
    ("stakeholder_team", with_(), "gap"),
    ("stakeholder_team", with_(city={"industries": ("steel",)}), "partial"),
    (
        "stakeholder_team",
        with_(
            city={"industries": ("steel",)},
            city_history=(coop(1), coop(2, kind="business-cooperation"), coop(3, kind="twinning")),
        ),
        "strong",
    ),
    ("stakeholder_team", with_(city_history=(coop(1), coop(2), coop(3))), "partial"),
    # packaged know-how
    ("packaged_know_how", with_(sectors=()), "unknown"),
    ("packaged_know_how", with_(), "unknown"),
    ("packaged_know_how", with_(city_history=(coop(1, sectors=("solid-waste",)),)), "gap"),
    ("packaged_know_how", with_(city_history=(coop(1),)), "partial"),
    ("packaged_know_how", with_(city={"strengths": ("water utility management",)}), "partial"),
    ("packaged_know_how", with_(city_history=(coop(1, **HIGH), coop(2, **HIGH))), "strong"),
    # external funds
    ("external_funds", with_(), "unknown"),
    ("external_funds", with_(funding=()), "unknown"),
    ("external_funds", with_(funding=(FAILS,)), "gap"),
    ("external_funds", with_(funding=(FAILS, MAYBE)), "partial"),
    ("external_funds", with_(funding=(ELIGIBLE,)), "partial"),
    (
        "external_funds",
        with_(funding=(ELIGIBLE,), city_history=(coop(1),), funded_ids=frozenset({1})),
        "strong",
    ),
    # communication
    ("communication", with_(offset_hours=2), "unknown"),
    ("communication", with_(city={"languages": ("Japanese",)}), "unknown"),
    (
        "communication",
        with_(city={"languages": ("Japanese",)}, partner={"languages": ("Khmer",)}, offset_hours=2),
        "partial",
    ),
    (
        "communication",
        with_(city={"languages": ("Japanese",)}, partner={"languages": ("Khmer",)}, offset_hours=8),
        "gap",
    ),
    ("communication", with_(city={"languages": ("Japanese",)}, partner={"languages": ("Khmer",)}), "gap"),
    (
        "communication",
        with_(city={"languages": ("English",)}, partner={"languages": ("english",)}),
        "partial",
    ),
    (
        "communication",
        with_(city={"languages": ("English",)}, partner={"languages": ("English",)}, offset_hours=1),
        "strong",
    ),
    # recognition
    ("recognition", with_(), "unknown"),
    (
        "recognition",
        with_(city_history=(coop(1, outcome_summary="The utility won the ADB Award"),)),
        "partial",
    ),
    (
        "recognition",
        with_(city_history=(coop(1, success="high"),), partner_history=(coop(1, success="high"),)),
        "partial",
    ),
    (
        "recognition",
        with_(
            city_history=(coop(1, outcome_summary="Grand Cross medal for the mayor"),),
            partner_history=(coop(1),),
        ),
        "strong",
    ),
    # benefits to the home city
    ("home_benefits", with_(), "unknown"),
    ("home_benefits", with_(city={"industries": ("renewable energy",)}), "unknown"),
    (
        "home_benefits",
        with_(city={"industries": ("textiles",)}, partner={"challenges": ("heavy rain",)}),
        "gap",
    ),
    (
        "home_benefits",
        with_(city={"industries": ("water utilities",)}, partner={"challenges": ("water leakage",)}),
        "partial",
    ),
    (
        "home_benefits",
        with_(
            city={"industries": ("water utilities",)},
            partner={"challenges": ("water leakage",)},
            city_history=(coop(1, kind="business-cooperation"),),
        ),
        "strong",
    ),
    # support matched local needs
    ("matched_needs", with_(sectors=()), "unknown"),
    ("matched_needs", with_(), "unknown"),
    ("matched_needs", with_(partner={"challenges": ("heavy rain",)}), "gap"),
    (
        "matched_needs",
        with_(partner={"challenges": ("water leakage",)}, sectors=("water-supply", "renewable-energy")),
        "partial",
    ),
    ("matched_needs", with_(partner={"stated_sectors": ("water-supply",)}), "strong"),
    # local people eager
    ("local_eagerness", with_(), "unknown"),
    ("local_eagerness", with_(city_history=SHARED, partner_history=SHARED), "partial"),
    (
        "local_eagerness",
        with_(city_history=(coop(1, **HIGH), coop(2, **HIGH)), partner_history=(coop(1), coop(2))),
        "strong",
    ),
    # strong leadership: never strong from the store
    ("leadership", with_(), "unknown"),
    ("leadership", with_(city_history=SHARED, partner_history=SHARED), "partial"),
]


@pytest.mark.parametrize(
    ("item", "facts", "status"), CASES, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)]
)
def test_each_item(item: str, facts: PairFacts, status: str) -> None:
    found = check_readiness(facts, TERMS).item(item)
    assert found.status == status, found
    assert found.evidence, "every status says what it rests on"
    assert all(e.source for e in found.evidence)
    if status != "strong":
        assert found.question and found.question.endswith("?")


def test_every_item_is_covered_and_can_be_unknown() -> None:
    covered = {c[0] for c in CASES}
    assert covered == set(FACTORS) | set(CONDITIONS)
    unknown = {c[0] for c in CASES if c[2] == "unknown"}
    assert unknown == covered
    assert {c[2] for c in CASES} == set(STATUSES)


def test_a_pair_with_nothing_known_is_never_strong() -> None:
    bare = PairFacts(
        city=CityFacts(name="A", country=None), partner=CityFacts(name="B", country=None), sectors=()
    )
    found = check_readiness(bare, TERMS)
    assert [i.id for i in found.items] == [*FACTORS, *CONDITIONS]
    assert {i.status for i in found.items} == {"unknown"}
    assert all(i.question for i in found.items)
    assert len(found.gaps) == 10


def test_time_zone_offset() -> None:
    import datetime as dt

    winter = dt.datetime(2025, 1, 15, 12, tzinfo=dt.UTC)
    assert offset_hours("Europe/Berlin", "Asia/Tokyo", winter) == 8
    assert offset_hours("Asia/Tokyo", "Asia/Phnom_Penh", winter) == 2
    assert offset_hours("Asia/Tokyo", None) is None
    assert offset_hours("Nowhere/Else", "Asia/Tokyo") is None
