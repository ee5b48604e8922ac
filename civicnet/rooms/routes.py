"""Room pages: the list, a room with its history and a plain form for posting, and room settings."""

import secrets

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from civicnet import ratelimit, signals
from civicnet.accounts.services import get_user_or_404
from civicnet.application import takes_uploads
from civicnet.db_types import iso, utcnow
from civicnet.errors import Invalid, NotFound, ServiceError
from civicnet.forms import FlaskForm, apply_service_error, uploaded_bytes
from civicnet.rooms import attachment_files, attachments, bp, history, messages, reactions, services, threads, titles
from civicnet.rooms.forms import AddMemberForm, EditMessageForm, MessageForm, RoomForm
from civicnet.rooms.levels import notify_level, set_notify_level
from civicnet.rooms.links import message_url
from civicnet.rooms.notifications import DIRECT_LEVELS, LEVELS
from civicnet.rooms.permissions import can_create_room, can_manage, can_post, is_member
from civicnet.rooms.prototype import message_prototype
from civicnet.rooms.thread_routes import render_thread


def _details(form: RoomForm) -> services.RoomDetails:
    return services.RoomDetails(
        name=form.name.data or "",
        description=form.description.data or "",
        kind=form.kind.data or "",
        open_to_public=bool(form.open_to_public.data),
        tags=form.tags.data or "",
    )


@bp.app_template_global()
def room_title(room) -> str:
    """The room's name, or a direct conversation's people, as the signed-in viewer sees them."""
    return titles.title_for(current_user, room)


@bp.route("/rooms")
def index():
    tag = request.args.get("tag", "")[:60]
    return render_template("rooms/index.html", listings=services.list_rooms(current_user, tag), tag=tag)


