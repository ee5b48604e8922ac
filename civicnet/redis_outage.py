"""Living through a Redis outage: fail fast, warn once, try again now and then, note when it is over.

Rate limits, presence and the Socket.IO queue each keep one RedisWatch and fall back to what this
process knows on its own while Redis is away."""

import logging
import time

from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)

# A command against an unreachable Redis fails at once instead of being retried for seconds (redis-py
# retries 10 times by default) while a member waits for an ack. A Redis that restarts is noticed too:
# the first command on the broken connection fails rather than silently reconnecting.
FAIL_FAST = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0, "retry": Retry(NoBackoff(), 0)}


UNAVAILABLE = object()  # what RedisWatch.attempt returns when the fallback must answer


class RedisWatch:
    """Whether one use of Redis is failing, and when to try it again."""

    def __init__(self, fallback: str, retry_after: float = 1.0):
        """:param fallback: what this use does meanwhile, for the log ("rate limits count in memory")."""
        self.fallback = fallback
        self.retry_after = retry_after
        self.down_since: float | None = None
        self._next_try = 0.0

    @property
    def is_down(self) -> bool:
        return self.down_since is not None

    def should_try(self) -> bool:
        """True unless Redis failed less than `retry_after` seconds ago (then use the fallback at once)."""
        return self.down_since is None or time.monotonic() >= self._next_try

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        if self.down_since is None:
            self.down_since = now
            log.warning("Redis is unreachable (%s): %s until it returns", error, self.fallback)
        self._next_try = now + self.retry_after

    def succeeded(self) -> None:
        if self.down_since is not None:
            log.info("Redis is back after %.1f s: %s no longer", time.monotonic() - self.down_since, self.fallback)
            self.down_since = None

    def attempt(self, operation, errors, reset):
        """operation(), or UNAVAILABLE while Redis is unreachable.

        After each failure `reset()` drops the client's pooled connections, and one failure is tried
        again at once: when Redis restarts, every connection made before fails once, while a new one
        works."""
        if not self.should_try():
            return UNAVAILABLE
        for _ in range(2):
            try:
                result = operation()
            except errors as error:
                failure = error
                reset()
                continue
            self.succeeded()
            return result
        self.failed(failure)
        return UNAVAILABLE
