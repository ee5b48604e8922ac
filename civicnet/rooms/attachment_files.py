"""What an uploaded file is: recognised by its content as well as its name (images through
civicnet.images, re-encoded with a thumbnail; files from an allow-list), before it is stored as an
attachment (civicnet.rooms.attachments)."""

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask import current_app

from civicnet import images, storage
from civicnet.errors import Invalid
from civicnet.rooms.models import FILE, IMAGE
from civicnet.text import file_size

FIELD = "files"
THUMBNAIL_SIDE = 400  # pixels, the longer side: what a message shows, linking to the full image
FULL_SIDE = 4096  # larger images are scaled down to this (about 16 megapixels)
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
