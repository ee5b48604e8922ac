"""Moderation actions. Each needs a rule as its reason, resolves the item's open reports, is written to
the audit log, and tells the member affected; live effects are sent only after the commit."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from civicnet import audit
from civicnet.accounts.permissions import check_may_act_on
from civicnet.accounts.services import apply_suspension, end_suspension, is_suspended
from civicnet.connections import authority_changed
from civicnet.db_types import utcnow
from civicnet.errors import Conflict, Invalid
from civicnet.extensions import db
from civicnet.moderation import queue, restrictions, statements
from civicnet.moderation.items import Item, find_member, load_item
from civicnet.moderation.models import MESSAGE, RESOLVED, ROOM, ModerationAction, Mute
from civicnet.moderation.rules import (
    APPEALABLE,
    DISMISS,
    EDIT_ROOM,
    HIDE,
    LIFT_MUTE,
    LIFT_SUSPENSION,
    MUTE,
    PERIODS,
    REASONS,
    RESTORE,
    RULES,
    SUSPEND,
    WARN,
)
from civicnet.rooms import moderation_events
from civicnet.rooms.models import HIDDEN, REMOVED, Message, Room
from civicnet.rooms.services import MAX_DESCRIPTION, MAX_NAME, get_readable_room
from civicnet.transactions import commit

MAX_NOTE = 2000
ON_ITEMS = {DISMISS: None, HIDE: MESSAGE, RESTORE: MESSAGE, EDIT_ROOM: ROOM}  # None: any item type
ON_MEMBERS = {WARN, MUTE, SUSPEND, LIFT_MUTE, LIFT_SUSPENSION}
KINDS = (*ON_ITEMS, *ON_MEMBERS)

After = list[Callable[[], None]]


@dataclass
class ActionRequest:
    """What a moderator asked for, straight from a form or a socket event (checked by take_action)."""

    kind: str
    reason: str
    note: str = ""
    item_type: str | None = None
    item_id: int | None = None
    username: str | None = None  # the member, for actions taken from their page
    period: str | None = None  # a key of rules.PERIODS, for mutes and suspensions
    room: str | None = None  # a room's slug, to mute in one room only
    name: str | None = None  # edit_room
    description: str | None = None  # edit_room
    seen: int | None = None  # the newest action id the moderator's page showed


def take_action(actor, request: ActionRequest) -> ModerationAction:
    if request.kind not in KINDS:
        raise Invalid("kind", "Choose an action")
    if request.reason not in REASONS:
        raise Invalid("reason", "Choose the rule this decision applies")
    note = " ".join(str(request.note or "").split()) if request.note else ""
    if len(note) > MAX_NOTE:
        raise Invalid("note", f"The note must be {MAX_NOTE:,} characters or fewer")
    item, subject = _target(request)
    check_may_act_on(actor, subject)
    if request.kind in APPEALABLE and request.reason not in RULES:
        raise Invalid("reason", "Choose the rule that was broken")
    _check_fresh(request, item, subject)
    action = ModerationAction(
        kind=request.kind,
        moderator_id=actor.id,
        subject_id=subject.id if subject else None,
        item_type=item.type if item else None,
        item_id=item.id if item else None,
        reason=request.reason,
        note=note,
    )
    db.session.add(action)
    db.session.flush()
    try:
        after = HANDLERS[request.kind](action, item, subject, request)
    except Exception:
        db.session.rollback()  # the flushed action must not reach a later commit
        raise
    for report in queue.open_reports(item.type, item.id) if item else []:
        report.status, report.resolved_at, report.resolved_by_action_id = RESOLVED, utcnow(), action.id
    if item is not None and item.type == MESSAGE and item.obj.is_pending_review:
        # Any decision on a message hidden pending review (a warning, a suspension) ends the review:
        # it stays hidden, as removed by a moderator, until an appeal reverses the decision.
        after = [*after, _removed(item.obj)]
    audit.record(
        actor,
        request.kind,
        subject=subject,
        item_type=action.item_type,
        item_id=action.item_id,
        reason=request.reason,
        note=note,
    )
    if request.kind in APPEALABLE and subject is not None:
        statements.add_notice(action)
    commit()
    for effect in after:
        effect()
    queue.announce_pending()
    return action


def _target(request: ActionRequest) -> tuple[Item | None, object]:
    if request.kind in ON_ITEMS:
        item = load_item(request.item_type, request.item_id)
        wanted = ON_ITEMS[request.kind]
        if wanted is not None and item.type != wanted:
            raise Invalid("kind", f"That action applies to a {wanted}, not a {item.type}")
        return item, item.subject
    if request.item_type is not None:
        item = load_item(request.item_type, request.item_id)
        if item.subject is None:
            raise Invalid("kind", "Nobody is responsible for that item any more")
        return item, item.subject
    return None, find_member(request.username or "")


def _check_fresh(request: ActionRequest, item: Item | None, subject) -> None:
    """Refuse a form that was filled in before someone else acted on the same item or member."""
    if request.seen is None:
        return
    if item is not None:
        newest = queue.latest_action_id(item.type, item.id, None)
    else:
        newest = queue.latest_action_id(None, None, subject.id)
    if newest > request.seen:
        raise Conflict("Someone else acted on this while you were looking at it. Check what they did, then decide")


def _ends_at(period):
    if period not in PERIODS:
        raise Invalid("period", "Choose how long it lasts")
    return None if period == "indefinite" else utcnow() + timedelta(hours=int(period))


def _dismiss(action, item, subject, request) -> After:
    if not queue.open_reports(item.type, item.id):
        raise Conflict("There are no open reports on this: someone may have dealt with them already")
    if item.type == MESSAGE and item.obj.moderation is not None:
        return _restore(action, item, subject, request)  # no breach: a message hidden or held pending review returns
    return []


def _hide(action, item, subject, request) -> After:
    message = item.obj
    if message.moderation == REMOVED or (message.moderation == HIDDEN and not queue.open_reports(item.type, item.id)):
        raise Conflict("This message is already hidden")
    return [_removed(message)]  # the decision: no longer "pending review"


def _removed(message):
    """Mark a message removed by a moderator's decision; returns its announcement, for after the commit."""
    message.remove()
    return lambda: moderation_events.message_hidden(message)


