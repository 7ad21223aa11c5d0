"""The embedding cache: vectors round-trip as float32, known hashes are not stored twice, models are apart."""

from __future__ import annotations

import numpy as np
from sqlalchemy import func, select

from db.repositories.embeddings import EmbeddingCache
from db.tables import Embedding


def test_round_trip_and_no_duplicates(db_session):
    cache = EmbeddingCache(db_session)
    vector = np.array([0.5, -1.25, 3.0], dtype=np.float64)
    cache.put_many("model-a", {"h1": vector})
    cache.put_many("model-a", {"h1": vector * 2, "h2": vector})
    found = cache.get_many("model-a", ["h1", "h2", "h3", "h1"])
    assert set(found) == {"h1", "h2"} and found["h1"].dtype == np.float32
    np.testing.assert_array_equal(found["h1"], vector.astype(np.float32))  # the first one stays
    assert cache.get_many("model-b", ["h1"]) == {}
    assert db_session.scalar(select(func.count()).select_from(Embedding)) == 2


def test_many_hashes_are_read_in_chunks(db_session):
    cache = EmbeddingCache(db_session)
    items = {f"h{k}": np.full(2, k, dtype=np.float32) for k in range(2000)}
    cache.put_many("model-a", items)
    found = cache.get_many("model-a", list(items))
    assert len(found) == 2000 and found["h1999"][0] == 1999
