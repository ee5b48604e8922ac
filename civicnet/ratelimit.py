"""Rate limits for Socket.IO events, in the same store as Flask-Limiter (memory, or Redis)."""

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from civicnet.errors import Invalid


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


class RateLimited(Invalid):
    code = "rate_limited"

    def __init__(self, action: str, limit: str):
        super().__init__(
            None, f"You are doing that too often ({action.replace('_', ' ')}: at most {limit}). Wait a moment"
        )


def check(action: str, who: str, limit: str) -> None:
    """Count one `action`; raise RateLimited once the limit is used up."""
    if not allow(action, who, limit):
        raise RateLimited(action, limit)
