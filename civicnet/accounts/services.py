"""Account rules: registration, verification, sign-in, suspensions and roles (changing a password or an
email address is in civicnet.accounts.credentials)."""

import re
from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from civicnet import audit, signals
from civicnet.accounts import passwords, tokens
from civicnet.accounts.models import ADMIN, ROLE_LABELS, ROLES, User
from civicnet.connections import authority_changed
from civicnet.db_types import utcnow
from civicnet.emails import send_email
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.transactions import commit, on_commit
from civicnet.urls import external_url

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{2,29}$")
RESERVED_USERNAMES = frozenset(
    {"admin", "administrator", "moderator", "civicnet", "support", "root", "system", "me", "edit", "new"}
)
SUSPENDED_NOTICE = "This account is suspended"


class Suspended(Forbidden):
    """The account is suspended; the message says why and until when."""

    code = "suspended"

    def __init__(self, message: str, user: User | None = None):
        super().__init__(message)
        self.user = user  # set only once the password was right, so it may be shown the statement of reasons


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_username(username: str) -> str:
    return username.strip().lower()


def find_user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalise_username(username)))


def usernames(ids) -> dict[int, str]:
    """Usernames by id as they are now, for the few screens that name people to staff (erased: a pseudonym)."""
    ids = set(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


class Leaving(Suspended):
    """The member asked to delete their account and the grace period runs: they may cancel it."""

    code = "leaving"


def is_suspended(user: User, now: datetime | None = None) -> bool:
    """True while a suspension is in force (no end date means until lifted)."""
    if user.suspended_at is None:
        return False
    return user.suspended_until is None or user.suspended_until > (now or utcnow())


def suspension_message(user: User) -> str:
    until = (
        "until further notice"
        if user.suspended_until is None
        else f"until {user.suspended_until:%-d %B %Y at %H:%M} UTC"
    )
    reason = (user.suspension_reason or "No reason was recorded").rstrip(". ")  # pages add their own full stop
    return f"{SUSPENDED_NOTICE} {until}. Reason: {reason}"


def check_username(username: str) -> str:
    """Return the stored form of a username, or raise Invalid saying what is wrong."""
    name = normalise_username(username)
    if not USERNAME_PATTERN.fullmatch(name):
        raise Invalid(
            "username",
            "Username must be 3 to 30 characters: letters, numbers, hyphens and underscores, starting with a letter or number",
        )
    if name in RESERVED_USERNAMES:
        raise Invalid("username", "That username is reserved. Choose another")
    return name


def register_user(
    *, username: str, email: str, display_name: str, password: str, role: str = "citizen", verified: bool = False
) -> User:
    """Create an account and email a verification link."""
    name = check_username(username)
    address = normalise_email(email)
    if role not in ROLES:
        raise Invalid("role", f"Role must be one of: {', '.join(ROLES)}")
    problem = passwords.password_problem(password, username=name, email=address)
    if problem:
        raise Invalid("password", problem)
    if find_user_by_username(name):
        raise Invalid("username", "That username is taken. Choose another")
    if find_user_by_email(address):
        raise Invalid("email", "An account already uses that email address. Sign in, or reset your password")
    user = User(
        username=name,
        email=address,
        display_name=display_name.strip(),
        password_hash=passwords.hash_password(password),
        role=role,
        email_verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    signals.member_registered.send(user)  # in the transaction: what receivers add (a profile) commits with it
    try:
        db.session.commit()
    except IntegrityError:
        # Two registrations raced for the same name or address: the loser gets the form error.
        db.session.rollback()
        raise Invalid("username", "That username or email address was just taken. Choose another") from None
    if not verified:
        send_verification_email(user)
    return user


def send_verification_email(user: User) -> None:
    """Email a link that proves the member owns their address."""
    token = tokens.make_token(tokens.VERIFY_EMAIL, {"uid": user.id, "email": user.email})
    link = external_url("accounts.verify_email", token=token)
    send_email(user.email, "confirm your email address", "accounts/email/verify", user=user, link=link)


def verify_email(token: str) -> User:
    """Mark the address in a verification link as confirmed."""
    payload = tokens.read_token(tokens.VERIFY_EMAIL, token, current_app.config["VERIFY_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload.get("uid")) if payload else None
    if user is None or user.email != payload.get("email"):
        raise Invalid(None, "This link has expired or is not valid. Sign in to get a new one")
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.commit()
    return user


def authenticate(identifier: str, password: str) -> User:
    """Return the member with these credentials; one message for every wrong guess, so none reveals an account."""
    key = identifier.strip().lower()
    user = db.session.scalar(select(User).where(or_(User.email == key, User.username == key)))
    if not passwords.verify_password(user.password_hash if user else None, password):
        raise Invalid("identifier", "Enter a correct email address or username and password")
    if user.erase_at is not None:
        raise Leaving(f"This account is being deleted on {user.erase_at:%-d %B %Y}", user)
    if is_suspended(user):
        raise Suspended(suspension_message(user), user)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        db.session.commit()
    return user


def set_role(actor: User | None, user: User, role: str, note: str = "") -> User:
    """Give a member a role. Only admins (or an operator at the command line, actor None) may."""
    if actor is not None and actor.role != ADMIN:
        raise Forbidden("Only admins can change roles")
    if actor is not None and actor.id == user.id:
        raise Forbidden("You cannot change your own role: ask another admin")
    if role not in ROLES:
        raise Invalid("role", f"Choose a role: {', '.join(ROLES)}")
    if role == user.role:
        raise Conflict(f"{user.username} is already a {ROLE_LABELS[role].lower()}")
    audit.record(actor, "set_role", subject=user, reason=role, note=f"{user.role} to {role}. {note}".strip())
    old_role, user.role = user.role, role
    authority_changed("role_changed", user_id=user.id)
    commit()
    signals.member_role_changed.send(user, old_role=old_role)
    return user


def apply_suspension(user: User, reason: str, until: datetime | None) -> None:
    """Mark the account suspended, in the caller's transaction; its connections close after the commit."""
    user.suspended_at = utcnow()
    user.suspended_until = until
    user.suspension_reason = reason.strip()[:500]
    authority_changed("suspended", user_id=user.id)
    on_commit(lambda: signals.member_suspended.send(user))


def end_suspension(user: User) -> None:
    """Lift the account's suspension, in the caller's transaction: the one place a suspension ends
    (an operator's command, a moderator's decision, an appeal upheld against it)."""
    user.suspended_at = user.suspended_until = user.suspension_reason = None
    on_commit(lambda: signals.member_suspension_lifted.send(user))


def suspend_user(actor: User | None, user: User, reason: str, until: datetime | None = None) -> User:
    """Suspend a member until a time, or until lifted; their sessions end at once (operators' command)."""
    if not reason.strip():
        raise Invalid("reason", "Enter a reason for the suspension")
    apply_suspension(user, reason, until)
    audit.record(actor, "suspend", subject=user, note=reason.strip())
    commit()
    return user


def lift_suspension(actor: User | None, user: User) -> User:
    """End a suspension (operators' command)."""
    end_suspension(user)
    audit.record(actor, "lift_suspension", subject=user)
    commit()
    return user


def get_user_or_404(username: str) -> User:
    user = find_user_by_username(username)
    if user is None:
        raise NotFound("No member has that username")
    return user


def role_choices() -> list[tuple[str, str]]:
    return [(role, ROLE_LABELS[role]) for role in ROLES]


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0
