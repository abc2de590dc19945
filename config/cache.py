"""A Redis cache that degrades instead of failing when Redis is down.

The cache only holds helpers (double-submit tokens, rate-limit counters): with Redis
unreachable, pages must still load and saves succeed (issue: broker outage), so every
operation falls back to "nothing cached" after a short connect timeout, and logs it.
"""

import functools
import logging

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# What each operation answers when Redis cannot be reached.
_FALLBACK = {
    "add": lambda *a, **k: True,  # fail open: a repeat is not detected
    "get": lambda key, default=None, *a, **k: default,
    "set": lambda *a, **k: None,
    "touch": lambda *a, **k: False,
    "delete": lambda *a, **k: False,
    "get_many": lambda *a, **k: {},
    "has_key": lambda *a, **k: False,
    "incr": lambda key, delta, *a, **k: delta,  # a counter that starts again
    "set_many": lambda *a, **k: [],
    "delete_many": lambda *a, **k: None,
    "clear": lambda *a, **k: None,
}


def _resilient(name, method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except redis.RedisError as exc:
            logger.warning("cache %s failed, Redis unreachable: %s", name, exc)
            return _FALLBACK[name](*args, **kwargs)

    return wrapper


class ResilientRedisCacheClient(RedisCacheClient):
    pass


for _name in _FALLBACK:
    setattr(
        ResilientRedisCacheClient,
        _name,
        _resilient(_name, getattr(RedisCacheClient, _name)),
    )


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params}
        params.setdefault("OPTIONS", {})
        params["OPTIONS"] = {
            "socket_connect_timeout": 0.5,
            "socket_timeout": 1,
            **params["OPTIONS"],
        }
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
