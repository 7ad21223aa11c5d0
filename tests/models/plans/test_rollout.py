"""Roll-out ranking without a store or HTTP: seats of provinces, the anchor's own area, needs, links."""

from __future__ import annotations

from models.plans import rollout as R

ANCHOR = R.Anchor("Capital", 11.5, 104.9, admin1="22", geonames_id=1, city_id=100)


def _town(gid, name, admin1, population, lat, lon, **kw):
    return R.Place(name=name, country="KH", admin1=admin1, geonames_id=gid, population=population,
                   latitude=lat, longitude=lon, **kw)  # fmt: skip


TOWNS = [
    _town(1, "Capital", "22", 1_500_000, 11.5, 104.9),
    _town(2, "Suburb", "22", 80_000, 11.52, 104.95),
    _town(3, "Seat A", "05", 20_000, 12.7, 104.9),
    _town(4, "Village A", "05", 3_000, 12.6, 104.8),
    _town(5, "Seat B", "24", 140_000, 13.4, 103.9),
    _town(6, "Far village", "10", 2_000, 12.5, 107.2),
]


def test_provincial_seats_come_before_larger_suburbs_and_the_anchor_is_left_out():
    ranked = R.rank_places(TOWNS, anchor=ANCHOR, sector="water-supply", sector_name="water supply")
    names = [r.place.name for r in ranked]
    assert "Capital" not in names
    assert names[:2] == ["Seat B", "Seat A"]
    assert names.index("Suburb") > names.index("Seat A")
    suburb = next(r for r in ranked if r.place.name == "Suburb")
    assert any("own area" in reason for reason in suburb.reasons)


def test_a_stated_need_and_a_link_lift_a_place_with_their_reasons():
    village = _town(4, "Village A", "05", 3_000, 12.6, 104.8, stated_sectors=frozenset({"water-supply"}),
                    linked_to=("Capital",))  # fmt: skip
    ranked = R.rank_places(
        [*TOWNS[:3], village], anchor=ANCHOR, sector="water-supply", sector_name="water supply"
    )
    found = next(r for r in ranked if r.place.name == "Village A")
    assert ranked[0].place.name == "Village A"
    assert "its profile says it needs water supply" in found.reasons
    assert "linked to Capital by a cooperation" in found.reasons


def test_places_already_reached_are_left_out_and_their_size_guides():
    ranked = R.rank_places(
        TOWNS, anchor=ANCHOR, sector="water-supply", sector_name="water supply", reached=[TOWNS[2]]
    )
    assert "Seat A" not in [r.place.name for r in ranked]
    village = next(r for r in ranked if r.place.name == "Village A")
    assert any("size like the places" in reason for reason in village.reasons)


def test_stored_facts_join_the_gazetteer_town_by_geonames_id_and_stored_only_places_stay():
    stored = [
        R.Place(name="Seat A (stored)", country="KH", geonames_id=3, city_id=7, population=None,
                stated_sectors=frozenset({"water-supply"})),
        R.Place(name="Province without id", country="KH", city_id=8),
    ]  # fmt: skip
    merged = R.merge_places(TOWNS, stored)
    seat = next(p for p in merged if p.geonames_id == 3)
    assert seat.city_id == 7 and seat.admin1 == "05" and seat.population == 20_000
    assert seat.stated_sectors == {"water-supply"}
    assert any(p.name == "Province without id" for p in merged)
    assert len(merged) == len(TOWNS) + 1


def test_records_give_each_city_its_sectors_and_links_to_the_anchors():
    rows = [{"members": (100, 3), "sectors": ("water-supply",)}, {"members": (3, 5), "sectors": ()}]
    sectors, links = R.records(rows, anchors={100: "Capital"})
    assert sectors[3] == {"water-supply"} and links == {3: ["Capital"]}
