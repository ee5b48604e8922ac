"""Attachments on room messages: images (re-encoded by civicnet.images, with a thumbnail) and files from an
allow-list (PDF, plain text, CSV, office documents), each recognised by its content as well as its
extension. A member uploads them (the compose form's files, or one at a time for the live page), then
sends them with a message; until then they are theirs alone, and unsent ones go after a day.

Whoever cannot read a message cannot read its attachments: not in a room they cannot read, not once the
message is deleted, not while a moderator has it hidden (moderators still can, to review it)."""

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath

from flask import current_app
from huey import crontab
from sqlalchemy import func, or_, select

from civicnet import images, ratelimit, storage
from civicnet.accounts.models import User
from civicnet.accounts.permissions import is_moderator, is_signed_in
from civicnet.db_types import utcnow
from civicnet.errors import Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id
from civicnet.jobs import periodic
from civicnet.rooms.models import FILE, HELD, IMAGE, Attachment, Message, Room
from civicnet.rooms.permissions import can_post, can_read
from civicnet.text import file_size
from civicnet.transactions import commit

FIELD = "files"
FOLDER = "attachments"
THUMBNAIL_SIDE = 400  # pixels, the longer side: what a message shows, linking to the full image
FULL_SIDE = 4096  # larger images are scaled down to this (about 16 megapixels)
UNSENT_FOR = timedelta(days=1)
MAX_UNSENT = 20  # uploaded and not yet sent, per member
MAX_NAME = 120

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .xls and .ppt
OOXML = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
ODF = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
# Extension -> the type it is stored and served as, and what people call it.
FILE_TYPES = {
    ".pdf": ("application/pdf", "PDF"),
    ".txt": ("text/plain; charset=utf-8", "Text"),
    ".csv": ("text/csv; charset=utf-8", "CSV"),
    ".doc": ("application/msword", "Word document"),
    ".xls": ("application/vnd.ms-excel", "Excel spreadsheet"),
    ".ppt": ("application/vnd.ms-powerpoint", "PowerPoint presentation"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel spreadsheet"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint presentation"),
    ".odt": (ODF[".odt"], "OpenDocument text"),
    ".ods": (ODF[".ods"], "OpenDocument spreadsheet"),
    ".odp": (ODF[".odp"], "OpenDocument presentation"),
}
LABELS = {content_type: label for content_type, label in FILE_TYPES.values()} | {
    "image/jpeg": "JPEG image",
    "image/png": "PNG image",
    "image/webp": "WebP image",
}
NOT_ALLOWED = (
    "must be an image (JPEG, PNG, GIF or WebP), a PDF, a text or CSV file, or an office document "
    "(Word, Excel, PowerPoint or OpenDocument)"
)


@dataclass(frozen=True)
class Prepared:
    """An uploaded file checked and ready to store."""

    name: str
    kind: str
    content_type: str
    data: bytes
    thumbnail: images.Encoded | None


def max_bytes() -> int:
    return current_app.config["ATTACHMENT_MAX_BYTES"]


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


def clean_name(name: str | None) -> str:
    """The file's own name, without any folder or control characters, at most MAX_NAME long."""
    name = PurePosixPath((name or "").replace("\\", "/")).name
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = " ".join(name.split()) or "file"
    if len(name) > MAX_NAME:
        suffix = PurePosixPath(name).suffix[:10]
        name = name[: MAX_NAME - len(suffix)] + suffix
    return name


def _is_utf8_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _zip_names(data: bytes) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def _matches(extension: str, data: bytes) -> bool:
    """Whether the content is what the extension says (reading only headers and a zip's directory)."""
    if extension == ".pdf":
        return data.startswith(b"%PDF-")
    if extension in (".txt", ".csv"):
        return _is_utf8_text(data)
    if extension in (".doc", ".xls", ".ppt"):
        return data.startswith(OLE2)
    archive = _zip_names(data) if data.startswith(b"PK\x03\x04") else None
    if archive is None:
        return False
    with archive:
        names = archive.namelist()
        if extension in OOXML:
            return "[Content_Types].xml" in names and any(n.startswith(OOXML[extension]) for n in names)
        try:
            entry = archive.getinfo("mimetype")
            return entry.file_size < 100 and archive.read(entry) == ODF[extension].encode()
        except (KeyError, zipfile.BadZipFile, OSError, RuntimeError):
            return False


def prepare(name: str | None, data: bytes) -> Prepared:
    """Check an uploaded file; an image is re-encoded (first frame, upright, no metadata) with a thumbnail."""
    name = clean_name(name)
    if not data:
        raise Invalid(FIELD, f"“{name}” is empty. Choose another file")
    if len(data) > max_bytes():
        raise Invalid(FIELD, f"“{name}” is too large: each file must be {file_size(max_bytes())} or smaller")
    if images.is_image(data):
        picture = images.read(data, FIELD)
        image_format = images.STORED_AS[picture.source_format]
        full = images.encode(images.shrunk(picture, FULL_SIDE), image_format)
        thumbnail = images.encode(images.shrunk(picture, THUMBNAIL_SIDE), "WEBP")
        stored_name = PurePosixPath(name).stem[: MAX_NAME - 5] + storage.EXTENSIONS[full.content_type]
        return Prepared(stored_name, IMAGE, full.content_type, full.data, thumbnail)
    extension = PurePosixPath(name).suffix.lower()
    if extension not in FILE_TYPES:
        raise Invalid(FIELD, f"“{name}” {NOT_ALLOWED}")
    if not _matches(extension, data):
        if extension in (".txt", ".csv") and b"\x00" not in data:
            raise Invalid(FIELD, f"“{name}” must be saved as UTF-8 text. Save it as UTF-8 and choose it again")
        raise Invalid(FIELD, f"“{name}” is not the kind of file its name says. Choose another file")
    return Prepared(name, FILE, FILE_TYPES[extension][0], data, None)


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
