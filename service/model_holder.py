"""The served model of one worker, swapped atomically when another version is promoted.

Each request reads ``holder.current`` once and keeps that reference, so requests in
flight finish on the old model while new ones get the new one. A daemon thread polls
the registry (a cheap query) so every worker and replica follows a promotion.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.repositories import model_versions
from features.language import detector
from models import registry
from models.advice.lru import LRUCache
from service.logs import log_fields

logger = logging.getLogger(__name__)


NEEDS_CACHE_SIZE = 4096
# One helper thread per process embeds a request's needs text while the ranker computes the
# features that do not read it: the two are independent and each takes about as long.
_EMBEDDING_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="needs-embedding")


def embed_in_background(embedder, text: str, *, keep: Callable[[np.ndarray], None] | None = None) -> Future:
    """Embed one needs text on the helper thread; the ranker takes the future as ``needs_embedding``.

    ``keep`` receives the embedding (to cache it) before the future is done.
    """
    if not hasattr(embedder, "encoder_"):
        embedder.fit()

    def embed() -> np.ndarray:
        v = embedder.transform([text])[0]
        if keep is not None:
            keep(v)
        return v

    return _EMBEDDING_THREAD.submit(embed)


@dataclass(frozen=True)
class LoadedModel:
    version: str
    sha256: str
    model: Any
    # needs text -> embedding; planners and widgets resend the same texts
    needs_cache: LRUCache = field(
        default_factory=lambda: LRUCache(NEEDS_CACHE_SIZE), compare=False, repr=False
    )

    @classmethod
    def from_registry(cls, session: Session, version: str, *, cache_dir: Path | None = None) -> LoadedModel:
        """``version`` of the registry loaded and prepared for serving (as the API serves it)."""
        row = model_versions.get_version(session, version=version)
        if row is None:
            raise LookupError(f"model version {version!r} does not exist")
        model = registry.load_model(session, version, cache_dir)
        _prepare_for_serving(model)
        return cls(version, row.artifact_sha256 or "", model)

    def embed_needs(self, text: str) -> np.ndarray | Future | None:
        """The needs text's embedding, or a future of it while the helper thread embeds it.

        None for an empty text or a model without an encoder. Pass the result to the ranker
        as it is (it computes the other features meanwhile); read it with :func:`resolved`.
        """
        embedder = getattr(self.model, "embedder", None)
        if not text.strip() or embedder is None:
            return None
        found = self.needs_cache.get(text)
        if found is None:
            found = embed_in_background(embedder, text, keep=lambda v: self.needs_cache.__setitem__(text, v))
        return found


def resolved(embedding: np.ndarray | Future | None) -> np.ndarray | None:
    """An embedding from :meth:`LoadedModel.embed_needs`, waited for if it is still computed."""
    return embedding.result() if isinstance(embedding, Future) else embedding


class ModelHolder:
    def __init__(
        self, factory: sessionmaker[Session], *, cache_dir: Path | None, poll_seconds: float
    ) -> None:
        self._factory = factory
        self._cache_dir = cache_dir
        self._poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.current: LoadedModel | None = None
        self.last_error: str | None = None

    def refresh(self) -> bool:
        """Load the promoted version if it differs from the served one; True when swapped."""
        with self._lock:
            with self._factory() as session:
                ref = registry.promoted(session)
                if ref is None or (
                    self.current and (self.current.version, self.current.sha256) == (ref.version, ref.sha256)
                ):
                    return False
                loaded = LoadedModel.from_registry(session, ref.version, cache_dir=self._cache_dir)
            previous = self.current.version if self.current else None
            gc.unfreeze()  # the previous model's objects become collectable again
            self.current = loaded  # one reference assignment: atomic
            self.last_error = None
            keep_out_of_collections()
        log_fields(logger, logging.INFO, "model swapped", previous=previous, version=ref.version)
        return True

    def start(self) -> None:
        try:
            self.refresh()
        except Exception as exc:  # a broken artifact must not stop the API from starting
            self.last_error = str(exc)
            logger.exception("could not load the promoted model")
        self._thread = threading.Thread(target=self._poll, name="model-poller", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _poll(self) -> None:
        while not self._stop.wait(self._poll_seconds):
            try:
                self.refresh()
            except OperationalError as exc:  # the database is down: say so once a poll, no traceback
                self.last_error = str(exc.orig).strip()
                log_fields(logger, logging.WARNING, "model poll: database unavailable", error=self.last_error,
                           serving=self.current.version if self.current else None)  # fmt: skip
            except Exception as exc:
                self.last_error = str(exc)
                logger.exception(
                    "model refresh failed; still serving %s", self.current.version if self.current else None
                )


def keep_out_of_collections() -> None:
    """Freeze the objects alive now (a just loaded model) so the garbage collector skips them.

    A model holds ~0.5 M Python objects: every full collection would walk them (~0.3 s, every few
    dozen requests). Frozen, they are left out; reference counting still frees them when a later
    swap drops the last reference.
    """
    gc.collect()
    gc.freeze()


def _prepare_for_serving(model: Any) -> None:
    """One thread per request: workers already use the cores, and small batches gain nothing."""
    for name in (
        "warm_model_",
        "cold_model_",
        "theme_model_",
        "warm_candidates_",
        "cold_candidates_",
        "theme_candidates_",
    ):
        booster = getattr(model, name, None)
        if booster is not None:
            booster.set_params(n_jobs=1)
    embedder = getattr(model, "embedder", None)
    if embedder is not None and not hasattr(embedder, "encoder_"):
        embedder.fit()  # load the encoder now rather than on the first request
    detector()  # and the needs' language detector, once per process (features/language.py)
