"""The message box's helpers: the people to suggest after "@", and a preview of a message as it will be
stored. Both answer the page's script in JSON; the preview also answers the form without JavaScript,
with the room page showing the preview."""

from flask import current_app, jsonify, request
from flask_login import current_user, login_required

from civicnet.application import takes_uploads
from civicnet.errors import Invalid, ServiceError, wants_json
from civicnet.extensions import limiter
from civicnet.forms import apply_service_error
from civicnet.rooms import attachments, bp, messages, services
from civicnet.rooms.forms import MessageForm
from civicnet.rooms.mentions import suggest_mentions
from civicnet.rooms.routes import render_room


def per_member(setting: str, scope: str, message: str):
    """Limit a member's requests to an endpoint (signed-out requests are refused before any work)."""
    return limiter.limit(
        lambda: current_app.config[setting],
        scope=scope,
        key_func=lambda: f"member-{current_user.id}",
        exempt_when=lambda: not current_user.is_authenticated,
        error_message=message,
    )


def json_error(error: ServiceError):
    field = getattr(error, "field", None)
    return jsonify(error={"code": error.code, "message": error.message, "field": field}), error.status


# An HTTP lookup rather than a Socket.IO event with an ack: it works as the tag field's does whatever
# state the live connection is in (reconnecting, or refused and back to plain forms), it is limited like
# the other lookups, and a typed "@" never waits behind messages on the socket.
@bp.route("/rooms/<slug>/mentions")
@per_member("MENTION_LOOKUP_LIMIT", "mention-lookup", "You have looked up a lot of people. Wait a minute.")
def mention_suggestions(slug: str):
    """People to suggest after "@" in this room's message box (?q= the start of a name), as JSON."""
    try:
        room = services.get_readable_room(current_user, slug)
        people = suggest_mentions(current_user, room, request.args.get("q", ""))
    except ServiceError as error:
        return json_error(error)
    return jsonify(people=[{"username": user.username, "display_name": user.display_name} for user in people])


@bp.route("/rooms/<slug>/preview", methods=["POST"])
@login_required
# Without JavaScript the form's Preview button posts its chosen files too: accepted, and not stored.
@takes_uploads(attachments.compose_limit)
@per_member("PREVIEW_LIMIT", "message-preview", "You have previewed a lot in a short time. Wait a minute.")
def preview(slug: str):
    """Render the message box's text as it would be stored: JSON for the page's script, or the room
    page with the preview below the box and the text kept in it (the form's second button)."""
    room = services.get_readable_room(current_user, slug)
    form = MessageForm()
    html, error = None, None
    if not form.validate_on_submit():
        error = _form_error(form)  # already on the form
    else:
        try:
            html = messages.preview_message(room, current_user, form.body.data)
        except ServiceError as refused:  # said on the form, as posting says it
            error = refused
            apply_service_error(form, error)
    if wants_json():
        return json_error(error) if error else jsonify(html=html)
    return render_room(room, form, 200 if error is None or isinstance(error, Invalid) else error.status, preview=html)


def _form_error(form: MessageForm) -> Invalid:
    """The form's first error, as the service's would be."""
    field, messages_ = next(((name, errors) for name, errors in form.errors.items() if errors), (None, []))
    return Invalid(field, messages_[0] if messages_ else "Check your message and try again")
