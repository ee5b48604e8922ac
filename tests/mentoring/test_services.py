"""Mentoring rules, called directly: who may offer, offer tags and capacity, pausing, suggestions and
their ranking, request rules, accepting into a private room, declining, completing and cancelling,
expiry and its warning, feedback and summaries, notifications, and who may see a request."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from civicnet.access_log import AccessEntry
from civicnet.accounts.services import suspend_user
from civicnet.db_types import utcnow
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.mentoring import expiry, offers, requests
from civicnet.mentoring.models import MentoringRequest, Offer
from civicnet.mentoring.offers import OfferDetails
from civicnet.moderation import reports
from civicnet.moderation.models import Report
from civicnet.notifications.models import Notification
from civicnet.rooms import history, messages
from civicnet.rooms import services as rooms
from civicnet.rooms.models import Membership, Message, Room
from civicnet.rooms.permissions import can_manage, can_post
from civicnet.tags.names import tag_slug
from tests.factories import make_moderator, make_room, make_user, make_verified

DATA, AI, HOUSING = "Data protection", "AI ethics", "Housing"


# --- Helpers ---------------------------------------------------------------------------------


def details(
    *tags: str, capacity=1, description="I have run data protection at a council for ten years"
) -> OfferDetails:
    return OfferDetails(tags=[tag_slug(tag) for tag in tags], description=description, capacity=capacity)


def make_mentor(username: str, *tags: str, capacity=1, help_tags: str | None = None, **kwargs):
    """A verified public servant whose "I can help with" lists `help_tags` (default: `tags`), offering `tags`."""
    mentor = make_verified(username=username, help_tags=help_tags or ", ".join(tags), **kwargs)
    offers.save_offer(mentor, details(*tags, capacity=capacity))
    return mentor


def offer_id(mentor) -> int:
    return offers.offer_of(mentor).id


def ask(mentee, mentor, message="Could you help me with a DPIA?"):
    return requests.ask(mentee, offer_id(mentor), message)


def active_mentees(mentor) -> int:
    db.session.expire_all()
    return offers.offer_of(mentor).active_mentees


def status_of(request_id: int) -> str:
    db.session.expire_all()
    return db.session.get(MentoringRequest, request_id).status


def notices(user) -> list[tuple[str, int]]:
    """(kind, request id) of the member's notifications, oldest first."""
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    return [(n.kind, n.subject_id) for n in db.session.scalars(query)]


def subjects_to(outbox, user) -> list[str]:
    return [message.subject for message in outbox if message.recipients == [user.email]]


def room_members(room) -> set[int]:
    return set(db.session.scalars(select(Membership.user_id).where(Membership.room_id == room.id)))


@pytest.fixture
def people(ctx):
    """Mia, a verified mentor (data protection and AI ethics, 2 places); Ned and Ola, who want to
    learn; Pat, another member; Moe, a moderator; Ann, an admin."""
    return {
        "mia": make_mentor("mia", DATA, AI, capacity=2, display_name="Mia Mentor"),
        "ned": make_user(username="ned", display_name="Ned Newcomer", learn_tags=f"{DATA}, {AI}"),
        "ola": make_user(username="ola", learn_tags=DATA),
        "pat": make_user(username="pat"),
        "moe": make_moderator(username="moe"),
        "ann": make_user(username="ann", role="admin"),
    }


# --- Offers ----------------------------------------------------------------------------------


def test_only_verified_public_servants_offer(ctx):
    """Citizens, moderators, and public servants without a verification in force are refused."""
    citizen = make_user(username="cit", help_tags=DATA)
    moderator = make_moderator(username="mod-one", help_tags=DATA)
    unverified = make_user(username="pub", role="public_servant", help_tags=DATA)
    lapsed = make_verified(username="lapsed", help_tags=DATA)
    lapsed.verified_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    for member in (citizen, moderator, unverified, lapsed):
        assert not offers.can_offer(member)
        with pytest.raises(Forbidden, match="Only verified public servants can offer mentoring"):
            offers.save_offer(member, details(DATA))
    assert db.session.scalar(select(func.count(Offer.id))) == 0


