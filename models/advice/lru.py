"""A small bounded mapping that forgets the least recently used entry."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class LRUCache(OrderedDict):
    """Dict-like cache of at most ``maxsize`` entries; ``get`` refreshes an entry.

    Shared by a worker's request threads: a concurrent eviction only turns a hit
    into a miss, never into an error.
    """

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def get(self, key: Hashable, default: Any = None) -> Any:
        try:
            self.move_to_end(key)
            return self[key]
        except KeyError:
            return default

    def __setitem__(self, key: Hashable, value: Any) -> None:
        super().__setitem__(key, value)
        try:
            self.move_to_end(key)
        except KeyError:  # evicted by another thread meanwhile
            pass
        while len(self) > self.maxsize:
            try:
                self.popitem(last=False)
            except KeyError:
                break
