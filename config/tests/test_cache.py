"""With Redis unreachable the cache answers "nothing cached" instead of raising."""

from config.cache import ResilientRedisCache


def _dead_cache():
    return ResilientRedisCache("redis://127.0.0.1:1/0", {})


def test_it_fails_open_when_redis_is_down():
    cache = _dead_cache()
    assert cache.add("token", 1, 60) is True
    assert cache.add("token", 1, 60) is True  # a repeat cannot be detected, but no error
    assert cache.get("missing", "fallback") == "fallback"
    cache.set("k", "v", 60)
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("k") is False
    assert cache.incr("counter") == 1


def test_it_works_normally_with_redis(require_redis):
    cache = ResilientRedisCache(require_redis, {})
    key = "config-tests:cache-probe"
    cache.delete(key)
    assert cache.add(key, 1, 60) is True
    assert cache.add(key, 1, 60) is False
    assert cache.incr(key) == 2
    cache.delete(key)
