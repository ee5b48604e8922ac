"""Exporting a member's data in one click: asked for with the password, built by a background job
section by section (the page shows how far it has got), downloaded only by its owner within 7 days,
one a day. The download is itself an entry in the member's access log ("exported by you")."""

import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from civicnet import access_log, personal_data
from civicnet.access_log import CATEGORIES, Look
from civicnet.accounts.passwords import verify_password
from civicnet.datarights.archive import write_archive
from civicnet.datarights.models import BUILDING, FAILED, READY, DataExport
from civicnet.db_types import utcnow
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.jobs import job
from civicnet.notifications import kinds
from civicnet.notifications.kinds import Shown
from civicnet.notifications.services import notify
from civicnet.personal_data import Table, register
from civicnet.transactions import commit, on_commit
from civicnet.urls import external_url

KEEP_FOR = timedelta(days=7)
ONE_EVERY = timedelta(hours=24)
READY_KIND = "export_ready"


def start_export(user, password: str) -> DataExport:
    """Queue an export for the signed-in member who re-entered their password."""
    if not verify_password(user.password_hash, password or ""):
        raise Invalid("password", "Your password is not right")
    return queue_export(user)


def queue_export(user) -> DataExport:
    """Queue an export (the password was checked, or a token or an operator asked); one a day."""
    latest = latest_export(user)
    if latest is not None and latest.status != FAILED and latest.created_at > utcnow() - ONE_EVERY:
        again = (latest.created_at + ONE_EVERY).strftime("%-d %B at %H:%M UTC")
        raise Conflict(f"You can export your data once a day. You can ask again from {again}.")
    export = DataExport(user_id=user.id)
    db.session.add(export)
    db.session.flush()
    export_id = export.id
    on_commit(lambda: build_export(export_id))
    commit()
    return export


def latest_export(user) -> DataExport | None:
    query = select(DataExport).where(DataExport.user_id == user.id).order_by(DataExport.id.desc()).limit(1)
    return db.session.scalar(query)


def export_of(user, export_id) -> DataExport:
    export = db.session.get(DataExport, export_id) if isinstance(export_id, int) else None
    if export is None or export.user_id != user.id:
        raise NotFound("There is no such export")
    return export


@job(retries=2, retry_delay=30)
def build_export(export_id: int) -> None:
    """Collect every section, saying how far it has got, then write the archive."""
    export = db.session.get(DataExport, export_id)
    if export is None or export.status == READY:
        return
    user = export.user
    export.status, export.progress = BUILDING, 0
    db.session.commit()
    try:
        path = build_file(user, lambda percent: _progress(export, percent))
    except OSError:
        export.status = FAILED
        db.session.commit()
        raise
    name = path.name
    export.file_name, export.status, export.progress = name, READY, 100
    export.finished_at = utcnow()
    export.expires_at = export.finished_at + KEEP_FOR
    notify(user.id, READY_KIND, export.id)
    commit()


def file_of(export: DataExport) -> Path:
    return Path(current_app.config["EXPORT_DIR"]) / export.file_name


def discard(export: DataExport) -> None:
    """Delete an export, its file first (the member left, or its link ran out)."""
    if export.file_name:
        file_of(export).unlink(missing_ok=True)
    db.session.delete(export)


def _progress(export: DataExport, percent: int) -> None:
    export.progress = percent
    db.session.commit()


def build_file(user, progress=lambda percent: None) -> Path:
    """Collect every section (reporting the percentage done) and write the member's zip in EXPORT_DIR."""
    sections = personal_data.sections()
    collected = []
    for done, section in enumerate(sections, start=1):
        collected.append((section, section.collect(user)))
        progress(round(90 * done / len(sections)))
    folder = Path(current_app.config["EXPORT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"civicnet-{user.username}-{secrets.token_hex(16)}.zip"
    write_archive(path, collected, site="civicnet", username=user.username, when=utcnow())
    return path


def archive_for_download(user, export_id) -> Path:
    """The file of the member's own ready export, recorded in their access log as exported by them."""
    export = export_of(user, export_id)
    if export.status != READY:
        raise Conflict("Your export is not ready yet")
    if export.expires_at <= utcnow():
        raise Forbidden("This download link has run out. Ask for a new export.")
    path = file_of(export)
    if not path.is_file():
        raise NotFound("This export is no longer on the server. Ask for a new export.")
    access_log.record(user, user.id, Look("rights", tuple(CATEGORIES), action="export"), role="self")
    export.downloaded_at = utcnow()
    commit()
    return path


@register("access_log", "Looks at your data", order=90)
def access_section(user) -> list[Table]:
    entries = db.session.scalars(access_log.entries_for(user.id)).all()
    return [
        Table(
            "access_log",
            "Every look at your data by someone acting in a role, and your own exports.",
            {
                "at": "When",
                "who": "Their role",
                "action": "What they did",
                "purpose": "Why",
                "case_ref": "The case reference",
                "note": "Their note",
                "categories": "Kinds of data",
            },
            [
                {
                    "at": e.created_at,
                    "who": e.who,
                    "action": e.action,
                    "purpose": e.purpose_text,
                    "case_ref": e.case_ref,
                    "note": e.note,
                    "categories": ", ".join(e.category_list),
                }
                for e in entries
            ],
        )
    ]


@kinds.register(READY_KIND)
def _ready_shown(notification) -> Shown | None:
    export = db.session.get(DataExport, notification.subject_id)
    if export is None:
        return None
    text = "Your data export is ready to download"
    return Shown(lead="", link_text=text, url=external_url("datarights.export_page", export_id=export.id), excerpt=text)
