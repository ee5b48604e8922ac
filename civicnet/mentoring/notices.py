"""How mentoring's notifications read: one kind per thing that happens to a request."""

from civicnet.extensions import db
from civicnet.mentoring.models import MentoringRequest, Offer
from civicnet.notifications import kinds, preferences
from civicnet.notifications.kinds import OwnEmail, Shown
from civicnet.notifications.services import notify
from civicnet.tags.follows import followers
from civicnet.urls import external_url

TEXT = {
    "mentoring_requested": "{mentee} asked you for mentoring",
    "mentoring_accepted": "{mentor} accepted your mentoring request",
    "mentoring_declined": "{mentor} declined your mentoring request",
    "mentoring_expiring": "{mentee}'s mentoring request expires soon",
    "mentoring_completed": "Your mentoring with {other} was completed",
    "mentoring_cancelled": "Your mentoring with {other} was cancelled",
}


SUBJECTS = {
    "requested": "a new mentoring request",
    "accepted": "your mentoring request was accepted",
    "declined": "your mentoring request was declined",
    "expiring": "a mentoring request expires soon",
    "completed": "a mentoring was completed",
    "cancelled": "a mentoring was cancelled",
}

preferences.register_event(
    "mentoring",
    "A mentoring request to me or from me changes",
    "A new request, accepted or declined, expiring soon, completed or cancelled.",
    preferences.EMAIL,
    order=50,
)


@kinds.register(*TEXT, event="mentoring")
def _shown(notification) -> Shown | None:
    found = db.session.get(MentoringRequest, notification.subject_id)
    if found is None:
        return None
    other = found.mentee if notification.user_id == found.mentor_id else found.mentor
    text = TEXT[notification.kind].format(
        mentor=found.mentor.display_name, mentee=found.mentee.display_name, other=other.display_name
    )
    url = external_url("mentoring.request_page", request_id=found.id)
    return Shown(lead="", link_text=text, url=url, excerpt=text, person=other)


@kinds.register_email(*TEXT)
def _email(notification) -> OwnEmail | None:
    found = db.session.get(MentoringRequest, notification.subject_id)
    event = notification.kind.removeprefix("mentoring_")
    link = external_url("mentoring.request_page", request_id=found.id)
    context = {"user": notification.user, "request": found, "event": event, "link": link}
    return OwnEmail(SUBJECTS[event], "mentoring/email/notice", context)


TAG_MENTOR = "tag_mentor"  # a mentor now offers help on a tag the member follows


def tell_tag_followers(offer: Offer, new_tag_ids: list[int]) -> None:
    """The members following a tag the offer newly covers hear of the mentor (in the offer's transaction)."""
    if not new_tag_ids:
        return
    for user_id in followers(new_tag_ids):
        if user_id != offer.mentor_id:
            notify(user_id, TAG_MENTOR, offer.id, conversation=f"tag-mentor:{offer.id}", actor_id=offer.mentor_id)


@kinds.register(TAG_MENTOR, event="followed_tag")
def _tag_mentor(notification) -> Shown | None:
    offer = db.session.get(Offer, notification.subject_id)
    if offer is None or offer.mentor.erased_at is not None:
        return None
    mentor = offer.mentor.display_name
    tags = ", ".join(tag.name for tag in offer.tags)
    return Shown(
        lead="A mentor on a tag you follow:",
        link_text=f"{mentor} offers help with {tags}",
        url=external_url("mentoring.offer_page", offer_id=offer.id),
        excerpt=offer.description,
        group=tags,
        person=offer.mentor,
    )
