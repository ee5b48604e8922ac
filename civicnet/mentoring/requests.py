"""Mentoring requests: pending, then accepted or declined, then completed or cancelled; pending ones
expire after 14 days (civicnet.mentoring.expiry warns and sweeps). Accepting opens a private room
with exactly the mentor and the mentee.

A mentor never exceeds capacity, even when two accepts race: the place is taken by one conditional
UPDATE (active_mentees < capacity) that the database applies to one transaction at a time."""

from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import selectinload

from civicnet import access_log, signals
from civicnet.access_log import Look
from civicnet.accounts.models import User
from civicnet.accounts.permissions import is_moderator, is_signed_in
from civicnet.accounts.services import is_suspended
from civicnet.db_types import utcnow
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id
from civicnet.mentoring.models import (
    ACCEPTED,
    CANCELLED,
    COMPLETED,
    DECLINED,
    EXPIRED,
    PENDING,
    MentoringRequest,
    Offer,
)
from civicnet.mentoring.offers import checked_text, get_offer
from civicnet.notifications.services import notify
from civicnet.transactions import commit

EXPIRES_AFTER = timedelta(days=14)
MAX_PENDING = 3
MAX_TEXT = 2000


def _text(field: str, value, required: str | None = None) -> str:
    return checked_text(field, value, MAX_TEXT, required)


def expire_due(now=None) -> None:
    """Pending requests past their date become expired (run before reading, and by the daily sweep)."""
    now = now or utcnow()
    db.session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.status == PENDING, MentoringRequest.expires_at <= now)
        .values(status=EXPIRED, ended_at=now)
    )


def get_request(viewer, request_id, *, why: str | None = None) -> MentoringRequest:
    """A request its mentor or mentee may see; a moderator only while it is reported, and then
    the view is recorded for both people's data access log."""
    found = db.session.get(MentoringRequest, request_id) if is_id(request_id) else None
    if found is None or not is_signed_in(viewer):
        raise NotFound("There is no such mentoring request")
    if found.involves(viewer):
        return found
    report_id = _open_report(found) if is_moderator(viewer) and why else None
    if report_id:
        look = Look("report", ("private_messages",), case_ref=f"report #{report_id}")
        for subject_id in (found.mentor_id, found.mentee_id):
            access_log.record(viewer, subject_id, look)
        commit()
        return found
    raise NotFound("There is no such mentoring request")


def _open_report(found: MentoringRequest) -> int | None:
    return signals.answer(signals.is_reported, "request", item_id=found.id)


def request_in_room(viewer, room_id: int) -> MentoringRequest | None:
    """The mentoring request whose private room this is, for one of its two people (None for anyone else)."""
    if not is_signed_in(viewer):
        return None
    found = db.session.scalar(select(MentoringRequest).where(MentoringRequest.room_id == room_id))
    return found if found is not None and viewer.id in (found.mentor_id, found.mentee_id) else None


def requests_of(user: User) -> dict[str, list[MentoringRequest]]:
    """The member's requests, as mentor and as mentee, newest first."""
    expire_due()
    db.session.commit()
    query = select(MentoringRequest).order_by(MentoringRequest.id.desc())
    return {
        "as_mentor": list(db.session.scalars(query.where(MentoringRequest.mentor_id == user.id))),
        "as_mentee": list(db.session.scalars(query.where(MentoringRequest.mentee_id == user.id))),
    }


def open_requests_of(user: User) -> list[MentoringRequest]:
    """The member's pending and accepted requests, as mentor or mentee, newest first. Read only, for a
    page everyone opens often: a pending request past its date is left out, as expire_due would make it."""
    involved = or_(MentoringRequest.mentor_id == user.id, MentoringRequest.mentee_id == user.id)
    still_open = or_(
        MentoringRequest.status == ACCEPTED,
        and_(MentoringRequest.status == PENDING, MentoringRequest.expires_at > utcnow()),
    )
    query = (
        select(MentoringRequest)
        .where(involved, still_open)
        .options(selectinload(MentoringRequest.mentor), selectinload(MentoringRequest.mentee))
        .order_by(MentoringRequest.id.desc())
    )
    return list(db.session.scalars(query))


