"""Rate limits for Socket.IO events, in the same store as Flask-Limiter (memory, or Redis)."""

from functools import lru_cache

from flask import current_app
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from civicnet.errors import Invalid
from civicnet.redis_outage import FAIL_FAST, UNAVAILABLE, RedisWatch


class Limiter:
    """Sliding-window counters in the configured store, and in memory while Redis is unreachable.

    A sliding window counter keeps two fixed-window counts per key and weighs the previous one by how
    much of it still overlaps the window: constant cost per hit, unlike a moving window that stores
    every hit."""

    def __init__(self, uri: str):
        self.memory = SlidingWindowCounterRateLimiter(MemoryStorage())
        self.shared = None
        if not uri.startswith("memory://"):
            options = FAIL_FAST if uri.startswith(("redis://", "rediss://")) else {}
            storage = storage_from_string(uri, wrap_exceptions=True, **options)
            self.shared = SlidingWindowCounterRateLimiter(storage)
        self.watch = RedisWatch("rate limits count in this process's memory")

    def _reset(self) -> None:
        client = getattr(self.shared.storage, "storage", None)  # the redis.Redis of a Redis store
        if hasattr(client, "connection_pool"):
            client.connection_pool.disconnect()

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        if self.shared is not None:
            allowed = self.watch.attempt(lambda: self.shared.hit(item, *identifiers), StorageError, self._reset)
            if allowed is not UNAVAILABLE:
                return allowed
        return self.memory.hit(item, *identifiers)


_parse = lru_cache(maxsize=64)(parse)


def _limiter() -> Limiter:
    limiter = current_app.extensions.get("civicnet.ratelimit")
    if limiter is None:
        limiter = current_app.extensions["civicnet.ratelimit"] = Limiter(current_app.config["RATELIMIT_STORAGE_URI"])
    return limiter


def allow(action: str, who: str, limit: str) -> bool:
    """Count one `action` by `who`; False once `limit` (e.g. '10 per 10 seconds') is used up.

    A burst is let through up to the limit, then refused until the window has slid past enough hits."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    return _limiter().hit(_parse(limit), "civicnet", prefix, action, who)


class RateLimited(Invalid):
    code = "rate_limited"
    status = 429  # over HTTP (JSON); a form says it beside the field, as any other Invalid

    def __init__(self, action: str, limit: str):
        super().__init__(
            None, f"You are doing that too often ({action.replace('_', ' ')}: at most {limit}). Wait a moment"
        )


def check(action: str, who: str, limit: str) -> None:
    """Count one `action`; raise RateLimited once the limit is used up."""
    if not allow(action, who, limit):
        raise RateLimited(action, limit)