def test_offer_tags_come_from_the_mentors_i_can_help_with_tags(ctx):
    mentor = make_verified(username="vera", help_tags=f"{DATA}, {AI}", learn_tags=HOUSING)
    for tags in ([], [tag_slug(HOUSING)], [tag_slug(DATA), tag_slug(HOUSING)], ["made-up"]):
        with pytest.raises(Invalid, match="from your “I can help with” list") as refused:
            offers.save_offer(mentor, OfferDetails(tags=tags, description="Help", capacity=1))
        assert refused.value.field == "tags"
    assert offers.offer_of(mentor) is None
    offer = offers.save_offer(mentor, OfferDetails(tags=[tag_slug(DATA), tag_slug(AI)], description="Help"))
    assert [tag.name for tag in offer.tags] == [AI, DATA]


@pytest.mark.parametrize("capacity", [0, 21, -1, "abc", "1.5", "", None])
def test_capacity_must_be_a_whole_number_from_1_to_20(ctx, capacity):
    mentor = make_verified(username="vera", help_tags=DATA)
    with pytest.raises(Invalid, match="Capacity must be a whole number from 1 to 20") as refused:
        offers.save_offer(mentor, details(DATA, capacity=capacity))
    assert refused.value.field == "capacity" and offers.offer_of(mentor) is None


def test_capacity_limits_are_accepted_and_a_mentor_has_one_offer(ctx):
    mentor = make_verified(username="vera", help_tags=f"{DATA}, {AI}")
    assert offers.save_offer(mentor, details(DATA, capacity=1)).capacity == 1
    assert offers.save_offer(mentor, details(AI, capacity="20")).capacity == 20
    assert db.session.scalar(select(func.count(Offer.id))) == 1
    assert [tag.name for tag in offers.offer_of(mentor).tags] == [AI]


def test_capacity_cannot_drop_below_the_active_mentees(people):
    mia = people["mia"]
    requests.accept(mia, ask(people["ned"], mia).id)
    requests.accept(mia, ask(people["ola"], mia).id)
    with pytest.raises(Invalid, match="You have 2 active mentees: capacity cannot be lower"):
        offers.save_offer(mia, details(DATA, AI, capacity=1))
    db.session.rollback()
    assert offers.offer_of(mia).capacity == 2


def test_pausing_and_resuming_an_offer(people):
    """A paused offer is not listed and refuses requests; pausing twice conflicts; resuming reopens it."""
    mia = people["mia"]
    assert offers.set_paused(mia, True).is_paused
    assert offers.open_offers() == []
    with pytest.raises(Conflict, match="already paused"):
        offers.set_paused(mia, True)
    with pytest.raises(Conflict, match="not taking requests"):
        ask(people["ned"], mia)
    assert not offers.set_paused(mia, False).is_paused
    with pytest.raises(Conflict, match="already open"):
        offers.set_paused(mia, False)
    assert [offer.mentor_id for offer in offers.open_offers()] == [mia.id]
    assert ask(people["ned"], mia).status == "pending"
    with pytest.raises(NotFound, match="no mentoring offer"):
        offers.set_paused(people["pat"], True)


def test_open_offers_filter_by_tag(people):
    housing = make_mentor("hugo", HOUSING)
    assert [offer.mentor_id for offer in offers.open_offers(HOUSING)] == [housing.id]
    assert [offer.mentor_id for offer in offers.open_offers("data-protection")] == [people["mia"].id]
    assert offers.open_offers("Data Protection") == offers.open_offers("data-protection")
    assert offers.open_offers("nothing-like-it") == []
    assert len(offers.open_offers()) == 2


# --- Suggestions -----------------------------------------------------------------------------


