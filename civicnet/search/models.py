"""The search outbox: what changed and still has to reach the index."""

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db

PERSON = "person"
ROOM = "room"
MESSAGE = "message"
TECHNOLOGY = "technology"  # an entry in the technology register
# Expanded by the indexer: every member and room holding a tag, or every message in a room.
TAG = "tag"
ROOM_MESSAGES = "room_messages"


class SearchChange(db.Model):
    """A row per changed object, written in the same transaction as the change.

    The indexer deletes the rows it has indexed rather than remembering the last id it saw:
    PostgreSQL can commit a smaller id after a larger one, and a high-water mark would skip it."""

    __tablename__ = "search_changes"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
