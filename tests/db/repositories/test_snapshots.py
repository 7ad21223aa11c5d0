"""What training reads: every city with its country facts and profile, every cooperation, the data hash."""

from __future__ import annotations

import math

import pytest

from db.repositories import snapshots
from tests import factories as f


def test_city_rows_join_country_facts_and_profile_texts(db_session):
    f.country(db_session, "KH", continent="AS", wb_region="East Asia & Pacific", income_group="LM")
    with_profile = f.city(db_session, name="Takeo", country_iso2="KH", population=None)
    texts = {"profile_text": "rice", "needs_text": "water", "strengths": ["a", "b"]}
    f.profile(db_session, city_row=with_profile, sectors=["agriculture"], role="learner", **texts)
    bare = f.city(db_session, name="Bare", country_iso2="KH")
    columns = ["city_id", "population", "continent", "wb_region", "income_group", "profile_text", "sectors"]
    columns.append("role")
    first, second = snapshots.city_frame_rows(db_session, columns=columns)
    assert list(first) == columns
    assert first["city_id"] == with_profile.id and second["city_id"] == bare.id
    assert (first["continent"], first["wb_region"], first["income_group"]) == (
        "AS",
        "East Asia & Pacific",
        "LM",
    )
    assert first["profile_text"] == "rice water a; b"
    assert first["sectors"] == ("agriculture",) and first["role"] == "learner"
    assert math.isnan(first["population"])
    assert second["profile_text"] == "" and second["sectors"] == () and second["population"] == 100_000.0


def test_cooperation_rows_with_members_sectors_and_outcomes(db_session):
    a, b = f.city(db_session), f.city(db_session)
    f.sector(db_session, sector_id="water")
    coop = f.cooperation(db_session, members=[b, a], sectors=["water"], description=None,
                         outcome_summary="done", outcome_indicators=["x"])  # fmt: skip
    (row,) = snapshots.cooperation_rows(db_session)
    assert row["id"] == coop.id and row["members"] == sorted([a.id, b.id]) and row["sectors"] == ("water",)
    assert row["description"] == ""
    (outcome,) = snapshots.cooperation_outcome_rows(db_session)
    assert outcome == {"id": coop.id, "funding_scheme_ids": [], "outcome_summary": "done",
                       "outcome_indicators": ["x"]}  # fmt: skip


def test_data_hash_follows_cities_links_and_profiles(db_session):
    a, b = f.city(db_session), f.city(db_session)
    hashes = [snapshots.data_snapshot_hash(db_session)]
    f.cooperation(db_session, members=[a, b])
    hashes.append(snapshots.data_snapshot_hash(db_session))
    a.population = 1
    db_session.flush()
    hashes.append(snapshots.data_snapshot_hash(db_session))
    f.profile(db_session, city_row=b)
    hashes.append(snapshots.data_snapshot_hash(db_session))
    assert len(set(hashes)) == 4
    assert snapshots.data_snapshot_hash(db_session) == hashes[-1]


def test_city_rows_refuse_an_unknown_column(db_session):
    with pytest.raises(ValueError, match="no city frame column"):
        snapshots.city_frame_rows(db_session, columns=["city_id", "shoe_size"])
