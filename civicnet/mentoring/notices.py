"""How mentoring's notifications read: one kind per thing that happens to a request."""

from civicnet.extensions import db
from civicnet.mentoring.models import MentoringRequest
from civicnet.notifications import kinds
from civicnet.notifications.kinds import Shown
from civicnet.urls import external_url

TEXT = {
    "mentoring_requested": "{mentee} asked you for mentoring",
    "mentoring_accepted": "{mentor} accepted your mentoring request",
    "mentoring_declined": "{mentor} declined your mentoring request",
    "mentoring_expiring": "{mentee}'s mentoring request expires soon",
    "mentoring_completed": "Your mentoring with {other} was completed",
    "mentoring_cancelled": "Your mentoring with {other} was cancelled",
}


@kinds.register(*TEXT)
def _shown(notification) -> Shown | None:
    found = db.session.get(MentoringRequest, notification.subject_id)
    if found is None:
        return None
    other = found.mentee if notification.user_id == found.mentor_id else found.mentor
    text = TEXT[notification.kind].format(
        mentor=found.mentor.display_name, mentee=found.mentee.display_name, other=other.display_name
    )
    url = external_url("mentoring.request_page", request_id=found.id)
    return Shown(lead="", link_text=text, url=url, excerpt=text)
