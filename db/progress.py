"""Stages of long work (import, train, evaluate): when each starts and ends, its counts and seconds.

Library code only marks its stages here; who runs it chooses how they are shown. By default a
stage is two log lines on the ``partnermatch.progress`` logger, structured through ``fields``
as ``service/logs.py`` formats them. The CLI swaps in a rich display on a terminal
(``service/progress.py``). It sits in ``db/``, the lowest layer, because the importers,
features and models all mark stages and none of them may import ``service/``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

logger = logging.getLogger("partnermatch.progress")


class Reporter(Protocol):
    def start(self, stage: Stage) -> None: ...

    def advance(self, stage: Stage, n: int) -> None: ...

    def end(self, stage: Stage, *, failed: bool) -> None: ...


class Stage:
    """One running stage: its name, a total to count towards (if known) and counts found on the way."""

    def __init__(self, name: str, total: int | None, counts: dict[str, object], reporter: Reporter) -> None:
        self.name = name
        self.total = total
        self.counts = counts
        self.done = 0
        self.started = time.perf_counter()
        self.elapsed = 0.0
        self._reporter = reporter

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._reporter.advance(self, n)

    def count(self, **counts: object) -> None:
        """Counts known only once the work is under way (rows built, records inserted)."""
        self.counts.update(counts)


class LogReporter:
    """Stage start and end as log lines; advances are not logged (too many lines for a log)."""

    def start(self, stage: Stage) -> None:
        fields = {"stage": stage.name, "event": "start", **stage.counts}
        if stage.total is not None:
            fields["total"] = stage.total
        logger.info("%s started", stage.name, extra={"fields": fields})

    def advance(self, stage: Stage, n: int) -> None:
        pass

    def end(self, stage: Stage, *, failed: bool) -> None:
        fields = {"stage": stage.name, "event": "failed" if failed else "end", **stage.counts}
        if stage.total is not None:
            fields.update(total=stage.total, done=stage.done)
        fields["elapsed_s"] = round(stage.elapsed, 2)
        level = logging.WARNING if failed else logging.INFO
        verb = "failed" if failed else "done"
        logger.log(level, "%s %s in %.1f s", stage.name, verb, stage.elapsed, extra={"fields": fields})


_LOG = LogReporter()
_reporter: ContextVar[Reporter | None] = ContextVar("progress_reporter", default=None)


@contextmanager
def stage(name: str, *, total: int | None = None, **counts: object) -> Iterator[Stage]:
    """Mark a stage of work: ``with stage("warm rows") as s: ...; s.count(rows=len(X))``."""
    reporter = _reporter.get() or _LOG
    current = Stage(name, total, dict(counts), reporter)
    reporter.start(current)
    failed = True
    try:
        yield current
        failed = False
    finally:
        current.elapsed = time.perf_counter() - current.started
        reporter.end(current, failed=failed)


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    """Show the stages marked inside this block with ``reporter``."""
    token = _reporter.set(reporter)
    try:
        yield reporter
    finally:
        _reporter.reset(token)