def names(suggestions) -> list[str]:
    return [suggestion.mentor.username for suggestion in suggestions]


def last_posted(room, mentor, minutes_ago: int) -> None:
    message = messages.post_message(room, mentor, f"{mentor.username} was here")
    db.session.get(Message, message.id).created_at = utcnow() - timedelta(minutes=minutes_ago)
    db.session.commit()


def test_suggestions_rank_by_matching_tags_then_places_left_then_recent_activity(ctx):
    """Three mentors prove each tie-break: two matching tags beat one (even with fewer places);
    with equal matches, more places come first; with equal places, the most recently active."""
    vic = make_user(username="vic", learn_tags=f"{DATA}, {AI}")
    both = make_mentor("both", DATA, AI, capacity=1)
    data = make_mentor("data", DATA, capacity=2)
    ethics = make_mentor("ethics", AI, capacity=3)
    found = offers.suggestions(vic)
    assert names(found) == ["both", "ethics", "data"]
    assert [[tag.name for tag in s.matching] for s in found] == [[AI, DATA], [AI], [DATA]]
    assert found[1].offer.places_left == 3 and found[1].last_active is None

    offers.save_offer(ethics, details(AI, capacity=2))  # now as many places as `data`
    room = make_room(vic, "Chat", members=[data, ethics])
    last_posted(room, data, minutes_ago=5)
    last_posted(room, ethics, minutes_ago=50)
    assert names(offers.suggestions(vic)) == ["both", "data", "ethics"]
    last_posted(room, ethics, minutes_ago=1)
    assert names(offers.suggestions(vic)) == ["both", "ethics", "data"]
    offers.save_offer(both, details(DATA, capacity=1))  # one match now, and the fewest places
    assert names(offers.suggestions(vic)) == ["ethics", "data", "both"]


def test_suggestions_leave_out_paused_full_unverified_suspended_and_unmatched_mentors(ctx):
    vic = make_verified(username="vic", learn_tags=DATA, help_tags=DATA)
    offers.save_offer(vic, details(DATA))  # their own offer is never suggested to them
    make_mentor("open", DATA)
    offers.set_paused(make_mentor("paused", DATA), True)
    full = make_mentor("full", DATA)
    requests.accept(full, ask(make_user(username="taken", learn_tags=DATA), full).id)
    lapsed = make_mentor("lapsed", DATA)
    lapsed.verified_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    suspend_user(None, make_mentor("banned", DATA), "Harassment")
    make_mentor("housing", HOUSING)
    assert names(offers.suggestions(vic)) == ["open"]
    assert sorted(o.mentor.username for o in offers.open_offers()) == ["housing", "open", "vic"]
    assert offers.suggestions(make_user(username="nobody-wants")) == []


def test_a_mentor_whose_suspension_has_ended_is_suggested_again(ctx):
    vic = make_user(username="vic", learn_tags=DATA)
    mentor = make_mentor("back", DATA)
    suspend_user(None, mentor, "Cooling off", until=utcnow() + timedelta(hours=1))
    assert names(offers.suggestions(vic)) == []
    mentor.suspended_until = utcnow() - timedelta(minutes=1)  # the hour has passed
    db.session.commit()
    assert names(offers.suggestions(vic)) == ["back"]


# --- Asking ----------------------------------------------------------------------------------


def test_a_request_notifies_the_mentor_and_emails_them(people, outbox):
    mia, ned = people["mia"], people["ned"]
    made = ask(ned, mia, "  Help me write a DPIA  ")
    assert (made.status, made.mentor_id, made.mentee_id, made.message) == (
        "pending",
        mia.id,
        ned.id,
        "Help me write a DPIA",
    )
    assert timedelta(days=13, hours=23) < made.expires_at - utcnow() <= timedelta(days=14)
    assert notices(mia) == [("mentoring_requested", made.id)] and notices(ned) == []
    assert subjects_to(outbox, mia) == ["civicnet: a new mentoring request"] and subjects_to(outbox, ned) == []
    assert "Ned Newcomer asked you for mentoring" in outbox[-1].body and "Help me write a DPIA" in outbox[-1].body


