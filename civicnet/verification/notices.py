"""Telling a member about their verification: decided, or ending soon. On the site, and by email unless
they chose otherwise."""

from civicnet.extensions import db
from civicnet.notifications import kinds, preferences
from civicnet.notifications.kinds import OwnEmail, Shown
from civicnet.urls import external_url
from civicnet.verification.models import Verification

DECIDED = "verification_decided"
EXPIRING = "verification_expiring"

preferences.register_event(
    "verification",
    "My verification as a public servant is decided or ends soon",
    "Approved or declined, and a reminder 30 days before it ends.",
    preferences.EMAIL,
    order=90,
)


@kinds.register(DECIDED, EXPIRING, event="verification")
def _shown(notification) -> Shown | None:
    verification = db.session.get(Verification, notification.subject_id)
    if verification is None:
        return None
    if notification.kind == EXPIRING:
        text = f"Your verification at {verification.organisation} ends soon: verify again to keep your badge"
    elif verification.expires_at is not None:  # set only by an approval
        text = f"You are verified as a public servant at {verification.organisation}"
    else:
        text = f"Your verification at {verification.organisation} was declined"
    return Shown(lead="", link_text=text, url=external_url("verification.status"), excerpt=text)


@kinds.register_email(DECIDED, EXPIRING)
def _email(notification) -> OwnEmail | None:
    verification = db.session.get(Verification, notification.subject_id)
    if notification.kind == EXPIRING:
        subject, template = "your verification ends soon", "verification/email/reminder"
    else:
        subject, template = "your verification as a public servant", "verification/email/decided"
    context = {"user": verification.user, "verification": verification, "link": external_url("verification.status")}
    return OwnEmail(subject, template, context)
