"""Importers against a real database (SQLite and PostgreSQL): idempotent, transactional, user-safe."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text

from db.importers.common import ImportFileError
from db.importers.runner import import_all, import_dataset
from db.repositories.fingerprint import catalogue_fingerprint
from db.tables import City, CityProfile, Cooperation, Country, FundingScheme, UnresolvedPlace
from tests.conftest import CURATED
from tests.helpers import public_sample, row_counts


def test_curated_import_lands_and_is_idempotent(session_factory):
    report = import_dataset(session_factory, "curated", curated_dir=CURATED, data_dir=None)
    assert report.tables["sectors"].inserted == 27
    assert report.tables["funding_schemes"].inserted == 46
    assert report.tables["city_profiles"].inserted == 103
    assert report.tables["cooperations"].inserted == 70
    first = row_counts(session_factory)

    again = import_dataset(session_factory, "curated", curated_dir=CURATED, data_dir=None)
    assert row_counts(session_factory) == first
    assert all(c.inserted == 0 and c.updated == 0 for c in again.tables.values()), again.to_dict()

    with session_factory() as session:
        koriyama = session.scalar(select(City).where(City.name == "Koriyama"))
        assert koriyama is not None and koriyama.country == "JP" and koriyama.geonames_id == 2112141
        assert koriyama.timezone == "Asia/Tokyo"
        # the 12 curated places without a GeoNames id still get our own ids
        assert session.scalar(select(City).where(City.name == "North Rhine-Westphalia")).geonames_id is None
        case = session.scalar(
            select(Cooperation).where(Cooperation.source_key == "curated:kitakyushu-dalian")
        )
        assert case.success == "high" and "jica-partnership-program" in case.funding_scheme_ids
        assert {m.city.name for m in case.members} == {"Kitakyushu", "Dalian"}


def test_import_leaves_planner_statistics(session_factory):
    """Without statistics both databases plan joins as if the tables were empty."""
    import_dataset(session_factory, "curated", curated_dir=CURATED, data_dir=None)
    with session_factory() as session:
        if session.get_bind().dialect.name == "sqlite":
            analysed = session.scalars(text("SELECT tbl FROM sqlite_stat1")).all()
        else:
            analysed = session.scalars(
                text(
                    "SELECT relname FROM pg_stat_user_tables"
                    " WHERE last_analyze IS NOT NULL AND schemaname = current_schema()"
                )
            ).all()
    assert {"cities", "cooperation_members", "cooperations"} <= set(analysed)


def test_reimport_that_changes_only_sectors_marks_the_cooperation_updated(session_factory, tmp_path: Path):
    import_dataset(session_factory, "curated", curated_dir=CURATED, data_dir=None)
    key = "curated:kitakyushu-dalian"
    with session_factory() as session:
        before = session.scalar(select(Cooperation.revision).where(Cooperation.source_key == key))
        fingerprint = catalogue_fingerprint(session)
    edited = tmp_path / "curated"
    shutil.copytree(CURATED, edited)
    cases = json.loads((edited / "cooperation_cases.json").read_text())
    case = next(c for c in cases if c["id"] == "kitakyushu-dalian")
    case["sectors"] = case["sectors"][:2]
    (edited / "cooperation_cases.json").write_text(json.dumps(cases))
    report = import_dataset(session_factory, "curated", curated_dir=edited, data_dir=None)
    assert report.tables["cooperations"].updated == 1
    with session_factory() as session:
        after = session.scalar(select(Cooperation.revision).where(Cooperation.source_key == key))
        assert after == before + 1
        # workers' cached histories follow the fingerprint
        assert catalogue_fingerprint(session) != fingerprint


def test_bad_curated_file_writes_nothing(session_factory, tmp_path: Path):
    broken = tmp_path / "curated"
    shutil.copytree(CURATED, broken)
    cases = json.loads((broken / "cooperation_cases.json").read_text())
    cases[3]["kind"] = "friendship"
    (broken / "cooperation_cases.json").write_text(json.dumps(cases))
    before = row_counts(session_factory)
    with pytest.raises(ImportFileError, match=r"cooperation_cases\.json.*friendship"):
        import_dataset(session_factory, "curated", curated_dir=broken, data_dir=None)
    assert row_counts(session_factory) == before

    (broken / "sectors.json").write_text('[{"id": "water", "name": "Water",\n "description": ')
    with pytest.raises(ImportFileError, match=r"sectors\.json:2: invalid JSON"):
        import_dataset(session_factory, "curated", curated_dir=broken, data_dir=None)
    assert row_counts(session_factory) == before


def test_reimport_keeps_user_edits(session_factory):
    import_dataset(session_factory, "curated", curated_dir=CURATED, data_dir=None)
    with session_factory.begin() as session:
        profile = session.scalar(select(CityProfile).join(City).where(City.name == "Essen"))
        profile.needs_text = "edited by a planner"
        profile.origin = "user"
        scheme = session.get(FundingScheme, "eu-iurc")
        scheme.description = "edited by an analyst"
        scheme.origin = "user"
    report = import_dataset(session_factory, "curated", curated_dir=CURATED, data_dir=None)
    assert report.tables["city_profiles"].skipped_user_edited == 1
    assert report.tables["funding_schemes"].skipped_user_edited == 1
    with session_factory() as session:
        profile = session.scalar(select(CityProfile).join(City).where(City.name == "Essen"))
        assert profile.needs_text == "edited by a planner"
        assert session.get(FundingScheme, "eu-iurc").description == "edited by an analyst"


@pytest.mark.public_data
def test_public_sample_import_is_idempotent(session_factory, public_data_dir: Path, tmp_path: Path):
    sample = public_sample(public_data_dir, tmp_path / "public")
    reports = {r.source: r for r in import_all(session_factory, curated_dir=CURATED, data_dir=sample)}
    assert set(reports) == {"curated", "worldbank", "twin_cities", "urbact", "interreg"}
    twins = reports["twin_cities"].resolution
    assert twins["distinct_pairs"] > 500
    assert twins["pairs_both_ends_resolved"] / twins["distinct_pairs"] >= 0.85
    first = row_counts(session_factory)
    assert first["cooperations"] > 70 + twins["links"] * 0.9

    import_all(session_factory, curated_dir=CURATED, data_dir=sample)
    assert row_counts(session_factory) == first

    with session_factory() as session:
        de = session.get(Country, "DE")
        assert de.eu_member is True and de.income_group == "H" and de.wb_region == "Europe & Central Asia"
        assert session.get(Country, "KH").income_group in {"L", "LM"}
        urbact = session.scalars(select(Cooperation).where(Cooperation.source == "urbact")).all()
        assert len(urbact) > 100 and all(c.kind == "thematic-network" for c in urbact)
        interreg = session.scalars(select(FundingScheme).where(FundingScheme.source == "interreg")).all()
        assert interreg and all(s.eligibility["partner_countries"] for s in interreg)
        listed = session.scalars(select(UnresolvedPlace).where(UnresolvedPlace.source == "twin_cities")).all()
        assert sum(u.occurrences for u in listed) > 0  # kept out of the graph but listed


@pytest.mark.public_data
@pytest.mark.parametrize(
    "dataset, name",
    [
        ("twins", "twin_cities.csv"),
        ("interreg", "interreg_2014_2020_partners.csv"),
        ("urbact", "urbact_memberships.csv"),
    ],
)
def test_truncated_csv_fails_whole(session_factory, public_data_dir: Path, tmp_path: Path, dataset, name):
    sample = public_sample(public_data_dir, tmp_path / "public", twins=400, interreg=300)
    import_dataset(session_factory, "curated", curated_dir=CURATED, data_dir=sample)
    before = row_counts(session_factory)
    text = (sample / name).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    # cut the file in the middle of a row, as an interrupted download would
    (sample / name).write_text("".join(lines[:120]) + lines[120][: len(lines[120]) // 3], encoding="utf-8")
    with pytest.raises(ImportFileError, match=rf"{name}:\d+"):
        import_dataset(session_factory, dataset, curated_dir=CURATED, data_dir=sample)
    assert row_counts(session_factory) == before
