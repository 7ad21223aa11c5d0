"""Precedent order: the partner's own in the sectors asked about, then similar pairs'; known outcomes
first."""

from __future__ import annotations

from models.advice.precedents import SectoredCooperations, select_precedents


def _coop(i, sectors, *, success=None, outcome=None, kind="technical-cooperation", year=2010, countries=()):
    return {
        "id": i,
        "title": f"cooperation {i}",
        "kind": kind,
        "sectors": tuple(sectors),
        "success": success,
        "outcome_summary": outcome,
        "outcome_indicators": (),
        "start_year": year,
        "members": list(range(len(countries))),
        "member_countries": list(countries),
    }


def test_own_cooperations_in_the_sectors_come_first_then_similar_pairs_known_outcomes_first():
    history = [
        _coop(1, ["research"], success="high"),  # unrelated: never shown for a water request
        _coop(2, ["water-supply"]),  # success unknown
        _coop(3, ["water-supply", "sewage-wastewater"], success="medium"),
    ]
    similar = [_coop(4, ["water-supply"]), _coop(5, ["water-supply"], success="high"), history[2]]
    chosen = select_precedents(history, ["water-supply"], 5, similar=similar)
    assert [(c.cooperation["id"], c.basis) for c in chosen] == [
        (3, "partner"),
        (2, "partner"),
        (5, "similar_pair"),
        (4, "similar_pair"),
    ]
    assert [
        c.cooperation["id"] for c in select_precedents(history, ["water-supply"], 2, similar=similar)
    ] == [3, 2]


def test_a_partner_with_nothing_in_the_sectors_gets_only_similar_pairs():
    history = [_coop(1, ["research"], success="high", kind="thematic-network")]
    assert select_precedents(history, ["hydrogen"], 3) == []
    chosen = select_precedents(history, ["hydrogen"], 3, similar=[_coop(9, ["hydrogen"])])
    assert [(c.cooperation["id"], c.basis) for c in chosen] == [(9, "similar_pair")]


def test_without_sectors_the_partners_own_come_documented_first():
    history = [
        _coop(1, [], kind="twinning", year=1990),
        _coop(2, ["culture"], outcome="an exchange programme", year=2001),
        _coop(3, ["culture"], kind="twinning", year=2005),
    ]
    chosen = select_precedents(history, [], 3)
    assert [c.cooperation["id"] for c in chosen] == [2, 3, 1]
    assert {c.basis for c in chosen} == {"partner"}


def test_similar_pairs_have_a_member_in_each_country_or_two_in_one():
    coops = SectoredCooperations(
        [
            _coop(1, ["water-supply"], countries=["JP", "KH"]),
            _coop(2, ["water-supply"], countries=["KH", "KH"]),
            _coop(3, ["water-supply"], countries=["JP", "VN", "KH"]),
            _coop(4, ["solid-waste"], countries=["JP", "KH"]),
            _coop(5, ["water-supply"], countries=["JP", "JP"]),
        ]
    )
    assert sorted(c["id"] for c in coops.between("KH", "JP", ["water-supply"])) == [1, 3]
    assert sorted(c["id"] for c in coops.between("KH", "KH", ["water-supply"])) == [2]
    assert sorted(c["id"] for c in coops.between("KH", "JP", ["water-supply", "solid-waste"])) == [1, 3, 4]
    assert coops.between("KH", "JP", []) == []
    assert coops.between(None, "JP", ["water-supply"]) == []
