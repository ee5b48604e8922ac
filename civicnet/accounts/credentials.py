"""Changing a member's credentials: their password (knowing it, or by an emailed reset link) and their
email address (confirmed from the new address, the old one told)."""

from flask import current_app

from civicnet import signals
from civicnet.accounts import passwords, tokens
from civicnet.accounts.models import User
from civicnet.accounts.services import find_user_by_email, normalise_email
from civicnet.connections import authority_changed
from civicnet.db_types import utcnow
from civicnet.emails import send_email
from civicnet.errors import Invalid
from civicnet.extensions import db
from civicnet.transactions import commit
from civicnet.urls import external_url


def change_password(actor: User, current_password: str, new_password: str) -> None:
    """Change the actor's password and sign out their other sessions."""
    if not passwords.verify_password(actor.password_hash, current_password):
        raise Invalid("current_password", "Your current password is incorrect")
    problem = passwords.password_problem(new_password, username=actor.username, email=actor.email)
    if problem:
        raise Invalid("new_password", problem)
    actor.password_hash = passwords.hash_password(new_password)
    actor.session_version += 1
    authority_changed("password_changed", user_id=actor.id)  # sockets of the old sessions; this browser reconnects
    commit()
    send_email(actor.email, "your password was changed", "accounts/email/password_changed", user=actor)


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None:
        return
    # The hash fragment makes the link single-use: it dies as soon as the password changes.
    token = tokens.make_token(tokens.RESET_PASSWORD, {"uid": user.id, "pw": user.password_hash[-16:]})
    link = external_url("accounts.reset_password", token=token)
    send_email(
        user.email,
        "reset your password",
        "accounts/email/reset",
        user=user,
        link=link,
        minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60,
    )


def user_for_reset_token(token: str) -> User:
    """Return the member a reset link belongs to, or raise if it is expired or used."""
    payload = tokens.read_token(tokens.RESET_PASSWORD, token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload.get("uid")) if payload else None
    if user is None or user.password_hash[-16:] != payload.get("pw"):
        raise Invalid(None, "This reset link has expired or has already been used. Ask for a new one")
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; following the link also proves the address."""
    user = user_for_reset_token(token)
    problem = passwords.password_problem(new_password, username=user.username, email=user.email)
    if problem:
        raise Invalid("password", problem)
    user.password_hash = passwords.hash_password(new_password)
    user.session_version += 1
    user.email_verified_at = user.email_verified_at or utcnow()
    authority_changed("password_reset", user_id=user.id)
    commit()
    return user


def request_email_change(actor: User, password: str, new_email: str) -> None:
    """Send a confirmation link to a new address; the change happens when it is followed."""
    if not passwords.verify_password(actor.password_hash, password):
        raise Invalid("password", "Your password is incorrect")
    address = normalise_email(new_email)
    if address == actor.email:
        raise Invalid("email", "That is already your email address")
    if find_user_by_email(address):
        raise Invalid("email", "An account already uses that email address")
    actor.pending_email = address
    db.session.commit()
    token = tokens.make_token(tokens.CHANGE_EMAIL, {"uid": actor.id, "email": address})
    link = external_url("accounts.confirm_email_change", token=token)
    send_email(address, "confirm your new email address", "accounts/email/change_email", user=actor, link=link)


def confirm_email_change(token: str) -> User:
    """Switch to the new address from a confirmation link, and tell the old one."""
    payload = tokens.read_token(tokens.CHANGE_EMAIL, token, current_app.config["VERIFY_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload.get("uid")) if payload else None
    if user is None or user.pending_email != payload.get("email"):
        raise Invalid(None, "This link has expired or is not valid. Ask for a new one from your account page")
    if find_user_by_email(user.pending_email):
        raise Invalid(None, "Another account now uses that email address")
    old_address, user.email = user.email, user.pending_email
    user.pending_email = None
    user.email_verified_at = utcnow()
    signals.member_email_changed.send(user, old_email=old_address)  # in the transaction (verification may end)
    authority_changed("email_changed", user_id=user.id)
    commit()
    send_email(old_address, "your email address was changed", "accounts/email/email_changed", user=user)
    return user