def _restore(action, item, subject, request) -> After:
    message = item.obj
    if message.moderation is None:
        raise Conflict("This message is not hidden")
    message.restore()
    return [lambda: moderation_events.message_restored(message)]


def _edit_room(action, item, subject, request) -> After:
    room: Room = item.obj
    name = " ".join(str(request.name or "").split())
    description = str(request.description or "").strip()
    if not name:
        raise Invalid("name", "Enter the room's new name")
    if len(name) > MAX_NAME or len(description) > MAX_DESCRIPTION:
        raise Invalid("name", f"Names are at most {MAX_NAME} characters, descriptions {MAX_DESCRIPTION}")
    if (name, description) == (room.name, room.description):
        raise Invalid("name", "Change the name or the description, or choose another action")
    action.before = {"name": room.name, "description": room.description}
    room.name, room.description = name, description
    return []


def _warn(action, item, subject, request) -> After:
    return []


def _mute(action, item, subject, request) -> After:
    room = get_readable_room(subject, request.room) if request.room else None
    if any(m.room_id == (room.id if room else None) for m in restrictions.active_mutes(subject)):
        raise Conflict(f"{subject.username} is already muted {'in that room' if room else 'everywhere'}")
    action.ends_at, action.room_id = _ends_at(request.period), room.id if room else None
    db.session.add(Mute(user_id=subject.id, room_id=action.room_id, until=action.ends_at, action_id=action.id))
    authority_changed("muted", user_id=subject.id)
    return []


def _suspend(action, item, subject, request) -> After:
    if is_suspended(subject):
        raise Conflict(f"{subject.username} is already suspended")
    action.ends_at = _ends_at(request.period)
    apply_suspension(subject, RULES[action.reason] + (f". {action.note}" if action.note else ""), action.ends_at)
    return []


def _lift_mute(action, item, subject, request) -> After:
    room = get_readable_room(subject, request.room) if request.room else None
    mutes = [m for m in restrictions.active_mutes(subject) if room is None or m.room_id == room.id]
    if not mutes:
        raise Conflict(f"{subject.username} is not muted")
    for mute in mutes:
        mute.lifted_at = utcnow()
    authority_changed("mute_lifted", user_id=subject.id)
    return []


def _lift_suspension(action, item, subject, request) -> After:
    if not is_suspended(subject):
        raise Conflict(f"{subject.username} is not suspended")
    end_suspension(subject)
    return []


HANDLERS = {
    DISMISS: _dismiss,
    HIDE: _hide,
    RESTORE: _restore,
    EDIT_ROOM: _edit_room,
    WARN: _warn,
    MUTE: _mute,
    SUSPEND: _suspend,
    LIFT_MUTE: _lift_mute,
    LIFT_SUSPENSION: _lift_suspension,
}


def undo(action: ModerationAction, actor) -> After:
    """Reverse an appealed decision, in the caller's transaction; returns the live effects for after the commit.

    A decision taken on a message (hiding it, or suspending its author from its page) found that the
    message broke a rule; reversing it finds that it did not, so the message returns unless another
    standing decision hid it."""
    action.reversed_at = utcnow()
    after: After = []
    if action.item_type == MESSAGE:
        after = _restore_unless_hidden_elsewhere(action, actor)
    if action.kind == MUTE:
        for mute in db.session.scalars(select(Mute).where(Mute.action_id == action.id, Mute.lifted_at.is_(None))):
            mute.lifted_at = utcnow()
        authority_changed("mute_lifted", user_id=action.subject_id)
    elif action.kind == SUSPEND and action.subject is not None and is_suspended(action.subject):
        end_suspension(action.subject)
    elif action.kind == EDIT_ROOM and action.before:
        room = db.session.get(Room, action.item_id)
        if room is not None:
            room.name, room.description = action.before["name"], action.before["description"]
    return after


def _restore_unless_hidden_elsewhere(action: ModerationAction, actor) -> After:
    message = db.session.get(Message, action.item_id)
    if message is None or message.moderation is None:
        return []
    standing = db.session.scalar(
        select(func.count(ModerationAction.id)).where(
            ModerationAction.item_type == MESSAGE,
            ModerationAction.item_id == message.id,
            ModerationAction.kind == HIDE,
            ModerationAction.reversed_at.is_(None),
            ModerationAction.id != action.id,
        )
    )
    if standing:
        return []
    message.restore()
    audit.record(
        actor,
        RESTORE,
        subject=message.author,
        item_type=MESSAGE,
        item_id=message.id,
        reason="no_breach",
        note=f"Restored because decision {action.id} was reversed on appeal",
    )
    return [lambda: moderation_events.message_restored(message)]
