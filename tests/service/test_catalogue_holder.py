"""A worker's catalogue index: kept while the catalogue is unchanged, rebuilt after an edit elsewhere."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from db import writes
from db.importers.runner import import_dataset
from db.repositories import cooperations, fingerprint
from db.tables import Cooperation, CooperationMember, FundingScheme
from features.text import SentenceEmbedder
from service import catalogue_holder as catalogue
from service.catalogue_holder import CatalogueHolder, watch_commits
from tests.conftest import CURATED


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    return SentenceEmbedder().fit()


def test_index_survives_an_unchanged_check_and_follows_an_edit(session_factory, embedder, monkeypatch):
    import_dataset(session_factory, "curated", curated_dir=CURATED, data_dir=None)
    holder = CatalogueHolder(CURATED / "regions.json")
    with session_factory() as session:
        first = holder.get(session, embedder)
        assert holder.get(session, embedder) is first  # within the TTL: no query at all
        first.eligibility_cache["verdict"] = "kept"
        monkeypatch.setattr(catalogue, "TTL_SECONDS", 0.0)
        checked = holder.get(session, embedder)
        # unchanged catalogue: the same content and the same warm eligibility cache
        assert checked.fingerprint == first.fingerprint and checked.schemes is first.schemes
        assert checked.eligibility_cache.get("verdict") == "kept"
        assert checked.checked_at > first.checked_at
    with session_factory() as session:  # another worker edits a scheme
        scheme_id = first.schemes[0]["id"]
        rename = update(FundingScheme).where(FundingScheme.id == scheme_id).values(name="Renamed scheme")
        session.execute(rename)
        session.commit()
    with session_factory() as session:
        rebuilt = holder.get(session, embedder)
    assert rebuilt.fingerprint != first.fingerprint
    assert next(s for s in rebuilt.schemes if s["id"] == scheme_id)["name"] == "Renamed scheme"
    assert rebuilt.eligibility_cache.get("verdict") is None


def test_cooperation_histories_are_cached_until_a_cooperation_is_added_or_edited(
    session_factory, embedder, monkeypatch
):
    import_dataset(session_factory, "curated", curated_dir=CURATED, data_dir=None)
    holder = CatalogueHolder(CURATED / "regions.json")
    watch_commits(session_factory, holder)
    with session_factory() as session:
        index = holder.get(session, embedder)
        city_ids = list(session.scalars(select(CooperationMember.city_id).distinct().limit(3)))
        first = index.cooperation_history(session, city_ids)
        assert first == cooperations.cooperation_summaries(session, city_ids=city_ids)
        again = index.cooperation_history(session, city_ids)
        assert all(again[c] is first[c] for c in city_ids)  # served from the cache
        unknown = 10**9
        assert index.cooperation_history(session, [unknown]) == {unknown: []}

    with session_factory() as session:  # this worker records a cooperation
        added = writes.create_cooperation(
            session,
            title="Cache test",
            kind="technical-cooperation",
            city_ids=city_ids[:2],
            sectors=["energy"],
        )
        session.commit()  # this worker's index compares its fingerprint at the next request
        added_id = added.id
    with session_factory() as session:
        index = holder.get(session, embedder)
        history = index.cooperation_history(session, city_ids)
    assert added_id in {c["id"] for c in history[city_ids[0]]}
    assert added_id not in {c["id"] for c in first[city_ids[0]]}

    # another worker's import corrects a cooperation in place (same count, same largest id)
    edited_id = next(c["id"] for c in first[city_ids[0]] if c["sectors"])
    with session_factory() as session:
        before = fingerprint.catalogue_fingerprint(session)
        coop = session.get(Cooperation, edited_id)
        coop.sector_links = []
        coop.revision = Cooperation.revision + 1  # as the importer does
        session.commit()
        assert fingerprint.catalogue_fingerprint(session) != before
    monkeypatch.setattr(catalogue, "TTL_SECONDS", 0.0)
    with session_factory() as session:
        edited = holder.get(session, embedder).cooperation_history(session, city_ids[:1])
    assert next(c for c in edited[city_ids[0]] if c["id"] == edited_id)["sectors"] == ()


def test_fingerprint_sees_an_in_place_correction_that_commits_last(session_factory):
    """An import's correction committed after a concurrent addition still changes the fingerprint."""
    import_dataset(session_factory, "curated", curated_dir=CURATED, data_dir=None)
    with session_factory() as probe:
        if probe.get_bind().dialect.name == "sqlite":
            pytest.skip("SQLite has one writer at a time: the two transactions cannot overlap")
        city_ids = list(probe.scalars(select(CooperationMember.city_id).distinct().limit(2)))
    correcting, adding = session_factory(), session_factory()
    try:
        coop = correcting.scalars(select(Cooperation).limit(1)).one()
        coop.sector_links = []
        coop.revision = Cooperation.revision + 1
        correcting.flush()  # the correction is written first, but not yet committed
        writes.create_cooperation(adding, title="Added meanwhile", kind="twinning", city_ids=city_ids)
        adding.commit()
        with session_factory() as session:
            seen = fingerprint.catalogue_fingerprint(session)  # a worker checks in between
        correcting.commit()
    finally:
        correcting.close()
        adding.close()
    with session_factory() as session:
        assert fingerprint.catalogue_fingerprint(session) != seen


def test_only_a_committed_catalogue_write_expires_the_index(session_factory, embedder):
    import_dataset(session_factory, "curated", curated_dir=CURATED, data_dir=None)
    holder = CatalogueHolder(CURATED / "regions.json")
    watch_commits(session_factory, holder)
    with session_factory() as session:
        holder.get(session, embedder)
        city_ids = list(session.scalars(select(CooperationMember.city_id).distinct().limit(2)))
    fresh = holder._index

    def write_cooperation(session):  # type: ignore[no-untyped-def]
        writes.create_cooperation(
            session, title="Expiry test", kind="technical-cooperation", city_ids=city_ids, sectors=["energy"]
        )

    with session_factory() as session:
        write_cooperation(session)
        session.rollback()
    with session_factory() as session:  # feedback is not catalogue
        writes.add_feedback(session, partner_city_id=city_ids[0], kind="relevant", client="ip:test")
        session.commit()
    assert holder._index is fresh
    with session_factory() as session:
        write_cooperation(session)
        session.commit()
    assert holder._index is not None and holder._index.checked_at == float("-inf")
