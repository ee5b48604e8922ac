"""A direct conversation's participants, and who each member accepts direct messages from."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicnet.extensions import db

EVERYONE, SHARED_ROOM, NOBODY = "everyone", "rooms", "nobody"
ALLOW_FROM = {EVERYONE: "Everyone", SHARED_ROOM: "Members I share a room with", NOBODY: "Nobody"}
# As Slack's and Zulip's defaults keep strangers out: people you already meet in a room may write.
DEFAULT_ALLOW_FROM = SHARED_ROOM


class DirectConversation(db.Model):
    """The room that is the conversation between exactly these people."""

    __tablename__ = "direct_conversations"

    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    # The participants' ids, sorted and comma-separated (8 at most): writing to the same people again
    # finds this conversation, and two people starting it at the same moment make one, not two.
    participants: Mapped[str] = mapped_column(String(200), unique=True)

    room: Mapped["Room"] = relationship()  # noqa: F821


class MessagingSetting(db.Model):
    """Who may message a member directly, where it differs from the default."""

    __tablename__ = "direct_message_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    allow_from: Mapped[str] = mapped_column(String(10))
