"""The official-domain allowlist and members' verification requests."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db

# Seeded by the migration; admins add local-authority domains.
DEFAULT_DOMAINS = (
    "gov.uk",
    "nhs.net",
    "nhs.uk",
    "police.uk",
    "mod.gov.uk",
    "parliament.uk",
    "gov.scot",
    "gov.wales",
    "llyw.cymru",
    "nidirect.gov.uk",
)

CONFIRMING = "confirming"  # waiting for the member to follow the link sent to the official address
WAITING = "waiting"  # confirmed, waiting for a moderator's attestation
APPROVED = "approved"
DECLINED = "declined"
ENDED = "ended"  # expired, withdrawn, or the domain left the allowlist
OPEN_STATES = (CONFIRMING, WAITING)


class OfficialDomain(db.Model):
    __tablename__ = "official_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Lower case, no leading dot; an address matches the domain or any subdomain of it.
    domain: Mapped[str] = mapped_column(String(100), unique=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Verification(db.Model):
    __tablename__ = "verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(100))
    job_title: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default=CONFIRMING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821
