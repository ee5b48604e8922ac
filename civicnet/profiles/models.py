"""Profiles, skill tags and who holds which tag."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db

PUBLIC = "public"
MEMBERS = "members"
VISIBILITIES = {PUBLIC: "Anyone, including people who are not signed in", MEMBERS: "Only signed-in members"}

HELP = "help"
LEARN = "learn"
TAG_KINDS = {HELP: "I can help with", LEARN: "I want to learn about"}

# UK nations and the English regions (ITL1), in the order people expect to see them.
REGIONS = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Scotland",
    "Wales",
    "Northern Ireland",
    "Outside the UK",
)


class Profile(db.Model):
    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    pronouns: Mapped[str | None] = mapped_column(String(40))
    organisation: Mapped[str | None] = mapped_column(String(100))
    job_title: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    bio_markdown: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(10), default=PUBLIC)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped["User"] = relationship(back_populates="profile")  # noqa: F821


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UserTag(db.Model):
    __tablename__ = "user_tags"
    __table_args__ = (Index("ix_user_tags_tag_kind", "tag_id", "kind"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    tag: Mapped[Tag] = relationship(lazy="joined")
