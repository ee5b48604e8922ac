"""Column types shared by every capability, and the append-only rule of the audit and access logs."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, event
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp always stored and returned in UTC, even on SQLite, which forgets the zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use civicnet.db_types.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    """A UTC time as clients read it: ISO 8601 with a Z."""
    return value.isoformat().replace("+00:00", "Z") if value else None


class AppendOnlyError(RuntimeError):
    """A flush would change or delete a row of an append-only table (the audit and access logs)."""


class AppendOnly:
    """Mixin for models whose rows are only ever inserted. A flush that would change or delete one
    raises; each table's database triggers (in its migration) refuse UPDATE and DELETE from anywhere."""


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, flush_context, instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AppendOnly):
            raise AppendOnlyError(f"{obj.__tablename__} rows cannot be changed or deleted")
