"""Where uploaded files live: a folder (UPLOADS_DIR, instance/uploads unless set), or an S3-compatible
bucket when UPLOADS_S3_BUCKET is set.

Keys are random and never carry a name a member chose: `photos/Hk3...9q.webp`. Their extension says
what the file is, so both backends serve the type civicnet stored, never one a browser sent.

A file is written before the row that refers to it commits (`store`), and deleted only once the row that
referred to it is gone (`discard_after_commit`): a row never points at nothing. If the transaction rolls
back, its new files are deleted at once; a file that outlives its transaction anyway (the process died
in between, or the bucket refused a delete) belongs to no row, and the daily sweep deletes files a day
old that no registered owner refers to."""

import itertools
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from flask import Flask, Response, current_app, send_file
from huey import crontab

from civicnet.db_types import utcnow
from civicnet.errors import NotFound
from civicnet.extensions import talisman
from civicnet.jobs import periodic
from civicnet.transactions import on_commit, on_rollback

# The types civicnet stores, and the extension each key gets (the type is read back from it).
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain; charset=utf-8": ".txt",
    "text/csv; charset=utf-8": ".csv",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.ms-powerpoint": ".ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}
TYPES = {extension: content_type for content_type, extension in EXTENSIONS.items()}
# A folder of lower-case letters, then 32 random URL-safe characters and a known extension: nothing a
# key read from a row could use to reach outside the uploads folder.
KEY = re.compile(r"^[a-z]{1,20}/[A-Za-z0-9_-]{32}\.[a-z]{3,4}$")
ORPHAN_AGE = timedelta(days=1)  # far longer than any transaction between a file's write and its row's commit
CHUNK = 64 * 1024


class Missing(Exception):
    """No file is stored under this key."""


@dataclass(frozen=True)
class Opened:
    content_type: str
    size: int
    chunks: Iterator[bytes]


def content_type_of(key: str) -> str:
    return TYPES[Path(key).suffix]


def check_key(key: str) -> str:
    if not isinstance(key, str) or not KEY.match(key) or Path(key).suffix not in TYPES:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files in a folder on this machine (one per process group: servers and workers share it)."""

    def __init__(self, root: str):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written under its final name: until the row that names it commits, nothing refers to a half-written file.
        path.write_bytes(data)

    def open(self, key: str) -> Opened:
        path = self.path(key)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise Missing(key) from None
        size = path.stat().st_size

        def chunks() -> Iterator[bytes]:
            with handle:
                while block := handle.read(CHUNK):
                    yield block

        return Opened(content_type_of(key), size, chunks())

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self, older_than: datetime) -> Iterator[str]:
        if not self.root.is_dir():
            return
        cutoff = older_than.timestamp()
        for path in self.root.glob("*/*"):
            key = path.relative_to(self.root).as_posix()
            if KEY.match(key) and path.stat().st_mtime < cutoff:
                yield key

    def response(self, key: str, max_age: int) -> Response:
        path = self.path(key)
        if not path.is_file():
            raise Missing(key)
        # send_file answers conditional and range requests and lets the server send the file itself.
        response = send_file(path, mimetype=content_type_of(key), conditional=True, max_age=max_age)
        response.headers["Content-Type"] = content_type_of(key)  # as stored (send_file adds a second charset)
        return response


class S3Storage:
    """Objects in an S3-compatible bucket (Amazon S3, MinIO, Ceph, R2...), private to civicnet."""

    def __init__(self, bucket: str, client):
        self.bucket, self.client = bucket, client

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=check_key(key), Body=data, ContentType=content_type)

    def open(self, key: str) -> Opened:
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except self.client.exceptions.NoSuchKey:
            raise Missing(key) from None
        return Opened(found["ContentType"], found["ContentLength"], found["Body"].iter_chunks(CHUNK))

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def keys(self, older_than: datetime) -> Iterator[str]:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                if KEY.match(item["Key"]) and item["LastModified"] < older_than:
                    yield item["Key"]

    def response(self, key: str, max_age: int) -> Response:
        # Streamed through civicnet rather than redirected to a signed bucket address: every request is
        # checked against who may read the file now, the headers (type, nosniff, disposition) are
        # civicnet's own, the bucket stays private and the pages' CSP keeps images to 'self'.
        opened = self.open(key)
        response = Response(opened.chunks, content_type=opened.content_type, direct_passthrough=True)
        response.content_length = opened.size
        response.cache_control.max_age = max_age
        return response


def content_disposition(disposition: str, filename: str) -> str:
    """`inline; filename="..."` with an ASCII fallback and the exact name in RFC 5987 form."""
    plain = filename.encode("ascii", "ignore").decode().replace("\\", "_").replace('"', "_") or "file"
    return f"{disposition}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _s3_client(app: Flask):
    # Loaded only when a bucket is configured: boto3 takes half a second to import, which every other
    # process (and the test suite) would pay for nothing. Named in .importlinter.
    import boto3
    from botocore.config import Config as BotoConfig

    style = {"s3": {"addressing_style": "path"}} if app.config["UPLOADS_S3_ENDPOINT_URL"] else {}
    return boto3.session.Session().client(
        "s3",
        endpoint_url=app.config["UPLOADS_S3_ENDPOINT_URL"],
        region_name=app.config["UPLOADS_S3_REGION"],
        config=BotoConfig(retries={"max_attempts": 3, "mode": "standard"}, **style),
    )


def backend(app: Flask | None = None) -> LocalStorage | S3Storage:
    """This app's storage, made on first use."""
    app = app or current_app._get_current_object()
    found = app.extensions.get("civicnet.storage")
    if found is None:
        if app.config["UPLOADS_S3_BUCKET"]:
            found = S3Storage(app.config["UPLOADS_S3_BUCKET"], _s3_client(app))
        else:
            found = LocalStorage(app.config["UPLOADS_DIR"])
        app.extensions["civicnet.storage"] = found
    return found


