"""Country-string normalisation: the spellings found in the twin-town, URBACT and keep.eu files."""

from __future__ import annotations

import pytest

from db.places.countries import continent_of, country_name, match_country, normalise_country


@pytest.mark.parametrize(
    ("text", "iso2"),
    [
        # names
        ("England", "GB"),
        ("England, United Kingdom", "GB"),
        ("Scotland", "GB"),
        ("Wales, United Kingdom", "GB"),
        ("Northern Ireland", "GB"),
        ("United Kingdom", "GB"),
        ("UNITED KINGDOM", "GB"),
        ("Georgia (country)", "GE"),
        ("Georgia", "GE"),
        ("Republic of Korea", "KR"),
        ("South Korea", "KR"),
        ("North Korea", "KP"),
        ("People's Republic of China", "CN"),
        ("China", "CN"),
        ("Taiwan", "TW"),
        ("United States", "US"),
        ("USA", "US"),
        ("Czech Republic", "CZ"),
        ("Czechia", "CZ"),
        ("Ivory Coast", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("Macedonia", "MK"),
        ("North Macedonia", "MK"),
        ("Palestine", "PS"),
        ("West Bank", "PS"),
        ("Kosovo", "XK"),
        ("Republic of Ireland", "IE"),
        ("Netherlands", "NL"),
        ("Moldavia", "MD"),
        ("Cape Verde", "CV"),
        ("São Tomé and Príncipe", "ST"),
        ("East Timor", "TL"),
        ("Northern Cyprus", "CY"),
        ("Congo", "CG"),
        ("Democratic Republic of the Congo", "CD"),
        ("Bosnia and Hercegovina", "BA"),
        ("in Italy", "IT"),
        # codes
        ("DE", "DE"),
        ("de", "DE"),
        ("JPN", "JP"),
        ("gbr", "GB"),
        ("XK", "XK"),
        # EU codes used by URBACT and keep.eu.
        ("UK", "GB"),
        ("EL", "GR"),
        # keep.eu labels: code, English name, native name
        ("DE Germany / DEUTSCHLAND", "DE"),
        ("EL Greece / ΕΛΛΑΔΑ (ELLADA)", "GR"),
        ("RS  / Serbia", "RS"),
        ("UK United Kingdom / UNITED KINGDOM", "GB"),
    ],
)
def test_country_strings(text: str, iso2: str) -> None:
    assert normalise_country(text) == iso2


def test_territory_before_parent_state() -> None:
    # GeoNames files Réunion's towns under RE, not FR.
    assert normalise_country("Réunion, France") == "RE"
    assert normalise_country("Åland Islands, Finland") == "AX"


def test_region_qualifier_is_kept() -> None:
    found = match_country("New York, United States")
    assert found is not None and found.iso2 == "US" and found.region == "New York"
    wales = match_country("Wales")
    assert wales is not None and (wales.iso2, wales.admin1) == ("GB", "WLS")


@pytest.mark.parametrize("text", [None, "", "   ", "Atlantis", "Middle Earth, Nowhere"])
def test_unknown(text: str | None) -> None:
    assert normalise_country(text) is None


def test_continent_of() -> None:
    assert continent_of("JP") == "AS"
    assert continent_of("gb") == "EU"
    assert continent_of("BR") == "SA"
    assert continent_of("ZZ") is None
    assert continent_of(None) is None


def test_country_name() -> None:
    assert country_name("VN") == "Vietnam"
