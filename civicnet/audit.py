"""The append-only audit log: every moderation action, appeal and role change.

Rows hold ids and usernames, not foreign keys, so deleting a member can never cascade into the log.
The application only ever inserts: a flush that would change or delete a row raises, and database
triggers (see the migration) refuse UPDATE and DELETE from anywhere else."""

from datetime import datetime

from sqlalchemy import Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from civicnet.db_types import AppendOnly, UTCDateTime, utcnow
from civicnet.extensions import db


class AuditEntry(AppendOnly, db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject_id", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # None: civicnet itself (auto-hide, word filter) or an operator at the command line.
    actor_id: Mapped[int | None] = mapped_column()
    actor_username: Mapped[str | None] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column()
    subject_username: Mapped[str | None] = mapped_column(String(30))
    item_type: Mapped[str | None] = mapped_column(String(20))
    item_id: Mapped[int | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")


def record(
    actor,
    action: str,
    *,
    subject=None,
    item_type: str | None = None,
    item_id: int | None = None,
    reason: str | None = None,
    note: str = "",
) -> AuditEntry:
    """Add an entry to the caller's transaction (it commits with the change it describes)."""
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor_username=actor.username if actor else None,
        action=action,
        subject_id=subject.id if subject else None,
        subject_username=subject.username if subject else None,
        item_type=item_type,
        item_id=item_id,
        reason=reason,
        note=note or "",
    )
    db.session.add(entry)
    return entry


def newest_page(per_page: int = 50):
    """One page of the whole log, newest first (admins read it)."""
    return db.paginate(select(AuditEntry).order_by(AuditEntry.id.desc()), per_page=per_page, error_out=False)


def entries_about(user_id: int) -> list[AuditEntry]:
    """Every entry whose subject is this member, newest first (they read their own)."""
    query = select(AuditEntry).where(AuditEntry.subject_id == user_id).order_by(AuditEntry.id.desc())
    return list(db.session.scalars(query))
