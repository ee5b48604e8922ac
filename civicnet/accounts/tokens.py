"""Signed, time-limited tokens for the links civicnet emails."""

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"
CHANGE_EMAIL = "change-email"
CANCEL_LEAVING = "cancel-leaving"  # shown at sign-in to a member whose account is being deleted


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"civicnet-{purpose}")


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    """Sign payload for one purpose; a token for one purpose is useless for another."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict[str, Any] | None:
    """Return the payload, or None if the token is forged, for another purpose or too old."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    return payload if isinstance(payload, dict) else None
