"""The member account."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db

CITIZEN = "citizen"
PUBLIC_SERVANT = "public_servant"
MODERATOR = "moderator"
ADMIN = "admin"
ROLES = (CITIZEN, PUBLIC_SERVANT, MODERATOR, ADMIN)
ROLE_LABELS = {
    CITIZEN: "Citizen",
    PUBLIC_SERVANT: "Public servant",
    MODERATOR: "Moderator",
    ADMIN: "Admin",
}


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so uniqueness is case-insensitive on every database.
    username: Mapped[str] = mapped_column(String(30), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=CITIZEN, index=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pending_email: Mapped[str | None] = mapped_column(String(254))
    # Bumped on password change: every other signed-in session and remember-me cookie stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspension_reason: Mapped[str | None] = mapped_column(String(500))
    # Set while a verification as a public servant is in force (see civicnet.verification), so every
    # place that shows a name can show the badge without another query.
    verified_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_organisation: Mapped[str | None] = mapped_column(String(100))
    # Leaving (civicnet.datarights.leaving): set when the member asks to delete their account; the
    # account is suspended until erase_at, and erased then unless they sign in and cancel.
    erase_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    messages_on_leaving: Mapped[str | None] = mapped_column(String(10))  # "keep" or "remove"
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Their photo (civicnet.profiles.photos), square, at 256 and 96 pixels: stored files' keys
    # (civicnet.storage), here so that every place that shows a name can show the photo without a query.
    photo_key: Mapped[str | None] = mapped_column(String(80))
    photo_small_key: Mapped[str | None] = mapped_column(String(80))
    # The member's last visit (to a few minutes): the digest goes only to those who have not come back.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    profile: Mapped["Profile"] = relationship(back_populates="user", uselist=False, cascade="all, delete-orphan")  # noqa: F821

    # The sign-in this object was loaded for (see accounts.sessions); not a column.
    session_key = None

    def get_id(self) -> str:
        """'<id>.<session version>.<sign-in key>': what the session and remember-me cookies hold."""
        return f"{self.id}.{self.session_version}.{self.session_key or ''}"

    @property
    def is_verified_email(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_verified_public_servant(self) -> bool:
        return self.verified_until is not None and self.verified_until > utcnow()

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserSession(db.Model):
    """One sign-in on one device. Signing out ends it server-side, so a copied session or
    remember-me cookie stops working at once; the key itself is never stored, only its digest."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
