"""Socket.IO handlers for moderation: the same services as the pages, answered by acknowledgements."""

from civicnet.accounts.models import User
from civicnet.accounts.permissions import check_moderator
from civicnet.accounts.services import set_role
from civicnet.db_types import iso
from civicnet.errors import Invalid
from civicnet.extensions import socketio
from civicnet.moderation import appeals, reports
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.moderation.items import find_member
from civicnet.moderation.queue import pending_count
from civicnet.realtime import authenticated_socket, event_fields, ok

ACTION_FIELDS = {
    "kind": str,
    "reason": str,
    "note": (str, None),
    "item_type": (str, None),
    "item_id": (int, None),
    "username": (str, None),
    "period": (str, None),
    "room": (str, None),
    "name": (str, None),
    "description": (str, None),
    "seen": (int, None),
}


@socketio.on("report")
@authenticated_socket
def on_report(user: User, data=None):
    """Report a message, profile or room."""
    fields = event_fields(data, item_type=str, item_id=int, reason=str, note=(str, None))
    filed = reports.report(user, fields["item_type"], fields["item_id"], fields["reason"], fields["note"] or "")
    return ok(report={"id": filed.id, "item_type": filed.item_type, "item_id": filed.item_id})


@socketio.on("moderate")
@authenticated_socket
def on_moderate(user: User, data=None):
    """Take a moderation action (moderators and admins only; the service checks)."""
    fields = event_fields(data, **ACTION_FIELDS)
    if fields["item_type"] is None and fields["username"] is None and fields["kind"] in ("warn", "mute", "suspend"):
        raise Invalid("username", "Say which member: username, or item_type and item_id")
    action = take_action(user, ActionRequest(**{k: v for k, v in fields.items() if v is not None}))
    return ok(action={"id": action.id, "kind": action.kind, "ends_at": iso(action.ends_at)})


@socketio.on("decide_appeal")
@authenticated_socket
def on_decide_appeal(user: User, data=None):
    fields = event_fields(data, appeal_id=int, outcome=str, note=str)
    decided = appeals.decide(user, fields["appeal_id"], fields["outcome"], fields["note"])
    return ok(appeal={"id": decided.id, "outcome": decided.outcome})


@socketio.on("set_role")
@authenticated_socket
def on_set_role(user: User, data=None):
    """Admins only: give a member a role."""
    fields = event_fields(data, username=str, role=str, note=(str, None))
    member = set_role(user, find_member(fields["username"]), fields["role"], fields["note"] or "")
    return ok(username=member.username, role=member.role)


@socketio.on("moderation_pending")
@authenticated_socket
def on_pending(user: User, data=None):
    """The queue's size, for a moderator's page that has just connected."""
    check_moderator(user)
    return ok(count=pending_count())
