"""The rights request queue: requests people make outside civicnet (the ICO's guidance: they may ask in
any way), each with its one-month clock, an extension of up to two more months with a reason the
requester is told, and its outcome. Administrators only."""

import calendar
from datetime import datetime

from sqlalchemy import select

from civicnet import audit
from civicnet.accounts.permissions import is_admin
from civicnet.accounts.services import find_user_by_username
from civicnet.datarights.models import RightsRequest
from civicnet.db_types import utcnow
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id

CHANNELS = {"email": "Email", "post": "Post", "phone": "Phone", "in_person": "In person", "other": "Other"}
KINDS = {
    "access": "A copy of their data",
    "erasure": "Erasure",
    "rectification": "Correction",
    "restriction": "Restricting use",
    "objection": "Objection",
    "portability": "Portability",
    "other": "Other",
}
OUTCOMES = {"completed": "Done", "refused": "Refused, with reasons", "withdrawn": "Withdrawn"}


def add_months(moment: datetime, months: int) -> datetime:
    """The same date `months` later, or the last day of that month if it has no such date (the ICO's
    rule for the one-month limit)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def _admin(actor) -> None:
    if not is_admin(actor):
        raise Forbidden("Only administrators handle rights requests")


def record(
    actor, *, received_at: datetime, channel: str, kind: str, requester: str, username: str = "", details: str = ""
):
    _admin(actor)
    if channel not in CHANNELS:
        raise Invalid("channel", "Choose how the request came")
    if kind not in KINDS:
        raise Invalid("kind", "Choose what they asked for")
    if not requester.strip():
        raise Invalid("requester", "Enter who asked and how to answer them")
    if received_at > utcnow():
        raise Invalid("received_at", "The date received must be today or in the past")
    member = None
    if username.strip():
        member = find_user_by_username(username.strip())
        if member is None:
            raise Invalid("username", "There is no member with that username")
    found = RightsRequest(
        received_at=received_at,
        channel=channel,
        kind=kind,
        requester=requester.strip(),
        member_id=member.id if member else None,
        details=details.strip(),
        due_at=add_months(received_at, 1),
        created_by_id=actor.id,
    )
    db.session.add(found)
    db.session.flush()
    audit.record(actor, "rights_request", subject=member, item_type="rights_request", item_id=found.id, reason=kind)
    db.session.commit()
    return found


def get(actor, request_id) -> RightsRequest:
    _admin(actor)
    found = db.session.get(RightsRequest, request_id) if is_id(request_id) else None
    if found is None:
        raise NotFound("There is no such request")
    return found


def extend(actor, request_id, months: int, reason: str) -> RightsRequest:
    """Extend by one or two months (the law allows two at most), having told the requester why."""
    found = get(actor, request_id)
    if found.closed_at is not None:
        raise Conflict("This request is closed")
    if found.extended_to is not None:
        raise Conflict("This request has already been extended")
    if months not in (1, 2):
        raise Invalid("months", "Extend by one or two months")
    if not reason.strip():
        raise Invalid("reason", "Say why: the requester must be told")
    found.extended_to = add_months(found.due_at, months)
    found.extension_reason = reason.strip()
    audit.record(actor, "rights_request_extended", subject=found.member, item_type="rights_request", item_id=found.id)
    db.session.commit()
    return found


def close(actor, request_id, outcome: str, note: str) -> RightsRequest:
    found = get(actor, request_id)
    if found.closed_at is not None:
        raise Conflict("This request is already closed")
    if outcome not in OUTCOMES:
        raise Invalid("outcome", "Choose the outcome")
    if outcome == "refused" and not note.strip():
        raise Invalid("note", "Give the reasons for refusing: the requester must be told them")
    found.outcome, found.outcome_note, found.closed_at = outcome, note.strip(), utcnow()
    audit.record(
        actor,
        "rights_request_closed",
        subject=found.member,
        item_type="rights_request",
        item_id=found.id,
        reason=outcome,
    )
    db.session.commit()
    return found


def queue(actor) -> tuple[list[RightsRequest], list[RightsRequest]]:
    """Open requests, the nearest deadline first; then the 50 most recently closed."""
    _admin(actor)
    open_ = db.session.scalars(select(RightsRequest).where(RightsRequest.closed_at.is_(None))).all()
    closed = db.session.scalars(
        select(RightsRequest)
        .where(RightsRequest.closed_at.is_not(None))
        .order_by(RightsRequest.closed_at.desc())
        .limit(50)
    ).all()
    return sorted(open_, key=lambda r: r.deadline), list(closed)
