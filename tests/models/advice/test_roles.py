"""The role's lean: a learner's partners by experience in the needed sectors, a mentor's by need."""

from __future__ import annotations

import numpy as np

from models.advice.roles import NO_FIT, learner_fit, mentor_fit, offered_sectors
from models.advice.sectors import TrackRecord
from models.wishes import SIMILAR_POPULATION_FACTOR, similar_population

NAMES = {"water-supply": "Water supply", "solid-waste": "Solid waste", "hydrogen": "Hydrogen"}


def _record(name, *done):
    record = TrackRecord(name)
    for sectors, success in done:
        record.add(sectors, success)
    return record


def test_a_learner_prefers_more_and_more_successful_experience_in_what_it_needs():
    veteran = _record("A", *[(["water-supply"], "high")] * 6)
    some = _record("B", (["water-supply"], None), (["water-supply"], "high"))
    elsewhere = _record("C", *[(["hydrogen"], "high")] * 6)
    fits = [learner_fit(r, ["water-supply"], NAMES) for r in (veteran, some, elsewhere)]
    assert fits[0].value == 1.0 > fits[1].value > 0 and fits[2] == NO_FIT
    assert fits[1].reason == (
        "Experienced in Water supply (2 cooperations, 1 with high success): "
        "a partner to learn from, as you asked"
    )
    # half the needed sectors covered is half the fit
    assert learner_fit(veteran, ["water-supply", "hydrogen"], NAMES).value == 0.5
    # asking about no sector, experience of any kind counts
    assert learner_fit(veteran, [], NAMES) == NO_FIT
    broad = [learner_fit(TrackRecord("D"), [], NAMES, cooperations=n) for n in (1, 10, 50, 80)]
    assert 0 < broad[0].value < broad[1].value < broad[2].value == broad[3].value == 1.0
    assert broad[1].reason == "10 cooperations of its own: a partner to learn from, as you asked"


def test_a_mentor_is_matched_to_stated_needs_or_else_to_the_track_record_as_a_proxy():
    offered = offered_sectors(_record("Kitakyushu", (["water-supply", "solid-waste"], "high")), [])
    assert set(offered) == {"water-supply", "solid-waste"}
    stated = mentor_fit(
        offered,
        stated=frozenset({"water-supply"}),
        record=TrackRecord("X"),
        mentor_name="Kitakyushu",
        names=NAMES,
    )
    assert stated.value == 0.5 and "stated needs include Water supply" in stated.reason
    proxy = mentor_fit(
        offered,
        stated=None,
        record=_record("Y", (["solid-waste"], None), (["water-supply"], None)),
        mentor_name="Kitakyushu",
        names=NAMES,
    )
    assert proxy.value == 1.0 and proxy.reason.startswith("States no needs") and "stand in" in proxy.reason
    # a stated need overrides the record: a city that states other needs is no fit
    other = mentor_fit(
        offered,
        stated=frozenset({"hydrogen"}),
        record=_record("Z", (["water-supply"], None)),
        mentor_name="Kitakyushu",
        names=NAMES,
    )
    assert other == NO_FIT


def test_what_a_new_mentor_offers_is_what_it_names():
    assert offered_sectors(None, ["water-supply"]) == ["water-supply"]
    assert offered_sectors(None, []) == []


def test_similar_population_is_a_band_of_a_third_to_three_times():
    assert SIMILAR_POPULATION_FACTOR == 3.0
    log_pop = np.log10([100_000, 34_000, 32_000, 290_000, 310_000, np.nan])
    assert similar_population(log_pop, 100_000).tolist() == [True, True, False, True, False, False]
