"""Telling a member that someone acting in a role looked at their data."""

from huey import crontab

from civicnet import access_log, signals
from civicnet.access_log import AccessEntry
from civicnet.extensions import db
from civicnet.jobs import periodic
from civicnet.notifications import kinds, preferences
from civicnet.notifications.kinds import Shown
from civicnet.notifications.services import notify
from civicnet.transactions import commit
from civicnet.urls import external_url

KIND = "data_accessed"

preferences.register_event(
    "data_accessed",
    "Someone acting in a role looks at my data",
    "A moderator or administrator, with their purpose. Looks kept back for an investigation come when it ends.",
    preferences.EMAIL,
    order=80,
)


@signals.data_accessed.connect
def _tell(entry_id: int, subject_id: int, **_) -> None:
    entry = db.session.get(AccessEntry, entry_id)
    if entry is not None and entry.role != "self":  # the member's own export needs no notice
        notify(subject_id, KIND, entry_id)
        commit()


@periodic(crontab(minute="*/10"))
def disclose_held_looks() -> None:
    """Looks kept from members appear, with their notification, once their date has passed."""
    access_log.disclose_due()
    commit()


@kinds.register(KIND, event="data_accessed")
def _shown(notification) -> Shown | None:
    entry = db.session.get(AccessEntry, notification.subject_id)
    if entry is None:
        return None
    text = f"{entry.who} looked at your data: {entry.purpose_text.lower()}"
    return Shown(lead="", link_text=text, url=external_url("datarights.access"), excerpt=text)
