"""A worker's catalogue index: kept while the catalogue is unchanged, rebuilt after an edit elsewhere."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from db.importers.runner import import_dataset
from db.tables import FundingScheme
from features.text import SentenceEmbedder
from service import catalogue
from service.catalogue import CatalogueHolder
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
