"""Region codes (``EU27``, ``ODA-eligible``, ...) as the curated ``regions.json`` lists them."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["load_regions"]


@lru_cache(maxsize=4)
def _read(path: str, mtime: float) -> dict[str, Any]:
    regions: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return regions


def load_regions(path: str | Path) -> dict[str, Any]:
    """Content of a ``regions.json``: ``{code: {"members": [...] | null, ...}}``.

    Read once per version of the file (re-read when it changes); callers only read it.
    """
    path = Path(path)
    return _read(str(path), path.stat().st_mtime)
