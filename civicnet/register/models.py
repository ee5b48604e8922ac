"""An entry, its revisions, its evidence and deployments, its reviewers and its followers."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db
from civicnet.tags.services import register_tag_use

KINDS = {
    "product": "Product",
    "service": "Service",
    "vendor": "Vendor",
    "approach": "Approach",
    "standard": "Standard",
}
VERDICTS = {
    "real": "Real",
    "promising": "Promising",
    "mixed": "Mixed",
    "avoid": "To be avoided",
    "unknown": "Not enough evidence",
}
EVIDENCE_KINDS = {
    "deployment": "Deployment",
    "evaluation": "Evaluation",
    "audit": "Audit",
    "incident": "Incident",
    "cost": "Cost",
    "decision": "Court or regulator decision",
    "discussion": "Room discussion",
}
# The questions public bodies answer about the tools they use (ATRS tier 2, Eurocities 0.3).
QUESTIONS = {
    "personal_data": "What personal data does it use?",
    "lawful_basis": "On what lawful basis?",
    "risks": "What are the risks, and how are they mitigated?",
    "oversight": "What human oversight is there?",
    "objection": "How can a person object or ask for a human decision?",
    "alternatives": "What alternatives were considered?",
    "exit_plan": "What is the exit plan, and how much lock-in is there?",
    "code_of_practice": "Which Technology Code of Practice points does it meet or miss?",
}
DRAFT, PUBLISHED = "draft", "published"
CONSENT_ASKED, CONSENT_GIVEN, CONSENT_REFUSED = "asked", "given", "refused"


class Entry(db.Model):
    __tablename__ = "register_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(90), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    supplier: Mapped[str] = mapped_column(String(120), default="")
    companies_house: Mapped[str] = mapped_column(String(8), default="")
    version_or_date: Mapped[str] = mapped_column(String(60), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    verdict: Mapped[str] = mapped_column(String(20), default="unknown")
    reasoning: Mapped[str] = mapped_column(Text, default="")
    dissent: Mapped[str] = mapped_column(Text, default="")
    # The ATRS / Eurocities questions, keyed as QUESTIONS.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    supplier_reply: Mapped[str] = mapped_column(Text, default="")
    # The member a moderator gave the supplier's right of reply (never a vote).
    supplier_member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default=DRAFT, index=True)
    # The version saved last: an edit made from an older one is a conflict, never an overwrite.
    revision: Mapped[int] = mapped_column(default=1)
    comment_until: Mapped[datetime] = mapped_column(UTCDateTime())
    review_by: Mapped[date] = mapped_column(Date)
    source_room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    tags: Mapped[list["Tag"]] = relationship(secondary="register_entry_tags", order_by="Tag.name")  # noqa: F821
    evidence: Mapped[list["Evidence"]] = relationship(
        back_populates="entry", order_by="Evidence.id", cascade="all, delete-orphan"
    )
    deployments: Mapped[list["Deployment"]] = relationship(order_by="Deployment.id", cascade="all, delete-orphan")
    sign_offs: Mapped[list["SignOff"]] = relationship(order_by="SignOff.id", cascade="all, delete-orphan")
    comments: Mapped[list["Comment"]] = relationship(order_by="Comment.id", cascade="all, delete-orphan")
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    supplier_member: Mapped["User | None"] = relationship(foreign_keys=[supplier_member_id])  # noqa: F821

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED


class EntryTag(db.Model):
    __tablename__ = "register_entry_tags"

    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)


register_tag_use(EntryTag.__table__, "entry_id")  # a tag merge moves these too


class Revision(db.Model):
    """Every saved version of an entry, whole, for its history and diffs."""

    __tablename__ = "register_revisions"
    __table_args__ = (UniqueConstraint("entry_id", "number", name="uq_register_revisions_entry_id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(200), default="")
    fields: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    editor: Mapped["User | None"] = relationship()  # noqa: F821


class Evidence(db.Model):
    __tablename__ = "register_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    # A cited room message (its permalink is built from it); a private room's only with its author's consent.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), index=True)
    consent: Mapped[str | None] = mapped_column(String(10))  # None: not needed (a public room, a link)
    consent_from_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    dated: Mapped[date | None] = mapped_column(Date)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    conflict_of_interest: Mapped[str] = mapped_column(String(300), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="evidence")
    added_by: Mapped["User | None"] = relationship(foreign_keys=[added_by_id])  # noqa: F821

    @property
    def shown(self) -> bool:
        """Whether its cited text may be shown: no consent needed, or given."""
        return self.consent in (None, CONSENT_GIVEN)


class Deployment(db.Model):
    __tablename__ = "register_deployments"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(String(120))
    started: Mapped[date | None] = mapped_column(Date)
    ended: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[str] = mapped_column(String(120), default="")


class SignOff(db.Model):
    """A reviewer's sign-off: shown on the entry. One per member per entry."""

    __tablename__ = "register_sign_offs"
    __table_args__ = (
        UniqueConstraint("entry_id", "user_id", "revision", name="uq_register_sign_offs_entry_id_user_id_revision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # What they signed as, then: "citizen" or "public_servant" (verified), kept as it was.
    capacity: Mapped[str] = mapped_column(String(20))
    # The version they signed: an edit after it needs signing again before the draft is published.
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped["User"] = relationship()  # noqa: F821


class Comment(db.Model):
    """A member's comment on an entry: drafts are open for comment, and published entries stay so."""

    __tablename__ = "register_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped["User | None"] = relationship()  # noqa: F821


class EntryFollow(db.Model):
    __tablename__ = "register_follows"

    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entries.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
