"""The embedding cache: vectors stored by (model name, text hash)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.tables import (
    Embedding,
)


class EmbeddingCache:
    """Embeddings stored by (model name, text hash): re-runs embed only changed texts."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get_many(self, model_name: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), 900):  # stay under SQLite's bound-parameter limit
            chunk = unique[start : start + 900]
            stmt = select(Embedding.text_hash, Embedding.vector).where(
                Embedding.model_name == model_name, Embedding.text_hash.in_(chunk)
            )
            for text_hash, vector in self.session.execute(stmt):
                out[text_hash] = np.frombuffer(vector, dtype="<f4").copy()
        return out

    def put_many(self, model_name: str, items: dict[str, np.ndarray], entity: str = "text") -> None:
        known = self.get_many(model_name, list(items))
        for text_hash, vector in items.items():
            if text_hash in known:
                continue
            arr = np.asarray(vector, dtype="<f4")
            self.session.add(
                Embedding(
                    entity=entity,
                    model_name=model_name,
                    text_hash=text_hash,
                    dim=arr.shape[0],
                    vector=arr.tobytes(),
                )
            )
        self.session.flush()
