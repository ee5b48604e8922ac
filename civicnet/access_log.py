"""The access log: every look at a member's non-public data by someone acting in a role (a moderator,
an admin, an operator at the command line), with its purpose, shown to the member (Estonia's data
tracker). Peers reading profiles and mentors reading requests sent to them are the service itself
and are not recorded.

Entries are append-only, like the audit log (database triggers refuse UPDATE and DELETE), and hold
ids, never names: the member's page says "a moderator", the admin's view looks the person up, and once
a member is erased their id no longer resolves. A security investigation or legal request may keep an
entry from the member until a date at most 90 days ahead, only once a second admin approves (a hold,
kept in a table of its own so that the entry itself never changes)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text, and_, exists, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicnet import signals
from civicnet.db_types import AppendOnly, UTCDateTime, utcnow
from civicnet.errors import Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.transactions import on_commit

# What the person was doing: the purposes a screen asks for, in the order it lists them.
PURPOSES = {
    "report": "Handling a report",
    "appeal": "Deciding an appeal",
    "verification": "Checking a verification request",
    "support": "A support request from you",
    "security": "A security investigation",
    "legal": "A legal request",
    "rights": "Your request about your data",
    "other": "Other",
}
# Purposes whose entries may be held back from the member for a while.
HOLDABLE = ("security", "legal")
MAX_HOLD = timedelta(days=90)

CATEGORIES = {
    "profile": "Profile",
    "private_messages": "Messages in private rooms",
    "messages": "Messages",
    "files": "Files attached to your messages",
    "verification": "Verification details",
    "email": "Email address",
    "reports": "Reports about you",
    "sign_ins": "Sign-in records",
    "account": "Account and roles",
}
ACTIONS = {"view": "Looked at", "export": "Exported", "edit": "Changed", "delete": "Deleted"}
ROLES = {"moderator": "A moderator", "admin": "An administrator", "operator": "An operator", "self": "You"}

# A reload, or the next page of the same screen, within this long is the same visit.
SAME_VISIT = timedelta(minutes=10)


class AccessEntry(AppendOnly, db.Model):
    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_subject_id_id", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    subject_id: Mapped[int] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column()  # None: an operator at the command line
    role: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(20))
    case_ref: Mapped[str] = mapped_column(String(60), default="")  # "report #12": never a person's name
    note: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[str] = mapped_column(String(200))  # comma-separated CATEGORIES keys
    action: Mapped[str] = mapped_column(String(10), default="view")

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]

    @property
    def what(self) -> str:
        """ "Looked at: Profile, Reports about you"."""
        labels = ", ".join(CATEGORIES.get(c, c) for c in self.category_list)
        return f"{ACTIONS.get(self.action, self.action)}: {labels}"

    @property
    def who(self) -> str:
        return ROLES.get(self.role, "Someone")

    @property
    def purpose_text(self) -> str:
        return PURPOSES.get(self.purpose, self.purpose)


class AccessHold(db.Model):
    """An entry kept from its member until `until`, asked for by one admin and approved by another."""

    __tablename__ = "access_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("access_log.id"), unique=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime())
    requested_by_id: Mapped[int] = mapped_column()
    approved_by_id: Mapped[int | None] = mapped_column()
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disclosed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the member was told
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[AccessEntry] = relationship()


@dataclass(frozen=True)
class Look:
    """What a screen shows and why: the member it is about, and the purpose."""

    purpose: str
    categories: tuple[str, ...]
    case_ref: str = ""
    note: str = ""
    action: str = "view"


def role_of(actor) -> str:
    if actor is None:
        return "operator"
    return "admin" if getattr(actor, "role", "") == "admin" else "moderator"


def record(actor, subject_id: int, look: Look, *, role: str | None = None, hold_until: datetime | None = None):
    """Write one entry for this visit, in the caller's transaction (a repeat within SAME_VISIT writes
    nothing), and tell the member once it commits unless the entry is held back."""
    check(look)
    actor_id = getattr(actor, "id", None)
    role = role or role_of(actor)
    earlier = db.session.scalar(
        select(AccessEntry).where(
            AccessEntry.subject_id == subject_id,
            AccessEntry.actor_id.is_(None) if actor_id is None else AccessEntry.actor_id == actor_id,
            AccessEntry.purpose == look.purpose,
            AccessEntry.case_ref == look.case_ref,
            AccessEntry.action == look.action,
            AccessEntry.categories == ",".join(look.categories),
            AccessEntry.created_at > utcnow() - SAME_VISIT,
        )
    )
    if earlier is not None:
        return earlier
    entry = AccessEntry(
        subject_id=subject_id,
        actor_id=actor_id,
        role=role,
        purpose=look.purpose,
        case_ref=look.case_ref[:60],
        note=look.note,
        categories=",".join(look.categories),
        action=look.action,
    )
    db.session.add(entry)
    db.session.flush()
    if hold_until is not None:
        request_hold(actor, entry, hold_until)
    else:
        entry_id = entry.id
        on_commit(lambda: signals.data_accessed.send(entry_id, subject_id=subject_id))
    return entry


def check(look: Look) -> None:
    """Raise Invalid unless the purpose, categories and action are known (and "other" says what)."""
    if look.purpose not in PURPOSES:
        raise Invalid("purpose", f"Unknown purpose {look.purpose!r}")
    if look.purpose == "other" and not look.note.strip():
        raise Invalid("note", "Say what the purpose is")
    if not look.categories or set(look.categories) - set(CATEGORIES):
        raise Invalid("categories", "Unknown categories of data")
    if look.action not in ACTIONS:
        raise Invalid("action", f"Unknown action {look.action!r}")


def check_hold(admin, purpose: str, until: datetime, since: datetime | None = None) -> None:
    """Raise unless an administrator may keep a look for this purpose from the member until then."""
    if role_of(admin) != "admin":
        raise Forbidden("Only an administrator can ask for a look to be kept from the member")
    if purpose not in HOLDABLE:
        raise Invalid("hold_days", "Only a security investigation or a legal request can be kept from the member")
    if not utcnow() < until <= (since or utcnow()) + MAX_HOLD:
        raise Invalid("hold_days", "Choose a date in the next 90 days")


def request_hold(admin, entry: AccessEntry, until: datetime) -> AccessHold:
    """Ask to keep an entry from its member until `until` (a second admin must approve)."""
    check_hold(admin, entry.purpose, until, entry.created_at)
    hold = AccessHold(entry_id=entry.id, until=until, requested_by_id=admin.id)
    db.session.add(hold)
    return hold


def approve_hold(admin, hold_id: int) -> AccessHold:
    hold = db.session.get(AccessHold, hold_id)
    if hold is None:
        raise NotFound("There is no such hold")
    if role_of(admin) != "admin" or admin.id == hold.requested_by_id:
        raise Forbidden("A second administrator must approve a hold")
    if hold.approved_at is None:
        hold.approved_by_id, hold.approved_at = admin.id, utcnow()
    return hold


def pending_holds() -> list[AccessHold]:
    return list(db.session.scalars(select(AccessHold).where(AccessHold.approved_at.is_(None))))


# A hold waits this long for its second admin; unapproved after that, the entry is shown.
APPROVAL_WINDOW = timedelta(hours=24)


def _held_now():
    """Entries kept from their member right now: an approved hold whose date has not passed, or a hold
    asked for in the last day and still waiting for its second admin."""
    now = utcnow()
    return exists().where(
        AccessHold.entry_id == AccessEntry.id,
        AccessHold.until > now,
        or_(AccessHold.approved_at.is_not(None), AccessHold.created_at > now - APPROVAL_WINDOW),
    )


def entries_for(subject_id: int, category: str | None = None):
    """The member's visible entries, newest first, as a query for paging."""
    query = select(AccessEntry).where(AccessEntry.subject_id == subject_id, ~_held_now())
    if category:
        if category not in CATEGORIES:
            raise Invalid("category", "Unknown category")
        query = query.where(("," + AccessEntry.categories + ",").like(f"%,{category},%"))
    return query.order_by(AccessEntry.id.desc())


