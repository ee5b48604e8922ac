"""The signed-in member's home: their rooms, mentions, mentoring, suggestions and first steps.

One function per section, each taking the member and reading through the services of the capability
that owns the data (pages is a face, so it may use them all); the counting and permission rules stay
with those capabilities."""

from dataclasses import dataclass

from flask import url_for

from civicnet.accounts.models import User
from civicnet.mentoring import offers, requests
from civicnet.mentoring.models import ACCEPTED, MentoringRequest
from civicnet.notifications import services as notifications
from civicnet.notifications.kinds import Shown
from civicnet.notifications.models import Notification
from civicnet.rooms import levels
from civicnet.rooms import services as rooms
from civicnet.rooms.models import Room
from civicnet.rooms.notifications import MENTION, MUTE, REPLY
from civicnet.tags.models import HELP, LEARN, Tag
from civicnet.tags.services import user_tags

ROOMS_SHOWN = 10
MENTIONS_SHOWN = 5
SUGGESTIONS_SHOWN = 3


@dataclass
class RoomItem:
    room: Room
    unread: int  # 0 for a muted room: it counts nothing
    muted: bool
    url: str  # to the first unread message, where there is one


@dataclass
class MyRooms:
    items: list[RoomItem]  # the most recently active, at most ROOMS_SHOWN
    total: int


def my_rooms(member: User) -> MyRooms:
    """The rooms the member belongs to, most recently active first, with their unread counts (rooms'
    own listing: a grouped count, not a query per room). Archived rooms are left out: nothing new
    happens in them."""
    listings = [item for item in rooms.list_rooms(member, joined_only=True) if not item.room.is_archived]
    items = []
    for listing in listings[:ROOMS_SHOWN]:
        muted = listing.level == MUTE
        unread = 0 if muted else listing.unread or 0
        # The room page marks the first unread message it shows with this anchor ("New messages").
        anchor = "first-unread" if unread else None
        items.append(
            RoomItem(listing.room, unread, muted, url_for("rooms.show", slug=listing.room.slug, _anchor=anchor))
        )
    return MyRooms(items, len(listings))


def mentions(member: User) -> list[tuple[Notification, Shown]]:
    """The member's newest unread mentions and replies, with what each shows (a mention from a room
    they can no longer read is left out by its renderer)."""
    return notifications.listed(member, MENTIONS_SHOWN, kinds=(MENTION, REPLY), unread_only=True)


@dataclass
class OpenRequest:
    request: MentoringRequest
    as_mentor: bool
    other: User  # the other person: the mentee, for a mentor
    state: str


def open_mentoring(member: User) -> list[OpenRequest]:
    """The member's pending and accepted mentoring requests, as mentor and as mentee, newest first."""
    found = []
    for request in requests.open_requests_of(member):
        as_mentor = request.mentor_id == member.id
        if request.status == ACCEPTED:
            state = "In progress"
        else:
            state = "Waiting for your answer" if as_mentor else "Waiting for an answer"
        found.append(OpenRequest(request, as_mentor, request.mentee if as_mentor else request.mentor, state))
    return found


@dataclass
class Suggestions:
    tags: list[Tag]  # the member's skill tags, both lists, each once
    learn_tags: list[Tag]
    rooms: list[Room]
    mentors: list[offers.Suggestion]


def suggestions(member: User) -> Suggestions:
    """Public rooms on the member's skill tags that they have not joined, and mentors with a free place
    for what they want to learn (mentoring's own matching), a few of each."""
    learn = user_tags(member, LEARN)
    tags = list({tag.id: tag for tag in user_tags(member, HELP) + learn}.values())
    mentors = []
    if learn:
        # Not a mentor the member is already waiting on or working with.
        asked = {request.mentor_id for request in requests.open_requests_of(member)}
        mentors = [found for found in offers.suggestions(member) if found.mentor.id not in asked]
    return Suggestions(
        tags=tags,
        learn_tags=learn,
        rooms=rooms.rooms_on_tags(member, [tag.id for tag in tags], SUGGESTIONS_SHOWN),
        mentors=mentors[:SUGGESTIONS_SHOWN],
    )


@dataclass
class Step:
    text: str
    url: str | None  # None: it cannot be started yet
    done: bool
    hint: str = ""


def first_steps(member: User) -> list[Step]:
    """The new member's checklist, each step ticked off from what they have done; none once every step
    is done or they chose to hide it."""
    if member.profile.first_steps_hidden_at is not None:
        return []
    return _steps_left(member)


def first_steps_hidden(member: User) -> bool:
    """Whether the member hid a checklist that still has steps to do (their home offers it again)."""
    return member.profile.first_steps_hidden_at is not None and bool(_steps_left(member))


def _steps_left(member: User) -> list[Step]:
    confirmed = member.is_verified_email
    not_yet = "Confirm your email address first"
    edit = url_for("profiles.edit")
    if offers.can_offer(member):
        mentoring = Step("Offer mentoring", url_for("mentoring.offer"), offers.offer_of(member) is not None)
    else:
        asked = requests.has_asked(member)
        mentoring = Step(
            "Find a mentor", url_for("mentoring.index") if confirmed else None, asked, "" if confirmed else not_yet
        )
    steps = [
        Step("Confirm your email address", url_for("accounts.check_email"), confirmed),
        Step("Add a display name and bio", edit, bool(member.profile.bio_markdown.strip())),
        Step("Add what you can help with", f"{edit}#help_tags", bool(user_tags(member, HELP))),
        Step("Add what you want to learn", f"{edit}#learn_tags", bool(user_tags(member, LEARN))),
        Step("Join a room", url_for("rooms.index"), bool(levels.notify_levels(member))),
        Step(
            "Post your first message",
            url_for("rooms.index") if confirmed else None,
            rooms.last_posted_at(member.id) is not None,
            "" if confirmed else not_yet,
        ),
        mentoring,
    ]
    return [] if all(step.done for step in steps) else steps
