"""Direct message pages: the list of a member's conversations, starting one, who may message you and
blocking. A conversation itself is shown by the room page (rooms.show), which knows its kind."""

import secrets

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from civicnet import ratelimit
from civicnet.accounts import blocks
from civicnet.accounts.services import get_user_or_404
from civicnet.direct import bp, conversations, rules
from civicnet.direct.forms import SettingsForm, StartForm
from civicnet.errors import Invalid, ServiceError
from civicnet.forms import FlaskForm, apply_service_error
from civicnet.rooms import messages
from civicnet.urls import safe_next_url


@bp.app_template_global()
def direct_offer(user) -> dict | None:
    """For a member's profile: whether the viewer blocked them, and why the viewer may not message
    them (None: they may)."""
    if not current_user.is_authenticated or current_user.id == user.id:
        return None
    if not current_user.is_verified_email:
        why = "Confirm your email address to send direct messages"
    else:
        existing = conversations.find_conversation([current_user.id, user.id])
        why = rules.refusal(current_user, user, in_conversation=existing is not None)
    return {"blocked": blocks.has_blocked(current_user.id, user.id), "refusal": why}


@bp.app_template_global()
def direct_people(room) -> list[dict]:
    """The other people in a direct conversation, for its page, with whether the viewer blocked them."""
    return [
        {"user": user, "blocked": blocks.has_blocked(current_user.id, user.id)}
        for user in rules.others_in(room, current_user.id)
    ]


@bp.route("/messages")
@login_required
def index():
    return render_template("direct/index.html", listings=conversations.conversations_of(current_user))


@bp.route("/messages/new", methods=["GET", "POST"])
@login_required
def new():
    form = StartForm()
    status = 200
    if request.method == "GET":
        form.to.data = request.args.get("to", "")[:300]
        form.client_id.data = secrets.token_urlsafe(12)
        # "Send a message" on a profile: straight to the conversation the two already have.
        existing = conversations.existing_with(current_user, form.to.data) if form.to.data else None
        if existing is not None:
            return redirect(url_for("rooms.show", slug=existing.slug, _anchor="compose"))
    elif form.validate_on_submit():
        try:
            room = conversations.start_conversation(current_user, form.to.data)
            message = messages.post_message(room, current_user, form.body.data, form.client_id.data or None)
        except ServiceError as error:
            apply_service_error(form, error)
            status = 200 if isinstance(error, Invalid) else error.status
        else:
            return redirect(url_for("rooms.show", slug=room.slug, _anchor=f"message-{message.id}"))
    return render_template("direct/new.html", form=form), status


@bp.route("/messages/people")
@login_required
def suggest_people():
    """People the member may write to, for the To field's suggestions."""
    ratelimit.check("people_lookup", str(current_user.id), current_app.config["MENTION_LOOKUP_LIMIT"])
    found = conversations.suggest_people(current_user, request.args.get("q", "")[:60])
    return jsonify(suggestions=[{"name": u.username, "label": f"{u.display_name} (@{u.username})"} for u in found])


@bp.route("/account/messages", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(data={"allow_from": rules.allow_from(current_user.id)})
    if form.validate_on_submit():
        try:
            rules.set_allow_from(current_user, form.allow_from.data)
        except Invalid as error:
            apply_service_error(form, error)
        else:
            flash("Your direct message settings are saved.")
            return redirect(url_for("direct.settings"))
    return render_template("direct/settings.html", form=form, blocked=blocks.blocked_by(current_user))


def _back(user) -> str:
    return safe_next_url(request.form.get("next")) or url_for("profiles.show", username=user.username)


@bp.route("/people/<username>/block", methods=["POST"])
@login_required
def block(username: str):
    user = get_user_or_404(username)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        blocks.block(current_user, user)
    except ServiceError as error:
        flash(error.message)
    else:
        flash(f"You blocked {user.display_name}. They cannot message you, and you will not be notified about them.")
    return redirect(_back(user))


@bp.route("/people/<username>/unblock", methods=["POST"])
@login_required
def unblock(username: str):
    user = get_user_or_404(username)
    if not FlaskForm().validate_on_submit():
        abort(400)
    blocks.unblock(current_user, user)
    flash(f"You unblocked {user.display_name}.")
    return redirect(_back(user))
