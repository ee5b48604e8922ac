"""Rate limits for Socket.IO events, in the same store as Flask-Limiter (memory, or Redis)."""

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


def _limiter() -> MovingWindowRateLimiter:
    limiter = current_app.extensions.get("civicnet.ratelimit")
    if limiter is None:
        storage = storage_from_string(current_app.config["RATELIMIT_STORAGE_URI"])
        limiter = current_app.extensions["civicnet.ratelimit"] = MovingWindowRateLimiter(storage)
    return limiter


def allow(action: str, who: str, limit: str) -> bool:
    """Count one `action` by `who`; False once `limit` (e.g. '10 per 10 seconds') is used up.

    A moving window lets a burst through up to the limit, then refuses until old hits age out."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    return _limiter().hit(parse(limit), "civicnet", prefix, action, who)
