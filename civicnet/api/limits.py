"""How often token clients may read and write, per member and per address.

Counted in Flask-Limiter's store (memory, or Redis when REDIS_URL is set, so every process counts
together). Each allowance is shared by every endpoint of its kind: a client has one budget for
reads and one for writes, however it spreads them."""

from flask import current_app, g
from flask_limiter.util import get_remote_address

from civicnet.extensions import limiter

LIMIT_MESSAGE = "You have sent a lot of requests in a short time. Wait a moment (see Retry-After), then try again."


def _member_key() -> str:
    return f"member-{g.api_user.id}"


def _limits(kind: str):
    per_member = limiter.shared_limit(
        lambda: current_app.config[f"API_{kind}_LIMIT_PER_MEMBER"],
        scope=f"api-{kind.lower()}-member",
        key_func=_member_key,
        error_message=LIMIT_MESSAGE,
    )
    per_address = limiter.shared_limit(
        lambda: current_app.config[f"API_{kind}_LIMIT_PER_IP"],
        scope=f"api-{kind.lower()}-address",
        key_func=get_remote_address,
        error_message=LIMIT_MESSAGE,
    )
    return lambda view: per_address(per_member(view))


# Put under @token_required, so that the member is known when the limit is counted.
read_limits = _limits("READ")
write_limits = _limits("WRITE")