def new_key(folder: str, content_type: str) -> str:
    return check_key(f"{folder}/{secrets.token_urlsafe(24)}{EXTENSIONS[content_type]}")


def store(folder: str, data: bytes, content_type: str) -> str:
    """Write a new file now, before the row that will name it commits; its key. Deleted again if the
    current transaction rolls back."""
    storage = backend()
    key = new_key(folder, content_type)
    storage.put(key, data, content_type)
    on_rollback(lambda: _delete_quietly(storage, key))
    return key


def discard_after_commit(*keys: str | None) -> None:
    """Delete these files once the current transaction, which stops referring to them, commits."""
    storage = backend()
    for key in keys:
        if key:
            on_commit(lambda key=key: _delete_quietly(storage, key))


def _delete_quietly(storage, key: str) -> None:
    try:
        storage.delete(key)
    except Exception:  # the sweep deletes it later: no row refers to it
        current_app.logger.warning("Could not delete stored file %s; the daily sweep will", key, exc_info=True)


def read(key: str) -> Iterator[bytes]:
    """A stored file's content, in chunks (Missing if there is none)."""
    return backend().open(key).chunks


def serve(key: str, download_name: str, *, as_attachment: bool, max_age: int) -> Response:
    """Answer a request with a stored file: its stored type, nosniff, a disposition naming it, and a cache
    for this browser only (who may read it depends on who asks). With max_age 0 the browser asks again
    each time (a 304 when unchanged), for files whose readers can change from one request to the next."""
    try:
        response = backend().response(key, max_age)
    except Missing:
        raise NotFound("This file is no longer here") from None
    response.cache_control.public = False
    response.cache_control.private = True
    response.cache_control.no_cache = max_age == 0 or None
    disposition = "attachment" if as_attachment else "inline"
    response.headers["Content-Disposition"] = content_disposition(disposition, download_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# Nothing a stored file holds may run as this site, should a browser ever render it as a page.
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def file_view(view):
    """Decorator for a view that answers with stored files: their strict CSP instead of the pages' one."""
    return talisman(content_security_policy=FILE_POLICY, content_security_policy_nonce_in=[])(view)


# Owners: who refers to stored files. Each answers, for a batch of keys, the ones its rows still name.
_OWNERS: dict[str, Callable[[list[str]], Iterable[str]]] = {}


def register_owner(name: str):
    """Decorator: referenced(keys) -> the keys among them that this owner's rows refer to."""

    def decorator(referenced):
        _OWNERS[name] = referenced
        return referenced

    return decorator


def sweep_orphans(now: datetime | None = None) -> int:
    """Delete stored files older than ORPHAN_AGE that no owner refers to; how many."""
    storage = backend()
    cutoff = (now or utcnow()) - ORPHAN_AGE
    removed = 0
    keys = storage.keys(older_than=cutoff)
    while batch := list(itertools.islice(keys, 500)):
        used = set()
        for referenced in _OWNERS.values():
            used.update(referenced(batch))
        for key in batch:
            if key not in used:
                _delete_quietly(storage, key)
                removed += 1
    return removed


@periodic(crontab(hour=4, minute=40))
def sweep_stored_files() -> None:
    sweep_orphans()
