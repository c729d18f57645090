"""The per-worker LRU behind the training counts and the staff list's page keys."""

from app.util.lru import LruCache


def test_the_least_recently_used_entry_leaves_first():
    cache: LruCache[int] = LruCache(2)
    cache.set("a", 1)
    cache.set("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache.set("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c"), len(cache)) == (1, 3, 2)
    cache.set("a", 10)  # replacing keeps one entry
    assert cache.get("a") == 10 and len(cache) == 2
    cache.clear()
    assert len(cache) == 0 and cache.get("a") is None
