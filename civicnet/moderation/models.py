"""Reports, moderation actions, mutes, appeals and the word filter."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db

# Item types moderation acts on by name (each is registered by its capability in civicnet.reportables).
MESSAGE = "message"
ROOM = "room"

OPEN = "open"
RESOLVED = "resolved"


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        # One open report per person per item; civicnet's own reports (reporter NULL) are not limited.
        Index(
            "uq_reports_open_per_reporter",
            "reporter_id",
            "item_type",
            "item_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_reports_status_item", "status", "item_type", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: filed by civicnet's word filter.
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_type: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_action_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_actions.id", ondelete="SET NULL"))

    reporter: Mapped["User | None"] = relationship()  # noqa: F821


class ModerationAction(db.Model):
    __tablename__ = "moderation_actions"
    __table_args__ = (
        Index("ix_moderation_actions_item", "item_type", "item_id"),
        Index("ix_moderation_actions_subject_id", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # None: civicnet itself (auto-hide).
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_type: Mapped[str | None] = mapped_column(String(20))
    item_id: Mapped[int | None] = mapped_column()
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))  # a mute's room
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the action replaced (an edited room's old name), so a reversal can put it back.
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    moderator: Mapped["User | None"] = relationship(foreign_keys=[moderator_id])  # noqa: F821
    subject: Mapped["User | None"] = relationship(foreign_keys=[subject_id])  # noqa: F821
    room: Mapped["Room | None"] = relationship()  # noqa: F821
    appeal: Mapped["Appeal | None"] = relationship(back_populates="action", uselist=False)


class Mute(db.Model):
    """A member may not post in one room (room_id) or anywhere (room_id NULL) until `until` (NULL: lifted by hand)."""

    __tablename__ = "mutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    action_id: Mapped[int] = mapped_column(ForeignKey("moderation_actions.id", ondelete="CASCADE"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    room: Mapped["Room | None"] = relationship()  # noqa: F821


class Appeal(db.Model):
    __tablename__ = "appeals"
    __table_args__ = (UniqueConstraint("action_id", name="uq_appeals_action_id"),)  # once per action

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("moderation_actions.id", ondelete="CASCADE"))
    appellant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(10))
    decision_note: Mapped[str] = mapped_column(Text, default="")

    action: Mapped[ModerationAction] = relationship(back_populates="appeal")
    appellant: Mapped["User"] = relationship(foreign_keys=[appellant_id])  # noqa: F821
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821


class WordFilter(db.Model):
    __tablename__ = "word_filters"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; matched case-insensitively on word boundaries.
    phrase: Mapped[str] = mapped_column(String(100), unique=True)
    action: Mapped[str] = mapped_column(String(10))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
