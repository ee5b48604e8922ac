"""Digests: daily or weekly, only to members who have not visited since the last one, never empty, grouped
by room and tag with the newest first, and never sent twice, even by a run that stopped halfway."""

from datetime import timedelta

from sqlalchemy import select

from civicnet.accounts.services import find_user_by_username
from civicnet.db_types import utcnow
from civicnet.emails import Email
from civicnet.extensions import db
from civicnet.mentoring.offers import OfferDetails, save_offer
from civicnet.notifications import digest, preferences
from civicnet.rooms import levels, messages
from civicnet.rooms import services as rooms
from civicnet.tags import follows
from civicnet.tags.services import get_tag
from tests.factories import make_verified
from tests.notifications.conftest import send_due

WEEK = timedelta(days=7)


def run() -> int:
    return digest.run(utcnow())


def follow_room(username: str, room: str) -> None:
    user = find_user_by_username(username)
    levels.set_notify_level(user, rooms.get_readable_room(user, room), "follow")


def post(author: str, room: str, body: str):
    user = find_user_by_username(author)
    return messages.post_message(rooms.get_readable_room(user, room), user, body)


def digests_to(username: str) -> list[Email]:
    user = find_user_by_username(username)
    return list(db.session.scalars(select(Email).where(Email.user_id == user.id, Email.subject.like("%digest"))))


def test_a_digest_with_nothing_new_is_not_sent(town, clock, outbox):
    clock.shift(WEEK)
    assert run() == 0
    assert outbox == []


def test_a_weekly_digest_groups_by_room_newest_first_and_comes_once(town, clock, outbox):
    follow_room("bob", "open-data")
    follow_room("bob", "budget")
    post("ada", "open-data", "The tender closes on Friday")
    clock.shift(3600)
    post("cyd", "open-data", "Who is on the panel?")
    post("ada", "budget", "Figures attached")
    clock.shift(timedelta(days=1))
    assert run() == 0  # weekly: not yet
    clock.shift(WEEK - timedelta(days=1))
    assert run() == 1
    [email] = outbox
    assert email.subject == "civicnet: your weekly digest"
    body = email.body
    # Grouped by room, the room with the newest first, and newest first within it.
    assert body.index("== Budget ==") < body.index("== Open data ==")
    assert body.index("Who is on the panel?") < body.index("The tender closes on Friday")
    assert "/rooms/budget#message-" in body
    assert "<h2" in email.html and "Open data" in email.html
    assert dict(email.extra_headers)["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "because you chose a weekly digest" in body
    clock.shift(WEEK)
    assert run() == 0  # nothing new since: no second copy, no empty digest
    assert len(outbox) == 1


def test_a_member_who_visited_since_the_last_digest_gets_none(town, clock, outbox, client, auth):
    follow_room("bob", "open-data")
    post("ada", "open-data", "News for Bob")
    clock.shift(timedelta(days=2))
    auth.sign_in("bob")
    assert client.get("/").status_code == 200  # a visit
    clock.shift(WEEK)
    assert run() == 0 and outbox == []
    # The next one starts from then: something new after it comes in the following digest.
    post("ada", "open-data", "More news")
    clock.shift(WEEK)
    assert run() == 1
    assert "More news" in outbox[0].body and "News for Bob" not in outbox[0].body


def test_a_daily_digest_and_none_at_all(town, clock, outbox):
    for name, frequency in (("bob", preferences.DAILY), ("cyd", preferences.NEVER)):
        preferences.email_settings(find_user_by_username(name).id).digest = frequency
        follow_room(name, "open-data")
    db.session.commit()
    post("ada", "open-data", "Today's minutes")
    clock.shift(timedelta(days=1))
    assert run() == 1
    assert [email.subject for email in outbox] == ["civicnet: your daily digest"]
    assert digests_to("cyd") == []


def test_following_a_tag_brings_new_rooms_and_mentors_on_it_into_the_digest(town, clock, outbox):
    ada, bob = find_user_by_username("ada"), find_user_by_username("bob")
    rooms.create_room(ada, rooms.RoomDetails(name="AI procurement", tags="Artificial intelligence"))
    follows.follow(bob, get_tag("artificial-intelligence"))
    db.session.commit()
    rooms.create_room(ada, rooms.RoomDetails(name="Chatbots in councils", tags="Artificial intelligence, Housing"))
    rooms.create_room(ada, rooms.RoomDetails(name="Secret AI", kind="private", tags="Artificial intelligence"))
    rooms.create_room(ada, rooms.RoomDetails(name="Bins", tags="Waste"))
    mentor = make_verified(username="mia", help_tags="Artificial intelligence")
    save_offer(mentor, OfferDetails(tags=["artificial-intelligence"], description="I buy AI for a council"))
    clock.shift(WEEK)
    assert run() == 1
    [email] = outbox
    assert "Chatbots in councils" in email.body and "offers help with Artificial intelligence" in email.body
    assert "AI procurement" not in email.body  # opened before Bob followed the tag
    assert "Secret AI" not in email.body and "Bins" not in email.body
    assert "== Artificial intelligence ==" in email.body


def test_a_digest_run_that_fails_halfway_resumes_without_a_second_copy(town, clock, outbox, monkeypatch):
    for name in ("bob", "cyd"):
        follow_room(name, "open-data")
    post("ada", "open-data", "For everyone")
    clock.shift(WEEK)
    real, calls = digest.store_email, []

    def crash_on_the_second(*args, **kwargs):
        calls.append(kwargs["member_id"])
        if len(calls) == 2:
            raise RuntimeError("the worker died")
        return real(*args, **kwargs)

    monkeypatch.setattr(digest, "store_email", crash_on_the_second)
    assert run() == 1  # Bob's went; Cyd's failed and is logged, and holds up nobody after her
    assert len(outbox) == 1
    monkeypatch.setattr(digest, "store_email", real)
    assert run() == 1  # Cyd's, not Bob's again
    assert sorted(email.recipients[0] for email in outbox) == sorted(
        find_user_by_username(name).email for name in ("bob", "cyd")
    )
    assert run() == 0


def test_emails_folded_by_the_daily_cap_come_in_the_digest(town, clock, outbox, app):
    app.config["EMAIL_DAILY_CAP"] = 0
    post("ada", "open-data", "@bob the answer is in the minutes")
    clock.shift(300)
    assert send_due() == 0 and outbox == []
    clock.shift(WEEK)
    assert run() == 1
    assert "the answer is in the minutes" in outbox[0].body
