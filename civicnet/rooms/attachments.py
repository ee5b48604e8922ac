"""Attachments on room messages: images (re-encoded by civicnet.images, with a thumbnail) and files from an
allow-list (PDF, plain text, CSV, office documents), each recognised by its content as well as its
extension. A member uploads them (the compose form's files, or one at a time for the live page), then
sends them with a message; until then they are theirs alone, and unsent ones go after a day.

Whoever cannot read a message cannot read its attachments: not in a room they cannot read, not once the
message is deleted, not while a moderator has it hidden (moderators still can, to review it)."""

from datetime import timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import func, or_, select

from civicnet import ratelimit, storage
from civicnet.accounts.models import User
from civicnet.accounts.permissions import is_moderator, is_signed_in
from civicnet.db_types import utcnow
from civicnet.errors import Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id
from civicnet.jobs import periodic
from civicnet.rooms.attachment_files import FIELD, LABELS, Prepared, max_bytes, prepare
from civicnet.rooms.models import HELD, Attachment, Message, Room
from civicnet.rooms.permissions import can_post, can_read
from civicnet.text import file_size
from civicnet.transactions import commit

FOLDER = "attachments"
UNSENT_FOR = timedelta(days=1)
MAX_UNSENT = 20  # uploaded and not yet sent, per member


def per_message() -> int:
    return current_app.config["ATTACHMENTS_PER_MESSAGE"]


def hint() -> str:
    return (
        f"Up to {per_message()} files, each {file_size(max_bytes())} or smaller: images (JPEG, PNG, GIF or WebP), "
        "PDFs, text or CSV files, and Word, Excel, PowerPoint or OpenDocument files. Images lose their location "
        "and camera details."
    )


def compose_limit() -> int:
    """How large the compose form's request may be: every file at its largest, and the message."""
    return per_message() * max_bytes() + 1024 * 1024


def upload_limit() -> int:
    """How large one upload may be: twice the limit, so that a file somewhat too large is answered in words."""
    return 2 * max_bytes() + 64 * 1024


def _unsent(actor: User):
    return select(func.count(Attachment.id)).where(Attachment.uploader_id == actor.id, Attachment.message_id.is_(None))


def check_may_upload(actor: User, room: Room, count: int) -> None:
    """Whether the member may upload this many files for this room now: asked before any file is
    read, since decoding an image is the costly part (a small file can be a huge picture)."""
    if not can_post(actor, room):
        raise NotFound("There is no room at this address, or you cannot post in it")
    if (db.session.scalar(_unsent(actor)) or 0) + count > MAX_UNSENT:
        raise Invalid(FIELD, f"You have {MAX_UNSENT} files waiting to be sent. Send them with a message first")
    for _ in range(count):
        ratelimit.check("upload", str(actor.id), current_app.config["UPLOAD_LIMIT"])


def store_unsent(actor: User, room: Room, prepared: list[Prepared]) -> list[Attachment]:
    """Store checked files as the member's, not yet sent (each file before the row that names it);
    check_may_upload was asked first."""
    stored = []
    for item in prepared:
        attachment = Attachment(
            uploader_id=actor.id,
            name=item.name,
            kind=item.kind,
            content_type=item.content_type,
            size=len(item.data),
            key=storage.store(FOLDER, item.data, item.content_type),
        )
        if item.thumbnail is not None:
            attachment.thumbnail_key = storage.store(FOLDER, item.thumbnail.data, item.thumbnail.content_type)
            attachment.thumbnail_width, attachment.thumbnail_height = item.thumbnail.width, item.thumbnail.height
        db.session.add(attachment)
        stored.append(attachment)
    commit()
    return stored


def upload(actor: User, room: Room, name: str | None, data: bytes) -> Attachment:
    """Store one file for a message the member is about to send (the live page's uploads)."""
    check_may_upload(actor, room, 1)
    (attachment,) = store_unsent(actor, room, [prepare(name, data)])
    return attachment