@bp.route("/rooms/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_create_room(current_user):
        flash("Confirm your email address before creating a room")
        return redirect(url_for("accounts.check_email"))
    form = RoomForm()
    if form.validate_on_submit():
        try:
            room = services.create_room(current_user, _details(form))
        except Invalid as error:
            apply_service_error(form, error)
        else:
            return redirect(url_for("rooms.show", slug=room.slug))
    return render_template("rooms/new.html", form=form)


def render_room(room, form: MessageForm | None = None, status: int = 200, preview: str | None = None):
    rendered_at = iso(utcnow())  # before reading: the live client's first `since`
    before = request.args.get("before", type=int)
    page = history.page(current_user, room, before_id=before, threads_only=True)
    unread = messages.unread_shown(current_user, room, page.messages) if before is None else []
    latest_id = services.latest_message_id(room)
    if current_user.is_authenticated and latest_id and before is None:
        messages.mark_read(current_user, room, latest_id)  # replies in threads included
    if form is None:
        form = MessageForm(client_id=secrets.token_urlsafe(12))
    return render_template(
        "rooms/show.html",
        room=room,
        page=page,
        form=form,
        can_post=can_post(current_user, room),
        can_manage=can_manage(current_user, room),
        is_member=is_member(current_user, room),
        notify_level=notify_level(current_user, room),
        levels=DIRECT_LEVELS if room.is_direct else LEVELS,
        older_than=page.messages[0].id if page.has_more and page.messages else None,
        mute_notice=_mute_notice(room),
        refusal=messages.write_refusal(current_user, room),
        first_unread=unread[0] if unread else None,
        unread_count=len(unread),
        rendered_at=rendered_at,
        attachment_hint=attachments.hint(),
        prototype_message=message_prototype(),
        thread_summaries=threads.summaries(current_user, room, page.messages),
        latest_id=latest_id,
        preview=preview,
        reactions=reactions.on_page(current_user, page.messages),
    ), status


def _mute_notice(room) -> str | None:
    return signals.answer(signals.mute_notice, current_user, room=room) if current_user.is_authenticated else None


@bp.route("/rooms/<slug>")
def show(slug: str):
    room = services.get_readable_room(current_user, slug)
    if (parent := messages.reply_target(room, request.args.get("reply_to", type=int))) is not None:
        # Replies are written in the thread (an older link to reply from the room's own page).
        return redirect(url_for("rooms.thread", slug=slug, message_id=parent.id, reply_to=parent.id, _anchor="compose"))
    return render_room(room)


def _stored_files(room) -> list[int]:
    """The compose form's files, checked and stored as the member's unsent attachments; their ids."""
    chosen = [upload for upload in request.files.getlist("files") if upload.filename]
    if len(chosen) > attachments.per_message():
        raise Invalid("files", f"Choose up to {attachments.per_message()} files")
    if chosen:
        attachments.check_may_upload(current_user, room, len(chosen))
    prepared = [
        attachment_files.prepare(upload.filename, uploaded_bytes(upload, attachment_files.max_bytes()))
        for upload in chosen
    ]
    return [attachment.id for attachment in attachments.store_unsent(current_user, room, prepared)] if prepared else []


@bp.route("/rooms/<slug>/messages", methods=["POST"])
@login_required
@takes_uploads(attachments.compose_limit)
def post(slug: str):
    room = services.get_readable_room(current_user, slug)
    form = MessageForm()
    status = 200
    if form.validate_on_submit():
        files = []
        try:
            files = _stored_files(room)
            message = messages.post_message(
                room,
                current_user,
                form.body.data,
                form.client_id.data or None,
                form.reply_to.data,
                messages.form_speaking_for(current_user, form.speaking_for.data),
                files,
            )
        except ServiceError as error:  # an archived room or a mute, too: said on the form, with its status
            attachments.discard_unsent(current_user, files)  # the form asks for them again with the text
            apply_service_error(form, error)
            status = 200 if isinstance(error, Invalid) else error.status
        else:
            return redirect(message_url(message))
    if (root_id := request.form.get("thread", type=int)) is not None:  # the form on a thread's page
        return render_thread(room, threads.get_thread(current_user, room, root_id), form, status)
    return render_room(room, form, status)


@bp.route("/rooms/<slug>/messages/<int:message_id>/reactions", methods=["POST"])
@login_required
def react(slug: str, message_id: int):
    """The reaction buttons without JavaScript: add (`add=emoji`) or take away (`remove=emoji`)."""
    room = services.get_readable_room(current_user, slug)
    if (message := messages.reply_target(room, message_id)) is None:  # a message of another room
        raise NotFound("That message does not exist, or you cannot see it")
    ratelimit.check("react", str(current_user.id), current_app.config["SOCKET_REACT_LIMIT"])  # as the socket's
    adding = "add" in request.form
    reactions.react(current_user, message_id, request.form.get("add" if adding else "remove"), adding)
    before = request.args.get("before", type=int)  # back to the older page it was on
    # Back to the thread's page for a reply, or for a thread's first message reacted to there.
    if message.thread_root_id is not None or request.args.get("thread", type=int) == message.id:
        root_id = message.thread_root_id or message.id
        return redirect(url_for("rooms.thread", slug=room.slug, message_id=root_id, _anchor=f"message-{message_id}"))
    return redirect(url_for("rooms.show", slug=room.slug, before=before, _anchor=f"message-{message_id}"))


@bp.route("/rooms/<slug>/join", methods=["POST"])
@login_required
def join(slug: str):
    room = services.get_readable_room(current_user, slug)
    services.join_room(current_user, room)
    flash(f"You have joined {room.name}")
    return redirect(url_for("rooms.show", slug=room.slug))


@bp.route("/rooms/<slug>/notifications", methods=["POST"])
@login_required
def notifications(slug: str):
    """Follow, normal or mute (the room page's form)."""
    room = services.get_readable_room(current_user, slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        set_notify_level(current_user, room, request.form.get("level", ""))
    except ServiceError as error:
        flash(error.message)
    else:
        level = LEVELS[request.form["level"]].split(":")[0].lower()
        flash(f"Notifications for {titles.title_for(current_user, room)}: {level}")
    return redirect(url_for("rooms.show", slug=room.slug))


@bp.route("/rooms/<slug>/leave", methods=["POST"])
@login_required
def leave(slug: str):
    room = services.get_readable_room(current_user, slug)
    services.leave_room(current_user, room)
    flash(f"You have left {room.name}")
    return redirect(url_for("rooms.index"))


@bp.route("/rooms/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    room = services.get_readable_room(current_user, slug)
    if not can_manage(current_user, room):
        abort(403)
    form = RoomForm(obj=room)
    if request.method == "GET":
        form.tags.data = ", ".join(tag.name for tag in room.tags)
    if form.validate_on_submit():
        try:
            services.update_room(current_user, room, _details(form))
        except Invalid as error:
            apply_service_error(form, error)
        else:
            flash("Room saved")
            return redirect(url_for("rooms.show", slug=room.slug))
    return render_template("rooms/edit.html", room=room, form=form)


@bp.route("/rooms/<slug>/archive", methods=["POST"])
@login_required
def archive(slug: str):
    room = services.get_readable_room(current_user, slug)
    archived = request.form.get("archived") == "1"
    services.set_archived(current_user, room, archived)
    flash("Room archived: it is now read-only" if archived else "Room reopened")
    return redirect(url_for("rooms.show", slug=room.slug))


@bp.route("/rooms/<slug>/members", methods=["GET", "POST"])
@login_required
def members(slug: str):
    room = services.get_readable_room(current_user, slug)
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            user = services.add_member(current_user, room, form.username.data)
        except Invalid as error:
            apply_service_error(form, error)
        else:
            flash(f"{user.display_name} can now take part in {room.name}")
            return redirect(url_for("rooms.members", slug=room.slug))
    return render_template(
        "rooms/members.html",
        room=room,
        form=form,
        members=services.members(room),
        can_manage=can_manage(current_user, room),
    )


@bp.route("/rooms/<slug>/members/<username>/remove", methods=["POST"])
@login_required
def remove_member(slug: str, username: str):
    room = services.get_readable_room(current_user, slug)
    user = get_user_or_404(username)
    services.remove_member(current_user, room, user)
    flash(f"{user.display_name} is no longer a member")
    return redirect(url_for("rooms.members", slug=room.slug))


@bp.route("/rooms/<slug>/messages/<int:message_id>/edit", methods=["GET", "POST"])
@login_required
def edit_message(slug: str, message_id: int):
    room = services.get_readable_room(current_user, slug)
    message = messages.get_own_message(current_user, message_id)
    form = EditMessageForm(body=message.body)
    if form.validate_on_submit():
        try:
            messages.edit_message(current_user, message_id, form.body.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            return redirect(message_url(message))
    return render_template(
        "rooms/edit_message.html", room=room, message=message, form=form, history=messages.revisions(message)
    )


@bp.route("/rooms/<slug>/messages/<int:message_id>/delete", methods=["POST"])
@login_required
def delete_message(slug: str, message_id: int):
    room = services.get_readable_room(current_user, slug)
    try:
        messages.delete_message(current_user, message_id)
    except ServiceError as error:
        flash(error.message)
    else:
        flash("Message deleted")
    return redirect(url_for("rooms.show", slug=room.slug))