def test_nobody_asks_themselves(people):
    with pytest.raises(Invalid, match="cannot ask yourself"):
        ask(people["mia"], people["mia"])


def test_at_most_three_pending_requests(people):
    """The fourth pending request is refused saying why; once one is answered, another may be sent."""
    ned = people["ned"]
    mentors = [people["mia"]] + [make_mentor(f"mentor{n}", DATA) for n in range(3)]
    first = ask(ned, mentors[0])
    for mentor in mentors[1:3]:
        ask(ned, mentor)
    with pytest.raises(Conflict, match="You can have at most 3 requests waiting for an answer"):
        ask(ned, mentors[3])
    assert db.session.scalar(select(func.count(MentoringRequest.id))) == 3
    requests.decline(mentors[0], first.id)
    assert ask(ned, mentors[3]).status == "pending"


def test_not_twice_to_the_same_mentor_while_pending_or_accepted(people):
    mia, ned = people["mia"], people["ned"]
    first = ask(ned, mia)
    with pytest.raises(Conflict, match="already have a request with this mentor"):
        ask(ned, mia)
    requests.accept(mia, first.id)
    with pytest.raises(Conflict, match="already have a request with this mentor"):
        ask(ned, mia)
    requests.end(ned, first.id, completed=True)
    assert ask(ned, mia).status == "pending"  # after it ended, they may ask again


def test_full_paused_and_unverified_offers_refuse_requests(people):
    mia = make_mentor("solo", DATA, capacity=1)
    requests.accept(mia, ask(people["ola"], mia).id)
    with pytest.raises(Conflict, match="no places free"):
        ask(people["ned"], mia)
    lapsed = make_mentor("lapsed", DATA)
    lapsed.verified_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(Conflict, match="not taking requests"):
        ask(people["ned"], lapsed)
    with pytest.raises(NotFound, match="no such mentoring offer"):
        requests.ask(people["ned"], 2**31 + 5, "Hello")
    with pytest.raises(NotFound):
        requests.ask(people["ned"], "1", "Hello")
    assert notices(people["ned"]) == []


def test_a_request_needs_a_message_and_a_confirmed_account(people):
    with pytest.raises(Invalid, match="Tell the mentor what you would like help with"):
        ask(people["ned"], people["mia"], "   ")
    with pytest.raises(Invalid, match="2,000 characters or fewer"):
        ask(people["ned"], people["mia"], "x" * 2001)
    with pytest.raises(Forbidden, match="Confirm your email address"):
        ask(make_user(username="fresh", verified=False), people["mia"])
    assert db.session.scalar(select(func.count(MentoringRequest.id))) == 0


def test_a_suspended_mentor_takes_no_requests(people):
    suspend_user(None, people["mia"], "Harassment")
    with pytest.raises(Conflict):
        ask(people["ned"], people["mia"])


# --- Accepting -------------------------------------------------------------------------------


def test_accepting_opens_a_private_room_for_exactly_the_two_of_them(people, outbox):
    mia, ned = people["mia"], people["ned"]
    accepted = requests.accept(mia, ask(ned, mia).id)
    room = accepted.room
    assert accepted.status == "accepted" and accepted.answered_at is not None
    assert room.is_mentoring and room.is_private and not room.is_archived
    assert room_members(room) == {mia.id, ned.id}
    assert active_mentees(mia) == 1
    for member in (mia, ned):
        assert rooms.get_readable_room(member, room.slug).id == room.id and can_post(member, room)
    assert notices(ned) == [("mentoring_accepted", accepted.id)]
    assert subjects_to(outbox, ned) == ["civicnet: your mentoring request was accepted"]


