"""A thread's page: a message and its replies, live with JavaScript and a plain form without."""

import secrets

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from civicnet.db_types import iso, utcnow
from civicnet.rooms import attachments, bp, messages, reactions, services, threads
from civicnet.rooms.forms import MessageForm
from civicnet.rooms.permissions import can_post
from civicnet.rooms.prototype import message_prototype


def render_thread(room, root, form: MessageForm | None = None, status: int = 200):
    rendered_at = iso(utcnow())  # before reading: the live client's first `since`
    replies = threads.replies(current_user, room, root)
    threads.read(current_user, root, replies)
    if form is None:
        form = MessageForm(client_id=secrets.token_urlsafe(12))
        asked = request.args.get("reply_to", type=int)
        form.reply_to.data = asked if any(reply.id == asked for reply in replies) else root.id
    return render_template(
        "rooms/thread.html",
        room=room,
        root=root,
        replies=replies,
        form=form,
        quoting=next((reply for reply in replies if reply.id == form.reply_to.data), None),
        can_post=can_post(current_user, room),
        refusal=messages.write_refusal(current_user, room),
        latest_id=services.latest_message_id(room),
        rendered_at=rendered_at,
        prototype_message=message_prototype(),
        reactions=reactions.on_page(current_user, [root, *replies]),
        attachment_hint=attachments.hint(),
    ), status


@bp.route("/rooms/<slug>/messages/<int:message_id>/thread")
def thread(slug: str, message_id: int):
    room = services.get_readable_room(current_user, slug)
    root = threads.get_thread(current_user, room, message_id)
    if root.id != message_id:  # a reply's own link: its thread, at the reply
        asked = request.args.get("reply_to", type=int)
        target = url_for("rooms.thread", slug=slug, message_id=root.id, reply_to=asked, _anchor=f"message-{message_id}")
        return redirect(target)
    return render_thread(room, root)
