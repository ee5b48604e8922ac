"""Sign-ins as server-side records: each browser sign-in gets a random key, kept (as a digest) in
`user_sessions` and carried in the session and remember-me cookies through `User.get_id()`."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from civicnet.accounts.models import User, UserSession
from civicnet.connections import authority_changed
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.transactions import commit


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# A visit is written at most this often per member: one small write, not one per request.
SEEN_EVERY = timedelta(minutes=5)


def begin_session(user: User) -> User:
    """Record a new sign-in for this member; call before flask_login.login_user."""
    key = secrets.token_urlsafe(24)
    db.session.add(UserSession(user_id=user.id, key_hash=digest(key)))
    db.session.commit()
    user.session_key = key
    note_visit(user)
    return user


def note_visit(user: User) -> None:
    """Remember that the member came by: signing in, or any page while signed in (the digest goes only
    to members who have not visited since the last one)."""
    now = utcnow()
    if user.last_seen_at is None or user.last_seen_at < now - SEEN_EVERY:
        db.session.execute(
            update(User).where(User.id == user.id).values(last_seen_at=now).execution_options(synchronize_session=False)
        )
        db.session.commit()
        set_committed_value(user, "last_seen_at", now)  # known now: no second write


def is_live(user_id: int, key: str) -> bool:
    """Whether this sign-in is still in force (not signed out)."""
    if not key:
        return False
    query = select(UserSession.id).where(
        UserSession.key_hash == digest(key), UserSession.user_id == user_id, UserSession.ended_at.is_(None)
    )
    return db.session.scalar(query) is not None


def end_session(user: User) -> None:
    """Sign out this sign-in: its cookies stop working and its live connections close."""
    if not user.session_key:
        return
    db.session.execute(
        update(UserSession)
        .where(UserSession.key_hash == digest(user.session_key), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    authority_changed("signed_out", session_key=digest(user.session_key))
    commit()
