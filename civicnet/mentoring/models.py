"""Mentoring offers, what a member wants to learn, and requests from mentee to mentor."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db
from civicnet.tags.services import register_tag_use

PENDING = "pending"
ACCEPTED = "accepted"
DECLINED = "declined"
COMPLETED = "completed"
CANCELLED = "cancelled"
EXPIRED = "expired"
STATES = (PENDING, ACCEPTED, DECLINED, COMPLETED, CANCELLED, EXPIRED)


class Offer(db.Model):
    """One per mentor: what they help with, and how many mentees at once."""

    __tablename__ = "mentoring_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    description: Mapped[str] = mapped_column(Text)
    calls_note: Mapped[str] = mapped_column(String(300), default="")  # chat is in civicnet; calls are optional
    availability: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int] = mapped_column(default=1)
    # Kept in step with accepted requests; the capacity check is one conditional UPDATE on it.
    active_mentees: Mapped[int] = mapped_column(default=0)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    mentor: Mapped["User"] = relationship()  # noqa: F821
    tags: Mapped[list["Tag"]] = relationship(secondary="mentoring_offer_tags", order_by="Tag.name")  # noqa: F821

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.active_mentees, 0)


class OfferTag(db.Model):
    __tablename__ = "mentoring_offer_tags"

    offer_id: Mapped[int] = mapped_column(ForeignKey("mentoring_offers.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)


register_tag_use(OfferTag.__table__, "offer_id")  # a tag merge moves these too


class LearningGoal(db.Model):
    """What a member wants to learn: a paragraph, and the tags from their profile's "I want to learn"."""

    __tablename__ = "learning_goals"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    description: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class MentoringRequest(db.Model):
    __tablename__ = "mentoring_requests"
    __table_args__ = (
        Index("ix_mentoring_requests_mentee_status", "mentee_id", "status"),
        Index("ix_mentoring_requests_mentor_status", "mentor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("mentoring_offers.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expiry_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # After completion: the mentee's feedback (seen by the mentor and admins) and the mentor's summary.
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    feedback: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")

    offer: Mapped[Offer] = relationship()
    mentor: Mapped["User"] = relationship(foreign_keys=[mentor_id])  # noqa: F821
    mentee: Mapped["User"] = relationship(foreign_keys=[mentee_id])  # noqa: F821
    room: Mapped["Room | None"] = relationship()  # noqa: F821

    def involves(self, user) -> bool:
        return user is not None and getattr(user, "id", None) in (self.mentor_id, self.mentee_id)
