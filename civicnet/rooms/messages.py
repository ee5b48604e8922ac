"""Message rules: posting (idempotent by client_id), editing, deleting, history and read marks."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from civicnet import signals
from civicnet.accounts.models import User
from civicnet.accounts.permissions import is_signed_in
from civicnet.errors import Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id
from civicnet.rooms import attachments, storing
from civicnet.rooms.history import message_id_field
from civicnet.rooms.mentions import link_mentions, mentioned_usernames
from civicnet.rooms.models import Membership, Message, MessageRevision, Room
from civicnet.rooms.permissions import can_post, can_read
from civicnet.rooms.storing import find_by_client_id, resent  # noqa: F401  (find_by_client_id: used by the API)
from civicnet.text import render_markdown
from civicnet.writer import write

MAX_BODY = 4000
MAX_CLIENT_ID = 64


def _clean_body(body, files: bool = False) -> str:
    """The message's text; it may be empty when the message carries files."""
    if isinstance(body, str) and not body.strip() and files:
        return ""
    if not isinstance(body, str) or not body.strip():
        raise Invalid("body", "Enter a message")
    body = body.strip()
    if len(body) > MAX_BODY:
        raise Invalid("body", f"Message must be {MAX_BODY:,} characters or fewer")
    return body


def _render(body: str) -> tuple[str, list[User]]:
    """The message's HTML, and the members it mentions."""
    names = mentioned_usernames(body)
    users = list(db.session.scalars(select(User).where(User.username.in_(names)))) if names else []
    return render_markdown(link_mentions(body, {user.username for user in users})), users


def _screen(body: str):
    """Apply the word filter: refuse a blocked phrase; return the match for hold or flag."""
    matched = signals.answer(signals.screen_text, body)
    if matched is not None and matched.action == "block":
        raise Invalid(
            "body", f"Your message contains “{matched.phrase}”, which is not allowed here. Change it and send again"
        )
    return matched


PERSONALLY = "personal"
FOR_ORGANISATION = "organisation"


def _speaking_for(actor: User, choice) -> str | None:
    """The organisation named on the message, if a verified public servant speaks for it."""
    if choice in (None, "", PERSONALLY):
        return None
    if choice != FOR_ORGANISATION:
        raise Invalid("speaking_for", "speaking_for must be personal or organisation")
    if not actor.is_verified_public_servant:
        raise Invalid("speaking_for", "Only verified public servants can speak for their organisation")
    return actor.verified_organisation


def form_speaking_for(actor: User, choice) -> str | None:
    """The web form's choice: a form rendered before a verification ended still posts, personally."""
    return choice if actor.is_verified_public_servant else None


def reply_target(room: Room, message_id) -> Message | None:
    """The message a reply form points at, if it is in this room."""
    parent = db.session.get(Message, message_id) if is_id(message_id) else None
    return parent if parent is not None and parent.room_id == room.id else None


class Muted(Forbidden):
    code = "muted"


def write_refusal(actor, room: Room) -> str | None:
    """Why this member may not write in this room now though they could post in it (a direct
    conversation's rules: civicnet.direct), or None."""
    return signals.answer(signals.write_refusal, actor, room=room) if is_signed_in(actor) else None


def check_may_type(actor: User, room: Room) -> None:
    """Typing indicators follow the posting rules: nobody sees someone type who could not post."""
    if not can_post(actor, room):
        raise Forbidden("You cannot post in this room")
    if notice := signals.answer(signals.mute_notice, actor, room=room):
        raise Muted(notice)
    if why := write_refusal(actor, room):
        raise Forbidden(why)


def post_message(
    room: Room,
    actor: User,
    body,
    client_id: str | None = None,
    reply_to_id: int | None = None,
    speaking_for: str | None = None,
    attachment_ids: list[int] | None = None,
) -> Message:
    """Post a message and notify the room; resending a client_id returns the first message instead.
    attachment_ids: files the sender uploaded for it (civicnet.rooms.attachments), not yet sent.

    The rules are checked here, in the caller, with reads only; the write itself goes to this
    process's writer (group commit), and returns once the message is committed and broadcast."""
    if client_id is not None and (not isinstance(client_id, str) or not 0 < len(client_id) <= MAX_CLIENT_ID):
        raise Invalid("client_id", f"client_id must be a string of 1 to {MAX_CLIENT_ID} characters")
    if not can_post(actor, room):
        if (earlier := resent(actor, room, client_id)) is not None:
            return earlier
        _refuse_posting(actor, room)
    files = attachments.check_attachable(actor, attachment_ids)
    body = _clean_body(body, files=bool(files))
    organisation = _speaking_for(actor, speaking_for)
    signals.posting_check.send(actor, room=room)
    matched = _screen(body)
    parent = None
    if reply_to_id is not None:
        parent = db.session.get(Message, reply_to_id) if is_id(reply_to_id) else None
        if parent is None or parent.room_id != room.id or parent.is_deleted or parent.moderation:
            raise Invalid("reply_to", "The message you are replying to is not in this room")
    html, mentioned = _render(body)
    signals.links_check.send(actor, html=html)
    author = actor._get_current_object() if hasattr(actor, "_get_current_object") else actor  # current_user
    draft = storing.Draft(room, author, body, html, client_id, parent, organisation, matched, mentioned, files)
    try:
        return write(storing.store_message, draft, order=room.id)
    except IntegrityError:
        # This client_id was stored meanwhile: by a resend in the same batch, or a racing one.
        if (earlier := resent(actor, room, client_id)) is not None:
            return earlier
        raise


