"""An erased member's messages: kept as a former member's, or removed at their request (replies and
quotes show the removal, since they show the message's text), and their room memberships end. The
files they attached go either way (their files once the erasure commits)."""

from sqlalchemy import delete, select

from civicnet import signals
from civicnet.extensions import db
from civicnet.rooms.attachments import delete_attachments
from civicnet.rooms.models import Attachment, Membership, Message, MessageRevision
from civicnet.text import render_markdown

REMOVED = "Message removed at the author's request"


@signals.member_erased.connect
def _erase(user, keep_messages: bool, **_) -> None:
    if not keep_messages:
        theirs = select(Message.id).where(Message.author_id == user.id)
        db.session.execute(delete(MessageRevision).where(MessageRevision.message_id.in_(theirs)))
        for message in db.session.scalars(select(Message).where(Message.author_id == user.id)):
            message.body, message.body_html = REMOVED, render_markdown(f"*{REMOVED}*")
    delete_attachments(list(db.session.scalars(select(Attachment).where(Attachment.uploader_id == user.id))))
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