def test_nobody_else_reads_a_mentoring_room_and_nobody_adds_members(people):
    """A third member, a moderator and an admin get NotFound; nobody, not even the mentor or a
    moderator, may manage it or add anyone."""
    mia, ned = people["mia"], people["ned"]
    room = requests.accept(mia, ask(ned, mia).id).room
    for outsider in (people["pat"], people["moe"], people["ann"]):
        with pytest.raises(NotFound):
            rooms.get_readable_room(outsider, room.slug)
    for member in (mia, ned, people["moe"], people["ann"]):
        assert can_manage(member, room) is False
    for member in (mia, people["moe"]):
        with pytest.raises(Forbidden):
            rooms.add_member(member, room, "pat")
    with pytest.raises(Forbidden, match="private"):
        rooms.join_room(people["pat"], room)
    assert room_members(room) == {mia.id, ned.id}


def test_only_the_mentor_answers(people):
    mia, ned = people["mia"], people["ned"]
    made = ask(ned, mia)
    with pytest.raises(Forbidden, match="Only the mentor can answer"):
        requests.accept(ned, made.id)
    with pytest.raises(Forbidden, match="Only the mentor can answer"):
        requests.decline(ned, made.id, "Never mind")
    for outsider in (people["pat"], people["moe"], people["ann"]):
        with pytest.raises(NotFound):
            requests.accept(outsider, made.id)
        with pytest.raises(NotFound):
            requests.decline(outsider, made.id)
        with pytest.raises(NotFound):
            requests.end(outsider, made.id, completed=False)
    assert status_of(made.id) == "pending" and active_mentees(mia) == 0
    assert db.session.scalar(select(func.count(Room.id))) == 0


def test_accepting_twice_or_declining_after_accepting_conflicts_and_changes_nothing(people):
    mia, ned = people["mia"], people["ned"]
    made = ask(ned, mia)
    requests.accept(mia, made.id)
    with pytest.raises(Conflict, match="accepted and can no longer be answered"):
        requests.accept(mia, made.id)
    with pytest.raises(Conflict, match="accepted and can no longer be answered"):
        requests.decline(mia, made.id, "Changed my mind")
    assert status_of(made.id) == "accepted" and active_mentees(mia) == 1
    assert db.session.scalar(select(func.count(Room.id))) == 1
    assert db.session.get(MentoringRequest, made.id).decline_reason == ""
    assert notices(ned) == [("mentoring_accepted", made.id)]


def test_a_full_mentor_cannot_accept_another(people):
    """Capacity is checked when accepting too (here sequentially; tests/mentoring/test_events.py races it)."""
    solo = make_mentor("solo", DATA, capacity=1)
    first, second = ask(people["ned"], solo), ask(people["ola"], solo)
    requests.accept(solo, first.id)
    with pytest.raises(Conflict, match="Your mentoring is full"):
        requests.accept(solo, second.id)
    assert status_of(second.id) == "pending" and active_mentees(solo) == 1
    assert db.session.scalar(select(func.count(Room.id))) == 1


# --- Declining, completing, cancelling -------------------------------------------------------


def test_declining_with_or_without_a_reason_tells_the_mentee(people, outbox):
    mia, ned, ola = people["mia"], people["ned"], people["ola"]
    with_reason, without = ask(ned, mia), ask(ola, mia)
    requests.decline(mia, with_reason.id, "  I am away until June ")
    requests.decline(mia, without.id)
    assert (status_of(with_reason.id), status_of(without.id)) == ("declined", "declined")
    assert db.session.get(MentoringRequest, with_reason.id).decline_reason == "I am away until June"
    assert notices(ned) == [("mentoring_declined", with_reason.id)]
    assert notices(ola) == [("mentoring_declined", without.id)]
    assert subjects_to(outbox, ned) == ["civicnet: your mentoring request was declined"]
    told = next(m for m in outbox if m.recipients == [ned.email]).body
    assert "Mia Mentor declined your mentoring request. Their reason: I am away until June" in told
    assert active_mentees(mia) == 0 and db.session.scalar(select(func.count(Room.id))) == 0
    with pytest.raises(Invalid, match="2,000 characters"):
        requests.decline(mia, ask(people["pat"], mia).id, "x" * 2001)


