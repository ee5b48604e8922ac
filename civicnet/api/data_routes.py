"""A member's own data through the API: every look at it by someone acting in a role, and their export
(as /account/data shows them; the paths are described in openapi_data.py)."""

from flask import g, jsonify, send_file, url_for

from civicnet import access_log
from civicnet.access_log import CATEGORIES
from civicnet.api import inputs
from civicnet.api.limits import read_limits, write_limits
from civicnet.api.routes import bp, token_required
from civicnet.api.schemas import MAX_PAGE_NUMBER
from civicnet.datarights import exports
from civicnet.errors import NotFound
from civicnet.extensions import db
from civicnet.rooms.payloads import iso

ACCESS_PER_PAGE = 50


def access_payload(entry) -> dict:
    """An access-log entry as its member sees it: a role, never a name."""
    return {
        "id": entry.id,
        "at": iso(entry.created_at),
        "who": entry.role,
        "purpose": entry.purpose,
        "purpose_text": entry.purpose_text,
        "case_ref": entry.case_ref,
        "note": entry.note,
        "categories": entry.category_list,
        "action": entry.action,
    }


@bp.get("/me/access-log")
@token_required
@read_limits
def my_access_log():
    """Every look at this member's data by someone acting in a role, as /account/data/access shows it."""
    category = inputs.choice_arg("category", ("", *CATEGORIES), "", "category must be one of: " + ", ".join(CATEGORIES))
    number = inputs.int_arg("page", minimum=1, maximum=MAX_PAGE_NUMBER) or 1
    query = access_log.entries_for(g.api_user.id, category or None)
    page = db.paginate(query, page=number, per_page=ACCESS_PER_PAGE, error_out=False, max_per_page=ACCESS_PER_PAGE)
    hidden, until = access_log.hidden_now(g.api_user.id)
    return jsonify(
        entries=[access_payload(entry) for entry in page.items],
        page=number,
        pages=page.pages,
        hidden=hidden,
        hidden_until=iso(until),
    )


@bp.post("/me/export")
@token_required
@write_limits
def start_my_export():
    """Start an export of this member's data (once a day); poll GET /me/export."""
    return jsonify(export_payload(exports.queue_export(g.api_user))), 202


@bp.get("/me/export")
@token_required
@read_limits
def my_export():
    return jsonify(export_payload(_latest_export()))


@bp.get("/me/export/archive")
@token_required
@read_limits
def my_export_archive():
    path = exports.archive_for_download(g.api_user, _latest_export().id)
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name="civicnet-export.zip")


def _latest_export():
    latest = exports.latest_export(g.api_user)
    if latest is None:
        raise NotFound("You have not asked for an export")
    return latest


def export_payload(export) -> dict:
    return {
        "id": export.id,
        "status": export.status,
        "progress": export.progress,
        "created_at": iso(export.created_at),
        "expires_at": iso(export.expires_at),
        "archive": url_for("api.my_export_archive") if export.status == "ready" else None,
    }
