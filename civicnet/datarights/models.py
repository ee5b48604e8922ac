"""A member's data export: built by a background job, downloaded by its owner within 7 days."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db

QUEUED, BUILDING, READY, FAILED = "queued", "building", "ready", "failed"


class DataExport(db.Model):
    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    progress: Mapped[int] = mapped_column(default=0)  # percent
    file_name: Mapped[str | None] = mapped_column(String(80))  # random: in EXPORT_DIR
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped["User"] = relationship()  # noqa: F821

    @property
    def finished(self) -> bool:
        return self.status in (READY, FAILED)


class RightsRequest(db.Model):
    """A data rights request received outside civicnet (by email, post, phone or in person), on the
    one-month clock the law sets, which an administrator may extend by up to two months with notice."""

    __tablename__ = "rights_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    requester: Mapped[str] = mapped_column(String(200))  # who asked, and how to answer them
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    details: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    extended_to: Mapped[datetime | None] = mapped_column(UTCDateTime())
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped["User | None"] = relationship(foreign_keys=[member_id])  # noqa: F821

    @property
    def deadline(self) -> datetime:
        return self.extended_to or self.due_at

    def is_overdue(self, now: datetime) -> bool:
        return self.closed_at is None and self.deadline < now
