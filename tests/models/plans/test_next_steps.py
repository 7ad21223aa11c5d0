"""The next-steps model without a store or HTTP: trajectories, merging duplicates, rules and reasons."""

from __future__ import annotations

from models.plans import next_steps as NS


def _row(id, year, members, sectors=(), kind="thematic-network", schemes=(), parent=False, title=None):
    return {
        "id": id, "start_year": year, "members": tuple(members), "sectors": tuple(sectors), "kind": kind,
        "schemes": tuple(schemes), "is_parent": parent, "title": title or f"coop {id}", "source": "test",
    }  # fmt: skip


def _water_then_sewage(n: int, start: int = 1) -> list[dict]:
    """``n`` pairs that did water supply and then sewage four years later."""
    rows = []
    for i in range(n):
        a, b = 100 + 2 * i, 101 + 2 * i
        rows.append(_row(start + 2 * i, 2000, (a, b), ["water-supply"], "technical-cooperation"))
        rows.append(_row(start + 2 * i + 1, 2004, (a, b), ["sewage-wastewater"], "funded-project"))
    return rows


def test_parent_cases_and_undated_rows_are_no_steps():
    rows = [
        _row(1, 1999, (1, 2), ["water-supply", "sewage-wastewater"], parent=True),
        _row(2, 2012, (1, 2), ["water-supply"]),
        _row(3, None, (1, 2), [], kind="twinning"),
    ]
    stages = NS.stages_of(rows)
    assert [s.year for s in stages] == [2012]
    assert stages[0].of_kind("sector") == {"water-supply"}
    assert [r["id"] for r in NS.history(rows)] == [1, 2, 3]


def test_trajectories_group_members_by_year_and_keep_pairs_with_two_stages():
    rows = [_row(1, 2000, (1, 2, 3), ["governance"]), _row(2, 2008, (1, 2), ["social-inclusion"])]
    found = NS.trajectories(rows)
    assert set(found) == {(1, 2)}
    assert [s.year for s in found[(1, 2)]] == [2000, 2008]


def test_one_cooperation_two_sources_list_is_one_step():
    rows = [
        _row(1, 2015, (1, 2, 3), ["governance"], title="AGRI -URBAN"),
        _row(2, 2014, (1, 2, 3), [], kind="funded-project", schemes=["interreg-urbact-iii"],
             title="AGRI-URBAN (2014 - 2020 URBACT III)"),
    ]  # fmt: skip
    merged = NS.merge_duplicates(rows)
    assert [r["id"] for r in merged] == [1]
    assert "interreg-urbact-iii" in merged[0]["schemes"]
    assert len(NS.stages_of(rows)) == 1


def test_a_learned_transition_comes_first_with_its_reason_in_words():
    # the three pairs of one network pair are one history: the reason counts 7 histories, not 9 pairs
    rows = _water_then_sewage(6) + [
        _row(60, 2000, (500, 501, 502), ["water-supply"]),
        _row(61, 2004, (500, 501, 502), ["sewage-wastewater"]),
        _row(50, 2000, (900, 901), ["governance"]), _row(51, 2003, (900, 901), ["governance"]),
    ]  # fmt: skip
    model = NS.NextStepModel().fit(NS.trajectories(rows))
    stages = NS.stages_of([_row(99, 2020, (1, 2), ["water-supply"], "technical-cooperation")])
    top = model.suggest(stages, limit=3)
    assert top[0].id == "sewage-wastewater"
    reason = NS.explain(top[0], {"water-supply": "water supply", "sewage-wastewater": "sewage"})[0]
    assert reason == (
        "pairs whose cooperation included water supply went on to sewage within 4 years in 7 of 7 cases"
    )


def test_a_pair_without_history_gets_the_common_next_steps_and_needs_count():
    model = NS.NextStepModel().fit(NS.trajectories(_water_then_sewage(4)))
    plain = model.suggest([])
    assert plain and all(s.rule is None for s in plain)
    needed = model.suggest([], candidates=["water-supply", "solid-waste"], needs={"solid-waste": ["Hue"]})
    assert needed[0].id == "solid-waste" and needed[0].needed_by == ("Hue",)
    assert NS.explain(needed[0], {"solid-waste": "solid waste"})[0] == "Hue says it needs solid waste"


def test_an_unfitted_or_empty_model_suggests_nothing():
    assert NS.NextStepModel().fit({}).suggest([]) == []


def test_own_shares_count_each_city_half_and_leave_the_pair_out():
    rows = [
        _row(1, 2000, (1, 2), ["governance"]),  # the pair itself: not "own"
        _row(2, 2001, (1, 7), ["mobility"]),
        _row(3, 2002, (2, 8), ["mobility", "healthcare"]),
        _row(4, 2030, (2, 9), ["energy"]),
    ]
    shares = NS.own_shares(rows, pair=(1, 2), before=2010)
    assert shares == {"mobility": 1.0, "healthcare": 0.5}


def test_a_repeated_sector_is_said_as_coming_back_to_it():
    rule = NS.Rule("sector:governance", "sector:governance", hits=3, cases=5, max_gap=8)
    assert NS.rule_reason(rule, {"governance": "governance"}) == (
        "pairs whose cooperation included governance came back to it within 8 years in 3 of 5 cases"
    )