@pytest.mark.parametrize(("ender", "completed"), [("ned", True), ("mia", True), ("ned", False), ("mia", False)])
def test_completing_or_cancelling_archives_the_room_and_frees_the_place(people, outbox, ender, completed):
    """Either side ends it: the other is told, the room stays readable by both but takes no
    messages, and the mentor's place is free again."""
    mia, ned = people["mia"], people["ned"]
    accepted = requests.accept(mia, ask(ned, mia).id)
    room_slug = accepted.room.slug
    messages.post_message(accepted.room, ned, "Thank you!")
    assert active_mentees(mia) == 1
    ended = requests.end(people[ender], accepted.id, completed=completed)
    kind = "mentoring_completed" if completed else "mentoring_cancelled"
    other = ned if ender == "mia" else mia
    assert ended.status == ("completed" if completed else "cancelled") and ended.ended_by_id == people[ender].id
    assert active_mentees(mia) == 0
    room = db.session.scalar(select(Room).where(Room.slug == room_slug))
    assert room.is_archived and room_members(room) == {mia.id, ned.id}
    for member in (mia, ned):
        assert rooms.get_readable_room(member, room_slug).id == room.id
        assert [m.body for m in history.page(member, room).messages] == ["Thank you!"]
        with pytest.raises(Forbidden, match="archived"):
            messages.post_message(room, member, "one more thing")
    assert notices(other)[-1] == (kind, accepted.id) and kind not in [k for k, _ in notices(people[ender])]
    subject = "a mentoring was completed" if completed else "a mentoring was cancelled"
    assert subjects_to(outbox, other)[-1] == f"civicnet: {subject}"


def test_ending_is_checked(people):
    """A pending request cannot be completed, only withdrawn; nothing ends twice; the place is freed once."""
    mia, ned, ola = people["mia"], people["ned"], people["ola"]
    pending = ask(ned, mia)
    with pytest.raises(Conflict, match="pending and cannot be completed"):
        requests.end(ned, pending.id, completed=True)
    assert requests.end(ned, pending.id, completed=False).status == "cancelled"
    assert pending.room is None
    accepted = requests.accept(mia, ask(ola, mia).id)
    requests.end(mia, accepted.id, completed=True)
    for completed in (True, False):
        with pytest.raises(Conflict, match="completed and cannot be"):
            requests.end(ola, accepted.id, completed=completed)
    assert active_mentees(mia) == 0


# --- Expiry ----------------------------------------------------------------------------------


def overdue(made, **ago) -> None:
    db.session.get(MentoringRequest, made.id).expires_at = utcnow() - timedelta(**(ago or {"minutes": 1}))
    db.session.commit()


def test_pending_requests_expire_after_14_days_on_reading(people):
    mia, ned = people["mia"], people["ned"]
    made = ask(ned, mia)
    overdue(made)
    listed = requests.requests_of(ned)["as_mentee"]
    assert [(r.id, r.status) for r in listed] == [(made.id, "expired")]
    assert status_of(made.id) == "expired" and db.session.get(MentoringRequest, made.id).ended_at is not None
    with pytest.raises(Conflict, match="expired and can no longer be answered"):
        requests.accept(mia, made.id)
    assert active_mentees(mia) == 0 and db.session.scalar(select(func.count(Room.id))) == 0
    assert ask(ned, mia).status == "pending"  # an expired request does not block a new one


def test_an_overdue_request_cannot_be_accepted_even_before_anything_reads_it(people):
    mia = people["mia"]
    made = ask(people["ned"], mia)
    overdue(made)
    with pytest.raises(Conflict, match="expired"):
        requests.accept(mia, made.id)
    with pytest.raises(Conflict, match="expired"):
        requests.decline(mia, made.id)
    db.session.rollback()
    assert active_mentees(mia) == 0 and db.session.scalar(select(func.count(Room.id))) == 0


