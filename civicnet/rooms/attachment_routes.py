"""Attachments over HTTP: the live page's upload (JSON), and the files themselves, to those who may read
their message (404 to everyone else)."""

from pathlib import PurePosixPath

from flask import jsonify, request
from flask_login import current_user

from civicnet import storage
from civicnet.application import takes_uploads
from civicnet.errors import Invalid, NotFound, error_response
from civicnet.forms import uploaded_bytes
from civicnet.rooms import attachment_files, attachments, bp, services
from civicnet.rooms.payloads import attachment_payload

bp.add_app_template_global(attachments.summary, "attachment_summary")


@bp.route("/rooms/<slug>/attachments", methods=["POST"])
@takes_uploads(attachments.upload_limit)
def upload_attachment(slug: str):
    """Store one file (multipart field `file`) for a message about to be sent: its payload, whose id
    `send_message` takes. Errors are JSON with their status."""
    if not current_user.is_authenticated:
        return error_response(401, "unauthorized", "Sign in to upload files")
    room = services.get_readable_room(current_user, slug)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("file", "Choose a file to upload")
    data = uploaded_bytes(upload, attachment_files.max_bytes())
    attachment = attachments.upload(current_user, room, upload.filename, data)
    return jsonify(attachment=attachment_payload(attachment)), 201


@bp.route("/attachments/<int:attachment_id>")
@storage.file_view
def attachment(attachment_id: int):
    """The file: images open in the browser, every other kind is downloaded."""
    found = attachments.readable(current_user, attachment_id)
    # max_age 0: asked again each time, since whether the viewer may still read it can change.
    return storage.serve(found.key, found.name, as_attachment=not found.is_image, max_age=0)


@bp.route("/attachments/<int:attachment_id>/thumbnail")
@storage.file_view
def attachment_thumbnail(attachment_id: int):
    found = attachments.readable(current_user, attachment_id)
    if found.thumbnail_key is None:
        raise NotFound("This file has no thumbnail")
    name = f"{PurePosixPath(found.name).stem}-small.webp"
    return storage.serve(found.thumbnail_key, name, as_attachment=False, max_age=0)
