"""What each member wants to hear about, and how: a channel per event, and their email settings.

The events are registered by the capabilities that send them (as notification kinds are), each with a
sensible default; a member's choice is stored only where it differs from the default. The security
and data-rights emails (password or email changed, account deletion) are not events: they are always
sent and cannot be turned off."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from civicnet.db_types import UTCDateTime
from civicnet.extensions import db

SITE, EMAIL, DIGEST, OFF = "site", "email", "digest", "off"
CHANNELS = {
    SITE: "On the site only",
    EMAIL: "Email straight away",
    DIGEST: "In the digest",
    OFF: "Off",
}
DAILY, WEEKLY, NEVER = "daily", "weekly", "never"
DIGEST_CHOICES = {DAILY: "Daily", WEEKLY: "Weekly", NEVER: "Never"}


@dataclass(frozen=True)
class Event:
    key: str
    label: str  # "Someone mentions me"
    hint: str  # one sentence: what counts
    default: str
    order: int
    channels: tuple[str, ...] = (SITE, EMAIL, DIGEST, OFF)
    audience: Callable[[object], bool] | None = None  # who sees the row (moderators only...); None: everyone
    waits: bool = False  # emailed after NOTIFY_EMAIL_DELAY, only if still unread (conversations)
    capped: bool = True  # counts towards the daily cap; False for what a member must be told (decisions)


_EVENTS: dict[str, Event] = {}


def register_event(key: str, label: str, hint: str, default: str, order: int, **options) -> Event:
    if key in _EVENTS:
        raise ValueError(f"notification event {key!r} is registered twice")
    _EVENTS[key] = Event(key, label, hint, default, order, **options)
    return _EVENTS[key]


def events_for(user) -> list[Event]:
    """The events this member can receive, in the settings table's order."""
    found = [event for event in _EVENTS.values() if event.audience is None or event.audience(user)]
    return sorted(found, key=lambda event: event.order)


def event(key: str) -> Event | None:
    return _EVENTS.get(key)


class NotificationChoice(db.Model):
    """A member's channel for one event, where it differs from the event's default."""

    __tablename__ = "notification_choices"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    event: Mapped[str] = mapped_column(String(30), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))


class EmailSettings(db.Model):
    """A member's email settings, and the digest's memory (when the last one went)."""

    __tablename__ = "email_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    digest: Mapped[str] = mapped_column(String(10), default=WEEKLY)
    # In emails about private rooms, the message itself or only "you were mentioned in #room".
    private_text: Mapped[bool] = mapped_column(Boolean, default=True)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def channel_for(user_id: int, key: str) -> str:
    """The channel this member chose for the event, or its default."""
    found = _EVENTS.get(key)
    if found is None:
        return SITE
    chosen = db.session.scalar(
        select(NotificationChoice.channel).where(NotificationChoice.user_id == user_id, NotificationChoice.event == key)
    )
    return chosen if chosen in found.channels else found.default


def channels_of(user) -> dict[str, str]:
    """Every event's channel for this member (their choice or the default)."""
    chosen = dict(
        db.session.execute(
            select(NotificationChoice.event, NotificationChoice.channel).where(NotificationChoice.user_id == user.id)
        ).all()
    )
    return {
        found.key: chosen[found.key] if chosen.get(found.key) in found.channels else found.default
        for found in events_for(user)
    }


def set_channel(user, key: str, channel: str) -> None:
    """Store one choice (in the caller's transaction); a choice equal to the default is not kept."""
    found = _EVENTS[key]
    if channel not in found.channels:
        raise ValueError(f"{channel!r} is not a channel for {key!r}")
    db.session.execute(
        delete(NotificationChoice).where(NotificationChoice.user_id == user.id, NotificationChoice.event == key)
    )
    if channel != found.default:
        db.session.add(NotificationChoice(user_id=user.id, event=key, channel=channel))


def email_settings(user_id: int) -> EmailSettings:
    """The member's email settings, created with the defaults the first time they are needed."""
    settings = db.session.get(EmailSettings, user_id)
    if settings is None:
        settings = EmailSettings(user_id=user_id, digest=WEEKLY, private_text=True)
        db.session.add(settings)
    return settings
