"""Place-name folding and keys: the spellings the importers and the gazetteer meet."""

from __future__ import annotations

import pytest

from db.places.names import ascii_name, fold_name, name_key, normalise_name, parse_query


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


def test_ascii_name_transliterates_special_letters() -> None:
    assert ascii_name("Łódź") == "Lodz"
    assert ascii_name("Großenhain") == "Grossenhain"
    assert ascii_name("Essen") == "Essen"


def test_parse_query_takes_the_name_apart() -> None:
    q = parse_query("Shibuya (Tokyo), Japan")
    assert q.exact_keys[0] == name_key("Shibuya (Tokyo), Japan")
    assert q.parent_names == ["Tokyo"] and q.hints == ["Japan", "Tokyo"]
    assert parse_query("Peine District").stripped_keys == ["peine"]
    assert parse_query("Peine District").is_area
    assert parse_query("Budapest XX – Pesterzsébet").part_keys == ["pesterzsebet", "budapestxx"]
