"""Throttles for sign-in and for anything that sends email."""

from flask import current_app, request

from civicnet.extensions import limiter


def _account_key() -> str:
    # Keyed on what was typed, whether or not an account has it, so the limit reveals nothing.
    return "sign-in:" + request.form.get("identifier", "").strip().lower()[:254]


def _failed(response) -> bool:
    """A sign-in that re-shows the form failed; a redirect succeeded and costs nothing."""
    return response.status_code != 302


SIGN_IN_MESSAGE = "Too many sign-in attempts. Wait 15 minutes, then try again, or reset your password."

sign_in_per_ip = limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_IP"],
    methods=["POST"],
    deduct_when=_failed,
    error_message=SIGN_IN_MESSAGE,
)
sign_in_per_account = limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    error_message=SIGN_IN_MESSAGE,
    scope="sign-in-account",
)


def sign_in_limits(view):
    """Limit failed sign-ins per address and per account."""
    return sign_in_per_ip(sign_in_per_account(view))


email_limit = limiter.limit(
    lambda: current_app.config["EMAIL_LIMIT_PER_IP"],
    methods=["POST"],
    error_message="You have asked for too many emails. Wait an hour, then try again.",
    scope="email",
)