def _refuse_posting(actor: User, room: Room) -> None:
    """Say why someone who may not post here cannot."""
    if room.is_archived:
        raise Forbidden("This room is archived: it can be read but not posted in")
    if not actor.is_verified_email:
        raise Forbidden("Confirm your email address before posting")
    raise NotFound("There is no room at this address, or you are not a member of it")


def preview_message(room: Room, actor: User, body) -> str:
    """The HTML a message would be stored as, without storing it: the compose box's Preview.

    The same checks of the text as posting (length, the word filter's blocked phrases, a new member's
    links) and the same rendering, so what the member sees is what is stored. Not the posting check
    itself: a preview sends nothing, so it costs nothing of a new member's sending allowance."""
    if not can_post(actor, room):
        _refuse_posting(actor, room)
    body = _clean_body(body)
    _screen(body)
    html, _ = _render(body)
    signals.links_check.send(actor, html=html)
    return html


def get_own_message(actor: User, message_id) -> Message:
    message = db.session.get(Message, message_id) if is_id(message_id) else None
    if message is None or not can_read(actor, message.room):
        raise NotFound("That message does not exist")
    if message.author_id != actor.id:
        raise Forbidden("You can only change your own messages")
    if message.is_deleted:
        raise Invalid("id", "That message has been deleted")
    if message.room.is_archived:
        raise Forbidden("This room is archived: its messages cannot be changed")
    return message


def edit_message(actor: User, message_id, body) -> Message:
    """Change a message's text, keeping the old text in its history."""
    message = get_own_message(actor, message_id)
    body = _clean_body(body)
    if body == message.body:
        return message
    if message.is_hidden:
        raise Forbidden("A moderator has hidden this message, so it cannot be changed. You can appeal the decision")
    signals.posting_check.send(actor, room=message.room)
    matched = _screen(body)
    html, _ = _render(body)
    signals.links_check.send(actor, html=html)
    return write(storing.store_edit, actor, message, body, html, matched, order=message.room_id)


def delete_message(actor: User, message_id) -> Message:
    """Delete one's own message; it disappears for everyone."""
    message = get_own_message(actor, message_id)
    return write(storing.store_deletion, message, order=message.room_id)


def revisions(message: Message) -> list[MessageRevision]:
    query = select(MessageRevision).where(MessageRevision.message_id == message.id).order_by(MessageRevision.id)
    return list(db.session.scalars(query))


def _mark_read(user: User, room: Room, message_id: int) -> None:
    membership = db.session.get(Membership, (room.id, user.id))
    if membership is not None and message_id > membership.last_read_id:
        write(storing.store_read_mark, room.id, user.id, message_id, order=room.id)
        db.session.expire(membership)


def unread_shown(actor: User, room: Room, shown: list[Message]) -> list[Message]:
    """The shown messages the member has not read (others', after their read mark), for the room page's
    "New messages" line; none for a visitor or a non-member."""
    membership = db.session.get(Membership, (room.id, actor.id)) if is_signed_in(actor) else None
    if membership is None:
        return []
    return [m for m in shown if m.id > membership.last_read_id and m.author_id != actor.id]


def mark_read(actor: User, room: Room, message_id) -> int:
    """Record that the member has read up to message_id; returns their read mark."""
    message_id = message_id_field(message_id, "message_id")
    if message_id is None or not can_read(actor, room):
        raise NotFound("There is no room at this address, or you are not a member of it")
    latest = db.session.scalar(select(func.max(Message.id)).where(Message.room_id == room.id)) or 0
    _mark_read(actor, room, min(message_id, latest))
    membership = db.session.get(Membership, (room.id, actor.id))
    return membership.last_read_id if membership else 0
