"""Rooms, their members, messages and edit history."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db
from civicnet.tags.services import register_tag_use

PUBLIC = "public"
PRIVATE = "private"
# A direct conversation between a few members (civicnet.direct): a private room whose members are
# exactly its participants, so every rule for private rooms holds for it; nobody joins, leaves,
# manages or lists it, and its name is made from the participants' names for each viewer.
DIRECT = "direct"
PRIVATE_KINDS = (PRIVATE, DIRECT)
# The kinds a member can create from the room form.
ROOM_KINDS = {PUBLIC: "Public: any member can read and join", PRIVATE: "Private: members only, by invitation"}

# Message.moderation: None (visible), or one of these.
HIDDEN = "hidden"  # pending review, after several reports
REMOVED = "removed"  # by a moderator's decision
HELD = "held"  # by the word filter: only the author sees it until a moderator approves it


class Room(db.Model):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(10), default=PUBLIC)
    # Public rooms only: signed-out visitors may read.
    open_to_public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A mentoring room holds exactly its mentor and mentee: nobody adds or removes members.
    is_mentoring: Mapped[bool] = mapped_column(Boolean, default=False)

    created_by: Mapped["User | None"] = relationship()  # noqa: F821
    tags: Mapped[list["Tag"]] = relationship(secondary="room_tags", order_by="Tag.name")  # noqa: F821

    @property
    def is_private(self) -> bool:
        return self.kind in PRIVATE_KINDS

    @property
    def is_direct(self) -> bool:
        return self.kind == DIRECT

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class RoomTag(db.Model):
    __tablename__ = "room_tags"

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)


register_tag_use(RoomTag.__table__, "room_id")  # a tag merge moves these too


class Membership(db.Model):
    __tablename__ = "memberships"
    # Each new message asks who follows or muted its room (rooms/notifications.py).
    __table_args__ = (Index("ix_memberships_room_id_notify_level", "room_id", "notify_level"),)

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The newest message id this member has read; everything after it is unread.
    last_read_id: Mapped[int] = mapped_column(default=0)
    # follow: every message notifies; normal: mentions and replies; mute: nothing, not even a count.
    notify_level: Mapped[str] = mapped_column(String(10), default="normal", server_default="normal")


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_room_id_id", "room_id", "id"),
        # Sending is idempotent per author: a resent client_id finds the first message.
        UniqueConstraint("author_id", "client_id", name="uq_messages_author_id_client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str | None] = mapped_column(String(64))
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    # A reply's thread: the first message of its reply chain. The room lists only messages without one.
    thread_root_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    moderation: Mapped[str | None] = mapped_column(String(10))
    # The organisation a verified public servant spoke for (kept as it was then); None: speaking personally.
    speaking_for: Mapped[str | None] = mapped_column(String(100))
    # When it was last hidden, held or restored: a reconnecting client asks what changed since.
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When a reaction on it was last added or taken away: a reconnecting client asks what changed since.
    reactions_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    room: Mapped[Room] = relationship()
    author: Mapped["User"] = relationship(lazy="joined")  # noqa: F821
    reply_to: Mapped["Message | None"] = relationship(remote_side=[id], foreign_keys=[reply_to_id])
    # Loaded with every page of messages in one more query (a message's payload and markup show them).
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="message", order_by="Attachment.id", lazy="selectin"
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        """Not shown to the room: pending review, or removed by a moderator."""
        return self.moderation in (HIDDEN, REMOVED)

    @property
    def is_pending_review(self) -> bool:
        return self.moderation == HIDDEN

    @property
    def is_removed(self) -> bool:
        return self.moderation == REMOVED

    @property
    def is_held(self) -> bool:
        return self.moderation == HELD

    # A message's moderation state changes only here, in the caller's transaction; the caller
    # announces the change after the commit (civicnet.rooms.moderation_events).
    def hide(self) -> None:
        """Hidden pending review, after enough reports."""
        self.moderation, self.moderated_at = HIDDEN, utcnow()

    def remove(self) -> None:
        """Removed by a moderator's decision (which its author may appeal)."""
        self.moderation, self.moderated_at = REMOVED, utcnow()

    def hold(self) -> None:
        """Held by the word filter: only its author sees it until a moderator approves it."""
        self.moderation, self.moderated_at = HELD, utcnow()

    def restore(self) -> None:
        """Visible to the room again."""
        self.moderation, self.moderated_at = None, utcnow()


class MessageRevision(db.Model):
    """A message body as it was before an edit."""

    __tablename__ = "message_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Reaction(db.Model):
    """One member's reaction, one of civicnet.rooms.reactions.EMOJI, on one message."""

    __tablename__ = "message_reactions"
    __table_args__ = (
        UniqueConstraint("message_id", "user_id", "emoji", name="uq_message_reactions_message_id_user_id_emoji"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique constraint's index starts with message_id: a page's reactions are read through it.
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    emoji: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


IMAGE, FILE = "image", "file"


class Attachment(db.Model):
    """A file a member uploaded for a message (civicnet.rooms.attachments): stored under a random key
    (civicnet.storage), with a thumbnail if it is an image. Until its message is sent it belongs only to
    its uploader (message_id is None); one never sent is deleted after a day."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))  # as the uploader named it (cleaned), for people only
    kind: Mapped[str] = mapped_column(String(10))  # image or file
    content_type: Mapped[str] = mapped_column(String(100))  # of the stored file, as civicnet identified it
    size: Mapped[int] = mapped_column(Integer)  # of the stored file, in bytes
    key: Mapped[str] = mapped_column(String(80))
    thumbnail_key: Mapped[str | None] = mapped_column(String(80))
    thumbnail_width: Mapped[int | None] = mapped_column(Integer)
    thumbnail_height: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    message: Mapped[Message | None] = relationship(back_populates="attachments")

    @property
    def is_image(self) -> bool:
        return self.kind == IMAGE