def newest_first():
    """Every entry, held or not, newest first: the administrators' view, which names who looked."""
    return select(AccessEntry).order_by(AccessEntry.id.desc())


def hidden_now(subject_id: int) -> tuple[int, datetime | None]:
    """How many of the member's entries are held back now, and until when the last of them is."""
    held = db.session.scalars(select(AccessEntry.id).where(AccessEntry.subject_id == subject_id, _held_now())).all()
    if not held:
        return 0, None
    until = db.session.scalar(select(func.max(AccessHold.until)).where(AccessHold.entry_id.in_(held)))
    return len(held), until


def disclose_due() -> int:
    """Tell members about entries no longer held back (the date passed, or no second admin approved)."""
    now = utcnow()
    due = db.session.scalars(
        select(AccessHold).where(
            AccessHold.disclosed_at.is_(None),
            or_(
                AccessHold.until <= now,
                and_(AccessHold.approved_at.is_(None), AccessHold.created_at <= now - APPROVAL_WINDOW),
            ),
        )
    ).all()
    for hold in due:
        hold.disclosed_at = now
        entry = db.session.get(AccessEntry, hold.entry_id)
        on_commit(lambda e=entry.id, s=entry.subject_id: signals.data_accessed.send(e, subject_id=s))
    return len(due)
