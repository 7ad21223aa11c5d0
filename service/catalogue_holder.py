"""The catalogue index of one worker, rebuilt when the store's catalogue changes.

Built lazily on the first request and reused. After a short time-to-live a fingerprint
query (a few ms) tells whether another worker or replica changed the catalogue; only
then is the index rebuilt, so its eligibility and history caches live on. A commit of
this worker that changed the catalogue has the index check at once (``watch_commits``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from db.repositories.fingerprint import catalogue_fingerprint
from db.tables import Cooperation, CooperationMember, CooperationSector, FundingScheme, Sector
from features.text import SentenceEmbedder
from models.advice.catalogue_index import CatalogueIndex, build_index

TTL_SECONDS = 30.0
# what catalogue_fingerprint reads, and the cooperation rows behind the histories
CATALOGUE_TABLES = (Sector, FundingScheme, Cooperation, CooperationMember, CooperationSector)
_CHANGED = "catalogue_changed"


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
            if index is not None and index.fingerprint == catalogue_fingerprint(session):
                self._index = replace(index, checked_at=time.monotonic())
            else:
                self._index = build_index(session, embedder, self._regions_path)
            return self._index

    def expire(self) -> None:
        """Compare the fingerprint on the next request (after a write that may change it)."""
        with self._lock:
            if self._index is not None:
                self._index = replace(self._index, checked_at=float("-inf"))


def watch_commits(factory: sessionmaker[Session], holder: CatalogueHolder) -> None:
    """Expire ``holder`` after every commit of ``factory``'s sessions that wrote catalogue rows.

    After the commit, not the flush: the fingerprint check must see the write, and a rolled-back
    write changes nothing.
    """

    @event.listens_for(factory, "after_flush")
    def _flushed(session: Session, _context: Any) -> None:
        if any(isinstance(o, CATALOGUE_TABLES) for o in chain(session.new, session.dirty, session.deleted)):
            session.info[_CHANGED] = True

    @event.listens_for(factory, "after_commit")
    def _committed(session: Session) -> None:
        if session.info.pop(_CHANGED, False):
            holder.expire()

    @event.listens_for(factory, "after_rollback")
    def _rolled_back(session: Session) -> None:
        session.info.pop(_CHANGED, None)
