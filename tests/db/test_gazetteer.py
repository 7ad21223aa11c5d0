"""GeoNames entity resolution on hand-checked cases, and the twin-town CSV reader.

Ids and facts checked against geonames.org. The gazetteer is built once per
process (load_gazetteer is cached), so the module fixture costs one build.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from db.gazetteer import Gazetteer, GeoCity, fold_name, name_key, normalise_name
from db.importers.twins_source import read_twin_pairs

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
    return Gazetteer.load()


def resolved_id(gaz: Gazetteer, *args: object, **kwargs: object) -> int:
    result = gaz.resolve(*args, **kwargs)  # type: ignore[arg-type]
    assert result.status == "resolved", result.reason
    assert result.city is not None and result.candidates[0] == result.city
    return result.city.geonameid


# -- normalisation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kōriyama", "koriyama"),
        ("Tarnów (rural gmina)", "tarnow"),
        ("Springfield, Illinois", "springfield"),
        ("City of Westminster", "westminster"),
        ("Peine District", "peine"),
        ("Koriyama-shi", "koriyama"),
        ("L'Aquila", "laquila"),
        ("Łódź", "lodz"),
        ("Großenhain", "grossenhain"),
        ("  Saint-Étienne ", "saint etienne"),
    ],
)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_fold_and_key() -> None:
    assert fold_name("São Tomé") == "sao tome"
    # Keys ignore spacing and common abbreviations.
    assert name_key("Hai Phong") == name_key("Haiphong")
    assert name_key("St. Pölten") == name_key("Saint Polten")


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
    assert Gazetteer.load() is gaz


# -- twin-town CSV reader ---------------------------------------------------------


RAW = "city1,country1,city2,country2\n"
GEO = "city1,country1,lat1,lng1,city2,country2,lat2,lng2\n"


def _write(tmp_path: Path, raw: str, geo: str) -> tuple[Path, Path]:
    raw_path, geo_path = tmp_path / "twin_cities.csv", tmp_path / "twin_cities_geocoded.csv"
    raw_path.write_text(raw, encoding="utf-8")
    geo_path.write_text(geo, encoding="utf-8")
    return raw_path, geo_path


def test_reader_joins_points(tmp_path: Path) -> None:
    raw, geo = _write(
        tmp_path,
        RAW
        + "Essen,Germany,Kōriyama,Japan\n"
        + "Kōriyama,Japan,Essen,Germany\n"
        + 'Dull,"Scotland, United Kingdom",Bland,Australia\n',
        GEO
        + "Essen,Germany,51.45,7.01,Kōriyama,Japan,37.4,140.38\n"
        + "Dull,Scotland,56.62,-3.95,Bland,Australia,-33.92,147.06\n",
    )
    rows = read_twin_pairs(raw, geo)
    assert [r["line"] for r in rows] == [2, 3, 4]
    assert rows[0]["geocoded_line"] == 2 and (rows[0]["lat2"], rows[0]["lng2"]) == (37.4, 140.38)
    # The reversed listing reuses the same geocoded row, ends swapped.
    assert (rows[1]["lat1"], rows[1]["lat2"]) == (37.4, 51.45)
    # Same city, country spelled differently: the point is borrowed.
    assert rows[2]["geocoded_line"] is None and rows[2]["lat1"] == 56.62


def test_reader_without_geocoded_file(tmp_path: Path) -> None:
    raw, _ = _write(tmp_path, RAW + "Essen,Germany,Kōriyama,Japan\n", GEO)
    (row,) = read_twin_pairs(raw)
    assert row["lat1"] is None and row["city2"] == "Kōriyama"


@pytest.mark.parametrize(
    ("raw", "geo", "message"),
    [
        (RAW + "Essen,Germany,Kōriyama\n", GEO, r"twin_cities\.csv:2: expected 4 fields, got 3"),
        (
            "city1,country1,city2\nEssen,Germany,Kōriyama\n",
            GEO,
            r"twin_cities\.csv:1: missing header.*country2",
        ),
        (RAW + 'Essen,Germany,"Kōriyama,Japan\n', GEO, r"twin_cities\.csv:2:"),
        (RAW, GEO + "Essen,Germany,north,7.0,Kōriyama,Japan,37.4,140.38\n", r"geocoded\.csv:2: column lat1"),
        (
            RAW,
            GEO + "Essen,Germany,51.4,7.0,Kōriyama,Japan,137.4,140.38\n",
            r"geocoded\.csv:2: .*out of range",
        ),
        (RAW + "Essen,Germany,,Japan\n", GEO, r"twin_cities\.csv:2: empty city name"),
    ],
)
def test_reader_rejects_malformed_rows(tmp_path: Path, raw: str, geo: str, message: str) -> None:
    raw_path, geo_path = _write(tmp_path, raw, geo)
    with pytest.raises(ValueError, match=message):
        read_twin_pairs(raw_path, geo_path)


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
