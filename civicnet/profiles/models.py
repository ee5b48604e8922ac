"""Profiles: what a member says about themselves, and who may see it."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicnet.db_types import UTCDateTime, utcnow
from civicnet.extensions import db

PUBLIC = "public"
MEMBERS = "members"
EVERYONE, ROOMS = "everyone", "rooms"  # who may notify a member by @mention
MENTIONS_FROM = {EVERYONE: "Anyone who can read the room", ROOMS: "Only people in rooms I have joined"}
VISIBILITIES = {PUBLIC: "Anyone, including people who are not signed in", MEMBERS: "Only signed-in members"}

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
    # Privacy settings (civicnet.profiles.privacy): in the people directory and search; suggested to
    # learners as a mentor; who may notify them by @mention.
    listed: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    suggest_as_mentor: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    mentions_from: Mapped[str] = mapped_column(String(10), default=EVERYONE, server_default=EVERYONE)
    # When the member hid the first-steps checklist on their home page (None: shown until every step is done).
    first_steps_hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped["User"] = relationship(back_populates="profile")  # noqa: F821