def test_the_sweep_warns_the_mentor_two_days_before_once_then_expires(people, outbox):
    mia, ned, ola = people["mia"], people["ned"], people["ola"]
    soon, later, late = ask(ned, mia), ask(ola, mia), ask(people["pat"], mia)
    now = utcnow()
    db.session.get(MentoringRequest, soon.id).expires_at = now + timedelta(days=1)
    db.session.get(MentoringRequest, later.id).expires_at = now + timedelta(days=3)
    db.session.get(MentoringRequest, late.id).expires_at = now - timedelta(hours=1)
    db.session.commit()
    outbox.clear()
    assert expiry.sweep() == (1, 1)
    assert notices(mia)[-1] == ("mentoring_expiring", soon.id)
    assert [kind for kind, _ in notices(mia)].count("mentoring_expiring") == 1
    assert notices(ned) == [] and notices(ola) == []
    assert subjects_to(outbox, mia) == ["civicnet: a mentoring request expires soon"] and len(outbox) == 1
    assert "Ned Newcomer's mentoring request expires on" in outbox[0].body
    assert (status_of(soon.id), status_of(later.id), status_of(late.id)) == ("pending", "pending", "expired")
    assert expiry.sweep() == (0, 0) and len(outbox) == 1
    assert expiry.sweep(now=now + timedelta(days=1, minutes=1)) == (1, 1)  # `later` warned, `soon` expired
    assert (status_of(soon.id), status_of(later.id)) == ("expired", "pending")
    with pytest.raises(Conflict, match="expired"):
        requests.accept(mia, soon.id)


# --- Feedback and summaries ------------------------------------------------------------------


def completed_request(people):
    mia, ned = people["mia"], people["ned"]
    accepted = requests.accept(mia, ask(ned, mia).id)
    return accepted, requests.end(ned, accepted.id, completed=True)


def test_feedback_only_by_the_mentee_after_completion_and_once(people):
    mia, ned = people["mia"], people["ned"]
    accepted = requests.accept(mia, ask(ned, mia).id)
    with pytest.raises(Conflict, match="once the mentoring is completed"):
        requests.leave_feedback(ned, accepted.id, True, "Great")
    requests.end(mia, accepted.id, completed=True)
    with pytest.raises(Forbidden, match="Only the mentee"):
        requests.leave_feedback(mia, accepted.id, True, "I was great")
    with pytest.raises(NotFound):
        requests.leave_feedback(people["pat"], accepted.id, True, "Hmm")
    with pytest.raises(Invalid, match="Say whether the mentoring helped"):
        requests.leave_feedback(ned, accepted.id, None, "")
    done = requests.leave_feedback(ned, accepted.id, True, " Very clear advice ")
    assert (done.helpful, done.feedback) == (True, "Very clear advice")
    with pytest.raises(Conflict, match="already left feedback"):
        requests.leave_feedback(ned, accepted.id, False, "Changed my mind")
    db.session.expire_all()
    assert (db.session.get(MentoringRequest, accepted.id).helpful, done.feedback) == (True, "Very clear advice")


def test_feedback_cannot_be_left_on_a_cancelled_mentoring(people):
    mia, ned = people["mia"], people["ned"]
    accepted = requests.accept(mia, ask(ned, mia).id)
    requests.end(mia, accepted.id, completed=False)
    with pytest.raises(Conflict):
        requests.leave_feedback(ned, accepted.id, False, "It was cancelled")


