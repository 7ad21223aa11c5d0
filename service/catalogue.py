"""The catalogue index of one worker, rebuilt when the store's catalogue changes.

Built lazily on the first request and reused; a cheap fingerprint query (plus a short
time-to-live for edits of existing records) tells when to rebuild.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy.orm import Session

from db import repositories
from features.text import SentenceEmbedder
from models.catalogue_index import CatalogueIndex, build_index

TTL_SECONDS = 30.0


class CatalogueHolder:
    """One index per worker; rebuilt when the fingerprint changes or the TTL has passed."""

    def __init__(self, regions_path: Path) -> None:
        self._regions_path = regions_path
        self._lock = threading.Lock()
        self._index: CatalogueIndex | None = None

    def get(self, session: Session, embedder: SentenceEmbedder) -> CatalogueIndex:
        index = self._index
        if index is not None and time.monotonic() - index.built_at < TTL_SECONDS:
            return index
        with self._lock:
            index = self._index
            fingerprint = repositories.catalogue_fingerprint(session)
            if index is not None and index.fingerprint == fingerprint:
                if time.monotonic() - index.built_at < TTL_SECONDS:
                    return index
            self._index = build_index(session, embedder, self._regions_path)
            return self._index
