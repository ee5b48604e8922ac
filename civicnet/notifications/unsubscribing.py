"""One-click unsubscribe (RFC 8058): every email a member can turn off carries a signed link that turns
off that email's category without signing in, from a mail client's one POST or from the link.

A category is a list of events (a missed-message email may carry mentions and replies) or the digest.
Unsubscribing keeps the notifications on the site: only the email stops."""

from flask import current_app

from civicnet.accounts.models import User
from civicnet.accounts.tokens import make_token, read_token
from civicnet.extensions import db
from civicnet.notifications import preferences
from civicnet.urls import external_url

PURPOSE = "unsubscribe"
DIGEST = "digest"


def link(user_id: int, events: list[str]) -> str:
    token = make_token(PURPOSE, {"user": user_id, "events": list(events)})
    return external_url("notifications.unsubscribe", token=token)


def footer(user: User, events: list[str], unsubscribe_url: str) -> str:
    """Why the email came, and how to stop it, in plain text."""
    if events == [DIGEST]:
        why = f"You get this because you chose a {preferences.email_settings(user.id).digest} digest."
    else:
        labels = [preferences.event(key).label.lower() for key in events if preferences.event(key)]
        why = "You get this because you chose to be emailed when: " + "; ".join(labels) + "."
    return (
        f"{why}\nChange what civicnet emails you: {external_url('notifications.settings')}\n"
        f"Unsubscribe from these emails (one click, no need to sign in): {unsubscribe_url}"
    )


def read(token: str) -> tuple[User, list[str]] | None:
    """The member and the categories a token unsubscribes from, or None if it is forged or too old."""
    payload = read_token(PURPOSE, token, current_app.config["UNSUBSCRIBE_LINK_MAX_AGE"])
    if not payload or not isinstance(payload.get("user"), int) or not isinstance(payload.get("events"), list):
        return None
    user = db.session.get(User, payload["user"])
    if user is None or user.erased_at is not None:
        return None
    return user, [key for key in payload["events"] if isinstance(key, str)]


def unsubscribe(user: User, events: list[str]) -> list[str]:
    """Stop these emails (in the caller's transaction); returns what the member will no longer get."""
    stopped = []
    channels = preferences.channels_of(user)
    for key in events:
        if key == DIGEST:
            preferences.email_settings(user.id).digest = preferences.NEVER
            stopped.append("the digest")
        elif channels.get(key) == preferences.EMAIL:
            preferences.set_channel(user, key, preferences.SITE)
            stopped.append(preferences.event(key).label.lower())
    return stopped


def unsubscribe_from_everything(user: User) -> None:
    """No email but those that cannot be turned off: every event stays on the site only, no digest."""
    for key, channel in preferences.channels_of(user).items():
        if channel in (preferences.EMAIL, preferences.DIGEST) and preferences.SITE in preferences.event(key).channels:
            preferences.set_channel(user, key, preferences.SITE)
    preferences.email_settings(user.id).digest = preferences.NEVER
