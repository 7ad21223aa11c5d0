"""Catalogue reads: sectors, funding schemes and country facts."""

from __future__ import annotations

from db.repositories import catalogue
from tests import factories as f


def test_sectors_listed_and_paged_by_id(db_session):
    for sector_id in ("water", "energy", "culture"):
        f.sector(db_session, sector_id=sector_id)
    assert [s.id for s in catalogue.list_sectors(db_session)] == ["culture", "energy", "water"]
    rows, total = catalogue.page_sectors(db_session, limit=1, offset=1)
    assert total == 3 and [s.id for s in rows] == ["energy"]
    assert catalogue.get_sector(db_session, sector_id="water").id == "water"
    assert catalogue.get_sector(db_session, sector_id="none") is None


def test_funding_schemes_by_id(db_session):
    f.funding_scheme(db_session, scheme_id="b-scheme")
    f.funding_scheme(db_session, scheme_id="a-scheme")
    assert [s.id for s in catalogue.list_funding_schemes(db_session)] == ["a-scheme", "b-scheme"]
    assert catalogue.get_funding_scheme(db_session, scheme_id="a-scheme").name == "Scheme a-scheme"
    assert catalogue.get_funding_scheme(db_session, scheme_id="x") is None


def test_countries_by_iso2(db_session):
    f.country(db_session, "KH", income_group="LM")
    f.country(db_session, "JP")
    found = catalogue.countries_by_iso2(db_session)
    assert set(found) == {"KH", "JP"} and found["KH"].income_group == "LM"
