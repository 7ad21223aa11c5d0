from models.advice.lru import LRUCache


def test_lru_keeps_the_most_recently_used_entries() -> None:
    cache = LRUCache(maxsize=2)
    cache["a"], cache["b"] = 1, 2
    assert cache.get("a") == 1  # "a" is now the most recent
    cache["c"] = 3
    assert list(cache) == ["a", "c"] and cache.get("b") is None
    assert cache.get("missing", "default") == "default"
    cache["a"] = 10  # overwriting refreshes, never grows past maxsize
    cache["d"] = 4
    assert dict(cache) == {"a": 10, "d": 4}