def check_attachable(actor: User, ids) -> list[int]:
    """The attachment ids a message may carry: the sender's own, not yet sent, within the limit."""
    if ids is None:
        return []
    if not isinstance(ids, list) or not all(is_id(i) for i in ids) or len(set(ids)) != len(ids):
        raise Invalid("attachments", "attachments must be a list of different attachment ids")
    if len(ids) > per_message():
        raise Invalid("attachments", f"A message can carry up to {per_message()} files")
    found = db.session.scalar(
        select(func.count(Attachment.id)).where(
            Attachment.id.in_(ids), Attachment.uploader_id == actor.id, Attachment.message_id.is_(None)
        )
    )
    if found != len(ids):
        raise Invalid("attachments", "One of the files was not uploaded by you, or was already sent. Upload it again")
    return ids


def attach_to(message: Message, actor_id: int, ids: list[int]) -> None:
    """In the writer's transaction: the files become the message's (they must still be the sender's, unsent)."""
    found = (
        list(
            db.session.scalars(
                select(Attachment)
                .where(Attachment.id.in_(ids), Attachment.uploader_id == actor_id, Attachment.message_id.is_(None))
                .order_by(Attachment.id)
            )
        )
        if ids
        else []
    )
    if len(found) != len(ids):  # sent with another message meanwhile
        raise Invalid("attachments", "One of the files was already sent. Upload it again")
    message.attachments = found


def delete_attachments(attachments: list[Attachment]) -> None:
    """Delete the rows now and their files once that commits."""
    for attachment in attachments:
        storage.discard_after_commit(attachment.key, attachment.thumbnail_key)
        db.session.delete(attachment)


def discard_unsent(actor: User, ids: list[int]) -> None:
    """Delete files the member uploaded for a message that could not be sent (the form shows why)."""
    if ids:
        query = select(Attachment).where(
            Attachment.id.in_(ids), Attachment.uploader_id == actor.id, Attachment.message_id.is_(None)
        )
        delete_attachments(list(db.session.scalars(query)))
        commit()


def readable(viewer, attachment_id) -> Attachment:
    """The attachment, if the viewer may read its message now; NotFound (never Forbidden) otherwise, so
    nobody learns that a file exists in a room they cannot read."""
    attachment = db.session.get(Attachment, attachment_id) if is_id(attachment_id) else None
    if attachment is None:
        raise NotFound("There is no such file")
    signed_in = is_signed_in(viewer)
    message = attachment.message
    if message is None:  # not sent yet: its uploader's alone
        if signed_in and viewer.id == attachment.uploader_id:
            return attachment
        raise NotFound("There is no such file")
    if message.is_deleted or not can_read(viewer, message.room):
        raise NotFound("There is no such file")
    if message.moderation is not None:
        own_held = message.moderation == HELD and signed_in and viewer.id == message.author_id
        if not (own_held or is_moderator(viewer)):
            raise NotFound("There is no such file")
    return attachment


def summary(attachment: Attachment) -> str:
    """What it is and how large: "PDF, 1.2 MB"."""
    return f"{LABELS.get(attachment.content_type, 'File')}, {file_size(attachment.size)}"


def remove_unsent(now=None) -> int:
    """Delete attachments uploaded more than a day ago and never sent; how many."""
    cutoff = (now or utcnow()) - UNSENT_FOR
    stale = list(
        db.session.scalars(select(Attachment).where(Attachment.message_id.is_(None), Attachment.created_at < cutoff))
    )
    delete_attachments(stale)
    commit()
    return len(stale)


@periodic(crontab(minute=20))
def remove_unsent_attachments() -> None:
    remove_unsent()


@storage.register_owner("message attachments")
def _attachments_in_use(keys: list[str]) -> set[str]:
    rows = db.session.execute(
        select(Attachment.key, Attachment.thumbnail_key).where(
            or_(Attachment.key.in_(keys), Attachment.thumbnail_key.in_(keys))
        )
    )
    return {key for row in rows for key in row if key}
