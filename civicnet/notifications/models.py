"""The notification record: who, what kind, and the id of what it is about (its kind says of what)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db

# What became of a notification sent to the email channel.
EMAIL_PENDING, EMAIL_SENT, EMAIL_READ, EMAIL_FOLDED = None, "sent", "read", "folded"


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
        Index("ix_notifications_email_due_at", "email_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    # A message, a moderation action, a mentoring request...: the kind's renderer knows which. No
    # foreign key, so a new capability adds a kind without a column; a subject that is gone is skipped.
    subject_id: Mapped[int] = mapped_column()
    # What it belongs to, for grouping on the page and in one email: "room:12", "mentoring:3".
    conversation: Mapped[str] = mapped_column(String(40), default="")
    # The member's channel for its event when it was made: site, email or digest.
    channel: Mapped[str] = mapped_column(String(10), default="site")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Email channel: when it is emailed if still unread, and what became of it (EMAIL_*).
    email_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_state: Mapped[str | None] = mapped_column(String(10))
    # When a digest carried it (a digest never carries a notification twice).
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped["User"] = relationship()  # noqa: F821
