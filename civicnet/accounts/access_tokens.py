"""Personal access tokens for the API and sockets: stored only as hashes, revoked at once everywhere."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicnet.accounts.models import User
from civicnet.accounts.services import is_suspended
from civicnet.connections import authority_changed
from civicnet.db_types import UTCDateTime, utcnow
from civicnet.errors import Invalid, NotFound
from civicnet.extensions import db
from civicnet.transactions import commit

TOKEN_PREFIX = "cvn_"
MAX_TOKENS = 20


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    # SHA-256 of the token: a stolen database gives no usable tokens.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so people can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped["User"] = relationship()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(actor: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for the actor; the plain token is returned once and never stored."""
    name = " ".join((name or "").split())
    if not name:
        raise Invalid("name", "Enter a name for the token, such as the app that will use it")
    if len(name) > 60:
        raise Invalid("name", "Token name must be 60 characters or fewer")
    if len(active_tokens(actor)) >= MAX_TOKENS:
        raise Invalid("name", f"You have {MAX_TOKENS} tokens already. Revoke one you no longer use")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.id, name=name, token_hash=_digest(plain), prefix=plain[:10])
    db.session.add(token)
    db.session.commit()
    return token, plain


def active_tokens(user: User) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)
    return list(db.session.scalars(query))


def revoke_token(actor: User, token_id: int) -> None:
    """Revoke one of the actor's own tokens; revoking twice changes nothing."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound("That token does not exist")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        authority_changed("token_revoked", token_id=token.id)
        commit()


def token_for(plain) -> ApiToken | None:
    """The live token with this value, or None (unknown, revoked, or the member is suspended)."""
    if not isinstance(plain, str) or not plain.startswith(TOKEN_PREFIX) or len(plain) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(plain)))
    if token is None or not is_token_live(token):
        return None
    now = utcnow()
    # Record use at most once a minute, so a busy client does not write on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        db.session.commit()
    return token


def is_token_live(token: ApiToken | None) -> bool:
    return token is not None and token.revoked_at is None and not is_suspended(token.user)


def user_for_token(plain) -> User | None:
    """The member a live token belongs to, or None."""
    token = token_for(plain)
    return token.user if token else None
