"""Review and publication: a draft is open for comment, then published once a citizen and a verified
public servant have both signed it off; a published entry past its review date needs review. A
supplier may be given a right of reply, never a vote."""

from datetime import timedelta

from huey import crontab
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from civicnet import audit
from civicnet.accounts.permissions import check_moderator, is_moderator, is_signed_in
from civicnet.accounts.services import find_user_by_username
from civicnet.db_types import utcnow
from civicnet.errors import Conflict, Forbidden, Invalid
from civicnet.extensions import db
from civicnet.jobs import periodic
from civicnet.register import entries, notices
from civicnet.register.models import DRAFT, PUBLISHED, Entry, SignOff
from civicnet.transactions import commit

CITIZEN, PUBLIC_SERVANT = "citizen", "public_servant"
CAPACITIES = {CITIZEN: "Citizen", PUBLIC_SERVANT: "Verified public servant"}


def capacity_of(user) -> str:
    return PUBLIC_SERVANT if user.is_verified_public_servant else CITIZEN


def sign_off(actor, entry: Entry) -> SignOff:
    """A reviewer signs the entry off; it is published at once if that completes the review."""
    if not is_signed_in(actor) or not actor.is_verified_email:
        raise Forbidden("Sign in with a confirmed email address to review entries")
    if entry.supplier_member_id == actor.id:
        raise Forbidden("The supplier has a right of reply, not a vote")
    if entry.created_by_id == actor.id:
        raise Forbidden("Reviewers are others: ask a citizen and a verified public servant to sign off your draft")
    if entry.status != DRAFT:
        raise Conflict("This entry is already published")
    signed = SignOff(user_id=actor.id, capacity=capacity_of(actor), revision=entry.revision)
    entry.sign_offs.append(signed)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("You have already signed this version off") from None
    publish_if_ready(entry)
    commit()
    return signed


def missing(entry: Entry) -> list[str]:
    """What the draft still needs before it is published."""
    needs = []
    capacities = {signed.capacity for signed in entry.sign_offs if signed.revision == entry.revision}
    if CITIZEN not in capacities:
        needs.append("a citizen's sign-off")
    if PUBLIC_SERVANT not in capacities:
        needs.append("a verified public servant's sign-off")
    if utcnow() < entry.comment_until:
        needs.append(f"the comment period to end ({entry.comment_until:%-d %B %Y})")
    return needs


def publish_if_ready(entry: Entry) -> bool:
    if entry.status != DRAFT or missing(entry):
        return False
    entry.status, entry.published_at = PUBLISHED, utcnow()
    notices.tell_followers(entry, None, notices.PUBLISHED)
    return True


@periodic(crontab(minute="15"))
def publish_due_drafts() -> None:
    publish_due()


def publish_due() -> int:
    """Drafts whose comment period ended after both sign-offs came are published by the hour."""
    published = sum(
        publish_if_ready(entry)
        for entry in db.session.scalars(select(Entry).where(Entry.status == DRAFT, Entry.comment_until <= utcnow()))
    )
    commit()
    return published


def needs_review(entry: Entry) -> bool:
    return entry.status == PUBLISHED and (entry.review_by <= utcnow().date() or changed_since_review(entry))


def review_queue() -> list[Entry]:
    """Drafts waiting for reviewers, and published entries past their review date or changed since it."""
    query = select(Entry).order_by(Entry.review_by).options(selectinload(Entry.sign_offs))
    return [entry for entry in db.session.scalars(query) if entry.status == DRAFT or needs_review(entry)]


def mark_reviewed(actor, entry: Entry, months: int = 12) -> Entry:
    """A verified public servant or a moderator confirms the entry still holds, until a new date."""
    if not (is_signed_in(actor) and (actor.is_verified_public_servant or is_moderator(actor))):
        raise Forbidden("Only verified public servants and moderators confirm a review")
    if months not in (3, 6, 12, 24):
        raise Invalid("months", "Choose when it should be reviewed next")
    entry.review_by = utcnow().date() + timedelta(days=round(months * 30.4))
    entries.keep_revision_after(entry, actor, f"Reviewed: still holds, next review in {months} months")
    # Their confirmation signs the version as it now stands.
    entry.sign_offs.append(SignOff(user_id=actor.id, capacity=capacity_of(actor), revision=entry.revision))
    notices.tell_followers(entry, actor, notices.UPDATED)
    commit()
    return entry


def give_right_of_reply(actor, entry: Entry, username: str) -> None:
    check_moderator(actor)
    supplier = find_user_by_username(str(username or "").strip().lstrip("@"))
    if supplier is None:
        raise Invalid("username", "There is no member with that username")
    entry.supplier_member_id = supplier.id
    audit.record(actor, "register_right_of_reply", subject=supplier, item_type="technology", item_id=entry.id)
    commit()


def write_reply(actor, entry: Entry, text) -> Entry:
    if not is_signed_in(actor) or entry.supplier_member_id != actor.id:
        raise Forbidden("Only the supplier given a right of reply may write it")
    text = str(text or "").strip()
    if len(text) > 3000:
        raise Invalid("reply", "The reply must be 3,000 characters or fewer")
    entry.supplier_reply = text
    entries.keep_revision_after(entry, actor, "The supplier's reply")
    notices.tell_followers(entry, actor, notices.UPDATED)
    commit()
    return entry


def reviewers_needed_for(entry: Entry):
    """For the page: who signed, as what."""
    return [
        (signed.user, CAPACITIES[signed.capacity], signed.created_at, signed.revision) for signed in entry.sign_offs
    ]


def changed_since_review(entry: Entry) -> bool:
    """A published entry edited after its reviewers signed it off: it shows so, and needs review."""
    signed = [s.revision for s in entry.sign_offs]
    return entry.is_published and bool(signed) and entry.revision > max(signed)