def has_asked(user: User) -> bool:
    """Whether the member has ever asked anyone for mentoring."""
    return (
        db.session.scalar(select(MentoringRequest.id).where(MentoringRequest.mentee_id == user.id).limit(1)) is not None
    )


def ask(actor: User, offer_id, message) -> MentoringRequest:
    """A member asks a mentor for help. At most 3 pending requests each; never twice to one mentor."""
    if not is_signed_in(actor) or not actor.is_verified_email:
        raise Forbidden("Confirm your email address before asking for mentoring")
    offer = get_offer(offer_id)
    if offer.mentor_id == actor.id:
        raise Invalid("offer_id", "You cannot ask yourself for mentoring")
    if offer.is_paused or not offer.mentor.is_verified_public_servant or is_suspended(offer.mentor):
        raise Conflict("This mentor is not taking requests at the moment")
    if offer.places_left == 0:
        raise Conflict("This mentor has no places free at the moment")
    message = _text("message", message, "Tell the mentor what you would like help with")
    expire_due()
    mine = select(MentoringRequest).where(MentoringRequest.mentee_id == actor.id)
    if (
        db.session.scalar(select(func.count()).select_from(mine.where(MentoringRequest.status == PENDING).subquery()))
        >= MAX_PENDING
    ):
        raise Conflict(
            f"You can have at most {MAX_PENDING} requests waiting for an answer. Wait for one, or cancel one"
        )
    if db.session.scalar(
        mine.where(MentoringRequest.mentor_id == offer.mentor_id, MentoringRequest.status.in_((PENDING, ACCEPTED)))
    ):
        raise Conflict("You already have a request with this mentor")
    found = MentoringRequest(
        offer_id=offer.id,
        mentor_id=offer.mentor_id,
        mentee_id=actor.id,
        message=message,
        expires_at=utcnow() + EXPIRES_AFTER,
    )
    db.session.add(found)
    notice(found, offer.mentor_id, "requested")
    commit()
    return found


def accept(actor: User, request_id) -> MentoringRequest:
    """The mentor accepts; a private room opens for the two of them."""
    found = _own_pending(actor, request_id, as_mentor=True)
    offer_id, request_pk = found.offer_id, found.id
    # Finish the read transaction before writing: on SQLite the write below then starts a fresh
    # transaction (no stale snapshot), and on PostgreSQL each UPDATE waits for any racing one.
    db.session.commit()
    taken = db.session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.id == request_pk, MentoringRequest.status == PENDING)
        .values(status=ACCEPTED, answered_at=utcnow())
    )
    if taken.rowcount != 1:
        db.session.rollback()
        raise Conflict("This request has already been answered, withdrawn or has expired")
    placed = db.session.execute(
        update(Offer)
        .where(Offer.id == offer_id, Offer.active_mentees < Offer.capacity)
        .values(active_mentees=Offer.active_mentees + 1)
    )
    if placed.rowcount != 1:
        db.session.rollback()
        raise Conflict("Your mentoring is full: complete a mentoring, or raise your capacity, before accepting")
    db.session.refresh(found)
    found.room_id = _open_room(found)
    notice(found, found.mentee_id, "accepted")
    commit()
    return found


def _open_room(found: MentoringRequest) -> int:
    """A private room with exactly the two of them, opened by rooms in this transaction."""
    return signals.answer(
        signals.open_private_room,
        found,
        name=f"Mentoring: {found.mentor.display_name} and {found.mentee.display_name}"[:80],
        description=found.message[:500],
        slug_words=f"mentoring {found.mentor.username} {found.mentee.username}",
        member_ids=(found.mentor_id, found.mentee_id),
        created_by_id=found.mentor_id,
        mentoring=True,
    )