def test_a_summary_only_by_the_mentor_after_completion(people):
    mia, ned = people["mia"], people["ned"]
    accepted = requests.accept(mia, ask(ned, mia).id)
    with pytest.raises(Conflict, match="once the mentoring is completed"):
        requests.write_summary(mia, accepted.id, "Went well")
    requests.end(ned, accepted.id, completed=True)
    with pytest.raises(Forbidden, match="Only the mentor"):
        requests.write_summary(ned, accepted.id, "I learnt a lot")
    with pytest.raises(Invalid, match="Write a short summary"):
        requests.write_summary(mia, accepted.id, "  ")
    assert requests.write_summary(mia, accepted.id, "We wrote a DPIA together").summary == "We wrote a DPIA together"


# --- Who sees a request ----------------------------------------------------------------------


def test_only_the_two_people_see_a_request(people):
    mia, ned = people["mia"], people["ned"]
    made = ask(ned, mia)
    assert requests.get_request(mia, made.id) is made and requests.get_request(ned, made.id) is made
    for outsider in (people["pat"], people["moe"], people["ann"], None):
        with pytest.raises(NotFound):
            requests.get_request(outsider, made.id)
    with pytest.raises(NotFound):
        requests.get_request(people["moe"], made.id, why="Curious")  # not reported
    assert requests.requests_of(people["pat"]) == {"as_mentor": [], "as_mentee": []}
    assert [r.id for r in requests.requests_of(mia)["as_mentor"]] == [made.id]
    assert requests.requests_of(mia)["as_mentee"] == []
    assert db.session.scalar(select(func.count(AccessEntry.id))) == 0


def test_a_moderator_sees_a_reported_request_and_the_view_is_recorded_for_both(people):
    mia, ned, moe = people["mia"], people["ned"], people["moe"]
    made = ask(ned, mia, "Can we meet at your flat?")
    with pytest.raises(NotFound):
        reports.report(people["pat"], "request", made.id, "harassment")  # outsiders cannot even report it
    reports.report(mia, "request", made.id, "other", "Asked to meet at my home")
    with pytest.raises(NotFound):
        requests.get_request(moe, made.id)  # only with a reason, which is recorded
    assert requests.get_request(moe, made.id, why="Reviewing a report about it") is made
    records = db.session.scalars(select(AccessEntry).order_by(AccessEntry.id)).all()
    assert sorted(r.subject_id for r in records) == sorted([mia.id, ned.id])
    (report_id,) = db.session.scalars(select(Report.id))
    assert {(r.actor_id, r.role, r.purpose, r.case_ref, r.categories) for r in records} == {
        (moe.id, "moderator", "report", f"report #{report_id}", "private_messages")
    }
    with pytest.raises(NotFound):
        requests.get_request(people["pat"], made.id, why="I am curious")
    assert db.session.scalar(select(func.count(AccessEntry.id))) == 2


def test_notifications_go_to_the_right_person_through_a_whole_mentoring(people, outbox):
    mia, ned = people["mia"], people["ned"]
    made = ask(ned, mia)
    requests.accept(mia, made.id)
    requests.end(mia, made.id, completed=True)
    assert notices(mia) == [("mentoring_requested", made.id)]
    assert notices(ned) == [("mentoring_accepted", made.id), ("mentoring_completed", made.id)]
    assert subjects_to(outbox, mia) == ["civicnet: a new mentoring request"]
    assert subjects_to(outbox, ned) == [
        "civicnet: your mentoring request was accepted",
        "civicnet: a mentoring was completed",
    ]
    assert all(f"/mentoring/requests/{made.id}" in message.body for message in outbox)


def test_nobody_leaves_a_mentoring_room_while_it_lasts(ctx):
    """Its two members are fixed: leaving would strand the mentoring, so the way out is to end it."""
    from civicnet.errors import Forbidden as Refused
    from civicnet.rooms import services as room_services
    from tests.factories import make_room as room_factory

    owner = make_user(username="plainowner")
    room = room_factory(owner, name="Plain room", kind="private")
    room.is_mentoring = True
    with pytest.raises(Refused, match="complete or cancel"):
        room_services.leave_room(owner, room)
