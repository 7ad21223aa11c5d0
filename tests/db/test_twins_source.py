"""The twin-town CSV reader: both files joined, malformed rows named by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.importers.twins_source import read_twin_pairs

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