def decline(actor: User, request_id, reason="") -> MentoringRequest:
    found = _own_pending(actor, request_id, as_mentor=True)
    reason = _text("reason", reason)
    changed = db.session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.id == found.id, MentoringRequest.status == PENDING)
        .values(status=DECLINED, answered_at=utcnow(), decline_reason=reason)
    )
    if changed.rowcount != 1:
        db.session.rollback()
        raise Conflict("This request has already been answered, withdrawn or has expired")
    db.session.refresh(found)
    notice(found, found.mentee_id, "declined")
    commit()
    return found


def _own_pending(actor: User, request_id, *, as_mentor: bool) -> MentoringRequest:
    found = get_request(actor, request_id)
    if as_mentor and found.mentor_id != actor.id:
        raise Forbidden("Only the mentor can answer this request")
    expire_due()
    db.session.refresh(found)
    if found.status != PENDING:
        raise Conflict(f"This request is {found.status} and can no longer be answered")
    return found


def end(actor: User, request_id, completed: bool) -> MentoringRequest:
    """Either side completes an accepted mentoring, or cancels a pending or accepted one; the room
    is archived (read-only, still visible to both) and the mentor's place is freed."""
    found = get_request(actor, request_id)
    if not found.involves(actor):
        raise Forbidden("Only the mentor and the mentee can do that")
    expire_due()
    db.session.refresh(found)
    allowed = (ACCEPTED,) if completed else (PENDING, ACCEPTED)
    if found.status not in allowed:
        what = "completed" if completed else "cancelled"
        raise Conflict(f"This mentoring is {found.status} and cannot be {what}")
    was_active = found.status == ACCEPTED
    changed = db.session.execute(
        update(MentoringRequest)
        .where(MentoringRequest.id == found.id, MentoringRequest.status == found.status)
        .values(status=COMPLETED if completed else CANCELLED, ended_at=utcnow(), ended_by_id=actor.id)
    )
    if changed.rowcount != 1:
        db.session.rollback()
        raise Conflict("Someone else changed this mentoring a moment ago: look again")
    if was_active:
        db.session.execute(
            update(Offer).where(Offer.id == found.offer_id).values(active_mentees=Offer.active_mentees - 1)
        )
    db.session.refresh(found)
    if found.room is not None and found.room.archived_at is None:
        found.room.archived_at = utcnow()
    other = found.mentee_id if actor.id == found.mentor_id else found.mentor_id
    notice(found, other, "completed" if completed else "cancelled")
    commit()
    return found


def leave_feedback(actor: User, request_id, helpful, note) -> MentoringRequest:
    """After completion: the mentee says whether it helped (seen by the mentor and admins only)."""
    found = get_request(actor, request_id)
    if found.mentee_id != actor.id:
        raise Forbidden("Only the mentee can leave feedback")
    if found.status != COMPLETED:
        raise Conflict("You can leave feedback once the mentoring is completed")
    if found.helpful is not None:
        raise Conflict("You have already left feedback")
    if helpful not in (True, False):
        raise Invalid("helpful", "Say whether the mentoring helped")
    found.helpful, found.feedback = helpful, _text("feedback", note)
    db.session.commit()
    return found


def write_summary(actor: User, request_id, text) -> MentoringRequest:
    found = get_request(actor, request_id)
    if found.mentor_id != actor.id:
        raise Forbidden("Only the mentor can write the closing summary")
    if found.status != COMPLETED:
        raise Conflict("You can write a summary once the mentoring is completed")
    found.summary = _text("summary", text, "Write a short summary")
    db.session.commit()
    return found


def notice(found: MentoringRequest, user_id: int, event: str) -> None:
    """Tell one side, in the caller's transaction: live once it commits, and by email as they chose
    (not about the other side's doing, if they blocked them; the sweep's warning is nobody's)."""
    if found.id is None:
        db.session.flush()
    other = found.mentee_id if user_id == found.mentor_id else found.mentor_id
    actor_id = None if event == "expiring" else other
    notify(user_id, f"mentoring_{event}", found.id, conversation=f"mentoring:{found.id}", actor_id=actor_id)
