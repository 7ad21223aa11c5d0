"""The catalogue index of one worker, rebuilt when the store's catalogue changes.

Built lazily on the first request and reused. After a short time-to-live a fingerprint
query (a few ms) tells whether another worker or replica changed the catalogue; only
then is the index rebuilt, so its eligibility and history caches live on. A worker that
writes a cooperation or a scheme itself checks at once (``commit_and_expire``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

from fastapi import Request
from sqlalchemy.orm import Session

from db import repositories
from features.text import SentenceEmbedder
from models.advice.catalogue_index import CatalogueIndex, build_index

TTL_SECONDS = 30.0


class CatalogueHolder:
    """One index per worker; checked when the TTL has passed, rebuilt when the fingerprint changed."""

    def __init__(self, regions_path: Path) -> None:
        self._regions_path = regions_path
        self._lock = threading.Lock()
        self._index: CatalogueIndex | None = None

    def get(self, session: Session, embedder: SentenceEmbedder) -> CatalogueIndex:
        index = self._index
        if index is not None and time.monotonic() - index.checked_at < TTL_SECONDS:
            return index
        with self._lock:
            index = self._index
            if index is not None and time.monotonic() - index.checked_at < TTL_SECONDS:
                return index  # another thread has just checked
            if index is not None and index.fingerprint == repositories.catalogue_fingerprint(session):
                self._index = replace(index, checked_at=time.monotonic())
            else:
                self._index = build_index(session, embedder, self._regions_path)
            return self._index

    def expire(self) -> None:
        """Compare the fingerprint on the next request (after a write that may change it)."""
        with self._lock:
            if self._index is not None:
                self._index = replace(self._index, checked_at=float("-inf"))


def commit_and_expire(request: Request, session: Session) -> None:
    """Commit a catalogue write, then have this worker's index compare its fingerprint at once.

    Committed first, so that the check sees the write.
    """
    session.commit()
    request.app.state.catalogue.expire()
