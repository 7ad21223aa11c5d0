"""GeoNames entity resolution on hand-checked cases.

Ids and facts checked against geonames.org. The gazetteer is built once per
process (load_gazetteer is cached), so the module fixture costs one build.
"""

from __future__ import annotations

import pytest

from db.places.index import GeoCity
from db.places.loading import load_gazetteer
from db.places.resolve import Gazetteer

KORIYAMA = 2112141
HAIPHONG = 1581298
ESSEN = 2928810
SPRINGFIELD_IL = 4250542
FRANKFURT_MAIN = 2925533
FRANKFURT_ODER = 2925535
LODZ = 3093133
TARNOW = 757026
NEWPORT_WALES = 2641598
YICHUN_JIANGXI = 1786746
YICHUN_HEILONGJIANG = 2033413


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def resolved_id(gaz: Gazetteer, *args: object, **kwargs: object) -> int:
    result = gaz.resolve(*args, **kwargs)  # type: ignore[arg-type]
    assert result.status == "resolved", result.reason
    assert result.city is not None and result.candidates[0] == result.city
    return result.city.geonameid


# -- resolution -----------------------------------------------------------------


def test_koriyama(gaz: Gazetteer) -> None:
    assert resolved_id(gaz, "Koriyama", "Japan") == KORIYAMA
    assert resolved_id(gaz, "Kōriyama", "JP") == KORIYAMA
    city = gaz.get(KORIYAMA)
    assert isinstance(city, GeoCity)
    assert (city.country, city.ascii_name, city.timezone) == ("JP", "Koriyama", "Asia/Tokyo")
    assert "Koriyama" in city.alternate_names


@pytest.mark.parametrize("name", ["Hai Phong", "Haiphong", "Hải Phòng"])
def test_hai_phong_spellings(gaz: Gazetteer, name: str) -> None:
    assert resolved_id(gaz, name, "Vietnam") == HAIPHONG


def test_essen_dominates_its_namesakes(gaz: Gazetteer) -> None:
    result = gaz.resolve("Essen", "Germany")
    assert result.city is not None and result.city.geonameid == ESSEN
    assert len(result.candidates) > 1  # the small Essen in Lower Saxony is still listed


def test_us_state_qualifier(gaz: Gazetteer) -> None:
    assert resolved_id(gaz, "Springfield, Illinois", "United States") == SPRINGFIELD_IL
    assert resolved_id(gaz, "Springfield", "USA", admin_hint="IL") == SPRINGFIELD_IL
    assert gaz.resolve("Springfield", "United States").status == "ambiguous"


def test_accented_and_unaccented(gaz: Gazetteer) -> None:
    assert resolved_id(gaz, "Łódź", "Poland") == LODZ
    assert resolved_id(gaz, "Lodz", "PL") == LODZ


def test_uk_nation_as_country(gaz: Gazetteer) -> None:
    newport = gaz.resolve("Newport", "Wales")
    assert newport.city is not None and newport.city.geonameid == NEWPORT_WALES
    assert newport.city.country == "GB"
    # England has several Newports of similar size: no guessing.
    assert gaz.resolve("Newport", "England").status == "ambiguous"


def test_qualifier_stripped(gaz: Gazetteer) -> None:
    assert resolved_id(gaz, "Tarnów (rural gmina)", "Poland") == TARNOW
    assert resolved_id(gaz, "Koriyama-shi", "Japan") == KORIYAMA


def test_parenthesised_name_that_geonames_has(gaz: Gazetteer) -> None:
    assert resolved_id(gaz, "Frankfurt (Oder)", "Germany") == FRANKFURT_ODER


def test_coordinates_break_a_tie(gaz: Gazetteer) -> None:
    assert resolved_id(gaz, "Frankfurt", "Germany") == FRANKFURT_MAIN  # 10× the population
    assert resolved_id(gaz, "Frankfurt", "Germany", 52.34, 14.55) == FRANKFURT_ODER
    assert resolved_id(gaz, "Yichun", "China", 47.73, 128.9) == YICHUN_HEILONGJIANG
    assert resolved_id(gaz, "Yichun", "China", 27.8, 114.4) == YICHUN_JIANGXI


def test_two_candidate_tie_is_ambiguous(gaz: Gazetteer) -> None:
    result = gaz.resolve("Yichun", "China")
    assert result.status == "ambiguous"
    assert result.city is None
    assert {c.geonameid for c in result.candidates} == {YICHUN_JIANGXI, YICHUN_HEILONGJIANG}


def test_unknown_name_is_unresolved(gaz: Gazetteer) -> None:
    result = gaz.resolve("Zzyzxvillequa", "Germany")
    assert result.status == "unresolved"
    assert result.city is None and result.candidates == ()
    assert gaz.resolve("", "Germany").status == "unresolved"


def test_country_is_trusted_over_name_elsewhere(gaz: Gazetteer) -> None:
    # Essen exists in Belgium too, but not in Japan.
    assert gaz.resolve("Essen", "Japan").status == "unresolved"


def test_district_resolves_to_parent_city(gaz: Gazetteer) -> None:
    result = gaz.resolve("Yasamal (Baku)", "Azerbaijan")
    assert result.city is not None and result.city.name == "Baku"


def test_area_name_with_point_takes_nearest_place(gaz: Gazetteer) -> None:
    result = gaz.resolve("Kolomensky District", "Russia", 55.083, 38.783)
    assert result.city is not None and result.city.name == "Kolomna"


def test_country_hidden_in_the_name(gaz: Gazetteer) -> None:
    # The twin-town list has "Varna, Bulgaria" with an empty country column.
    result = gaz.resolve("Varna, Bulgaria", "")
    assert result.city is not None and result.city.country == "BG"


def test_invalid_point_is_ignored(gaz: Gazetteer) -> None:
    assert resolved_id(gaz, "Koriyama", "Japan", float("nan"), 140.0) == KORIYAMA
    assert resolved_id(gaz, "Koriyama", "Japan", 0.0, 0.0) == KORIYAMA


def test_lookups(gaz: Gazetteer) -> None:
    assert gaz.get(-1) is None
    assert [c.geonameid for c in gaz.lookup("Haiphong", "VN")] == [HAIPHONG]
    assert gaz.search_prefix("Koriy", "JP", limit=1)[0].geonameid == KORIYAMA
    near = gaz.nearby(37.4, 140.38, 5.0)
    assert near and near[0][1].geonameid == KORIYAMA


def test_load_is_cached(gaz: Gazetteer) -> None:
    assert load_gazetteer() is gaz


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("STRASBOURG Cedex", "FR", "Strasbourg"),
        ("Koper/Capodistria", "SI", "Koper"),
        ("Bozen / Bolzano", "IT", "Bolzano"),
    ],
)
def test_postal_suffixes_and_bilingual_names(gaz: Gazetteer, name: str, country: str, expected: str) -> None:
    result = gaz.resolve(name, country)
    assert result.status == "resolved" and result.city is not None and result.city.name == expected
