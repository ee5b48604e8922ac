"""The home page: the marketing page for visitors; for a signed-in member, their rooms with unread
counts, mentions, mentoring, suggestions and first steps, each section's rules and empty states."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from civicnet.accounts.models import User
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.mentoring import offers, requests
from civicnet.mentoring.offers import OfferDetails
from civicnet.pages import home
from civicnet.profiles import services as profiles
from civicnet.rooms import levels, messages
from civicnet.rooms import services as rooms
from civicnet.rooms.models import Membership, Message, Room
from civicnet.tags.names import tag_slug
from tests.factories import make_room, make_user, make_verified


@pytest.fixture
def rq(app):
    """A request context: the sections build links with url_for."""
    with app.test_request_context():
        yield app


@contextmanager
def counted_queries():
    """The SQL statements run meanwhile, on the test's connection (every session in the test uses it)."""
    statements: list[str] = []
    connection = db.session.get_bind()

    def count(conn, cursor, statement, *_):
        if not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):  # the test's own transaction
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", count)


def make_mentor(username: str, *tags: str, capacity: int = 2):
    mentor = make_verified(username=username, display_name=f"Mentor {username}", help_tags=", ".join(tags))
    offers.save_offer(
        mentor, OfferDetails(tags=[tag_slug(t) for t in tags], description="Ten years of this", capacity=capacity)
    )
    return mentor


# --- Signed out ---------------------------------------------------------------------------


def test_a_signed_out_visitor_gets_the_marketing_page(client):
    page = client.get("/").get_data(as_text=True)
    assert "Learn about technology from each other" in page and "Create an account" in page
    assert "Your rooms" not in page and "First steps" not in page


# --- Your rooms -----------------------------------------------------------------------------


def test_my_rooms_are_the_joined_ones_most_recently_active_first_with_unread_counts(rq):
    ada, bob = make_user(username="ada"), make_user(username="bob")
    quiet = make_room(bob, "Quiet room", members=[ada])
    messages.post_message(quiet, bob, "An old message")
    busy = make_room(bob, "Busy room", members=[ada])
    seen = messages.post_message(busy, bob, "Seen")
    messages.mark_read(ada, busy, seen.id)
    messages.post_message(busy, bob, "New one")
    messages.post_message(busy, bob, "New two")
    muted = make_room(bob, "Muted room", members=[ada])
    levels.set_notify_level(ada, muted, "mute")
    messages.post_message(muted, bob, "Unheard")
    make_room(bob, "Public but not joined")
    make_room(bob, "Private without Ada", kind="private")
    archived = make_room(bob, "Archived room", members=[ada])
    rooms.set_archived(bob, archived, True)

    found = home.my_rooms(ada)

    assert [item.room.name for item in found.items] == ["Muted room", "Busy room", "Quiet room"]
    assert found.total == 3
    by_name = {item.room.name: item for item in found.items}
    assert (by_name["Busy room"].unread, by_name["Busy room"].muted) == (2, False)
    assert by_name["Busy room"].url == f"/rooms/{busy.slug}#first-unread"
    assert (by_name["Muted room"].unread, by_name["Muted room"].muted) == (0, True)
    assert by_name["Muted room"].url == f"/rooms/{muted.slug}"  # a muted room counts nothing
    assert by_name["Quiet room"].unread == 1


def test_a_room_read_to_the_end_links_to_the_room_without_an_unread_anchor(rq):
    ada, bob = make_user(), make_user()
    room = make_room(bob, members=[ada])
    messages.mark_read(ada, room, messages.post_message(room, bob, "Read it").id)
    messages.post_message(room, ada, "My own message is never unread")
    (item,) = home.my_rooms(ada).items
    assert (item.unread, item.url) == (0, f"/rooms/{room.slug}")


def add_rooms(member, other, count: int, start: int = 0) -> None:
    """Rooms the two share, each with one message from `other`, written directly: quicker than posting."""
    for number in range(start, start + count):
        room = Room(slug=f"room-{number}", name=f"Room {number}", created_by_id=other.id)
        db.session.add(room)
        db.session.flush()
        db.session.add_all(
            [Membership(room_id=room.id, user_id=member.id), Membership(room_id=room.id, user_id=other.id)]
        )
        db.session.add(Message(room_id=room.id, author_id=other.id, body="Hi", body_html="<p>Hi</p>"))
    db.session.commit()


def test_fifty_rooms_cost_no_more_queries_than_one(rq):
    """One grouped query for every room's unread count, not one per room."""
    ada, bob = make_user(), make_user()
    add_rooms(ada, bob, 1)
    db.session.expire_all()
    with counted_queries() as one:
        assert home.my_rooms(ada).items[0].unread == 1
    add_rooms(ada, bob, 49, start=1)
    db.session.expire_all()
    with counted_queries() as fifty:
        found = home.my_rooms(ada)
    assert found.total == 50 and len(found.items) == home.ROOMS_SHOWN
    assert all(item.unread == 1 for item in found.items)
    assert len(fifty) == len(one) <= 4, fifty  # the member reloaded, the rooms, unread counts, levels


def test_the_home_page_of_a_member_in_fifty_rooms_costs_what_it_costs_with_one(client, app, auth):
    with app.app_context():
        ada, bob = make_user(username="ada"), make_user()
        add_rooms(ada, bob, 1)
    auth.sign_in("ada")
    client.get("/")  # whatever a first visit does once (the member's last visit, say)
    with app.app_context(), counted_queries() as one:
        assert "1 unread" in client.get("/").get_data(as_text=True)
    with app.app_context():
        add_rooms(db.session.merge(ada), db.session.merge(bob), 49, start=1)
    with app.app_context(), counted_queries() as fifty:
        assert "You are in 50 rooms" in client.get("/").get_data(as_text=True)
    assert len(fifty) == len(one), fifty


def test_a_member_in_no_room_is_told_where_to_find_one(client, app, auth):
    with app.app_context():
        make_user(username="ada")
    auth.sign_in("ada")
    page = client.get("/").get_data(as_text=True)
    assert "You have not joined a room yet." in page
    assert "No unread mentions or replies. When someone mentions you with @ada" in page
    assert "You have no open mentoring requests." in page
    assert "Add your skill tags" in page


def test_the_home_page_shows_unread_counts_muted_rooms_and_links_to_the_first_unread(client, app, auth):
    with app.app_context():
        ada, bob = make_user(username="ada"), make_user(username="bob")
        room = make_room(bob, "Open data", members=[ada])
        messages.post_message(room, bob, "One")
        messages.post_message(room, bob, "Two")
        muted = make_room(bob, "Noisy room", members=[ada])
        levels.set_notify_level(ada, muted, "mute")
        messages.post_message(muted, bob, "Shh")
    auth.sign_in("ada")
    page = client.get("/").get_data(as_text=True)
    assert '<a class="govuk-link govuk-!-font-weight-bold" href="/rooms/open-data#first-unread">Open data</a>' in page
    assert '<strong class="govuk-tag govuk-tag--blue">2 unread</strong>' in page
    noisy = page[page.index("/rooms/noisy-room") :]
    assert noisy.index("Muted") < noisy.index("</li>") and "unread" not in noisy[: noisy.index("</li>")]


# --- Mentions -------------------------------------------------------------------------------


def test_mentions_are_the_unread_mentions_and_replies_newest_first(rq):
    ada, bob = make_user(username="ada"), make_user(username="bob", display_name="Bob")
    cy = make_user(username="cyd", display_name="Cy")
    room = make_room(bob, "Open data", members=[ada, cy])
    levels.set_notify_level(ada, room, "follow")  # every message notifies, but only mentions and replies show
    mine = messages.post_message(room, ada, "A question")
    messages.post_message(room, cy, "Just chatting")
    messages.post_message(room, bob, "Hello @ada")
    messages.post_message(room, cy, "An answer", reply_to_id=mine.id)
    secret = make_room(bob, "Private", kind="private", members=[ada])
    messages.post_message(secret, bob, "Secret @ada")
    rooms.remove_member(bob, secret, ada)  # a room Ada can no longer read never shows

    shown = [(notification.kind, entry.lead) for notification, entry in home.mentions(ada)]

    assert shown == [("reply", "Cy replied to you in"), ("mention", "Bob mentioned you in")]


def test_a_mention_read_in_its_room_leaves_the_home_page(client, app, auth):
    with app.app_context():
        ada, bob = make_user(username="ada"), make_user(username="bob", display_name="Bob Okafor")
        room = make_room(bob, "Open data", members=[ada])
        messages.post_message(room, bob, "What do you think, @ada?")
    auth.sign_in("ada")
    page = client.get("/").get_data(as_text=True)
    assert "Bob Okafor mentioned you in" in page and "What do you think, @ada?" in page
    link = page.split("Bob Okafor mentioned you in", 1)[1].split('href="', 1)[1].split('"', 1)[0]
    opened = client.get(link)
    assert opened.status_code == 302 and opened.headers["Location"].startswith("/rooms/open-data#message-")
    assert "Bob Okafor mentioned you in" not in client.get("/").get_data(as_text=True)


# --- Mentoring ------------------------------------------------------------------------------


def test_open_mentoring_lists_pending_and_accepted_requests_on_both_sides(rq):
    pat = make_mentor("pat", "Data protection")
    sam = make_mentor("sam", "Data protection")
    ada = make_user(username="ada", learn_tags="Data protection")
    waiting = requests.ask(ada, offers.offer_of(pat).id, "Help with a DPIA")
    active = requests.ask(ada, offers.offer_of(sam).id, "Help with retention")
    requests.accept(sam, active.id)
    ended = requests.ask(make_user(), offers.offer_of(pat).id, "Help please")
    requests.decline(pat, ended.id)
    lapsed = requests.ask(make_user(), offers.offer_of(pat).id, "Anyone?")
    lapsed.expires_at = utcnow() - timedelta(minutes=1)  # past its date, before the daily sweep
    db.session.commit()

    as_mentee = [
        (item.request.id, item.as_mentor, item.other.username, item.state) for item in home.open_mentoring(ada)
    ]
    as_mentor = [
        (item.request.id, item.as_mentor, item.other.username, item.state) for item in home.open_mentoring(pat)
    ]

    assert as_mentee == [(active.id, False, "sam", "In progress"), (waiting.id, False, "pat", "Waiting for an answer")]
    assert as_mentor == [(waiting.id, True, "ada", "Waiting for your answer")]  # declined and lapsed are over


# --- Suggested for you ----------------------------------------------------------------------


def test_suggested_rooms_are_public_unjoined_rooms_on_the_members_tags(rq):
    ada = make_user(username="ada", help_tags="Open data", learn_tags="FOI requests")
    bob = make_user()
    on_help = make_room(bob, "Open data chat", tags="Open data")
    on_learn = make_room(bob, "FOI surgery", tags="FOI requests")
    make_room(bob, "Joined already", tags="Open data", members=[ada])
    make_room(bob, "Private on open data", kind="private", tags="Open data")
    make_room(bob, "Off topic", tags="Housing")
    rooms.set_archived(bob, make_room(bob, "Archived open data", tags="Open data"), True)
    messages.post_message(on_help, bob, "Recent activity comes first")

    found = home.suggestions(ada)

    assert [room.name for room in found.rooms] == [on_help.name, on_learn.name]
    assert [tag.name for tag in found.tags] == ["Open data", "FOI requests"]


def test_suggested_mentors_come_from_mentorings_matching_a_few_at_most(rq):
    ada = make_user(username="ada", learn_tags="Data protection")
    pat, *_ = [make_mentor(name, "Data protection") for name in ("pat", "sam", "lee", "kim")]
    make_mentor("zed", "Housing")
    assert len(home.suggestions(ada).mentors) == home.SUGGESTIONS_SHOWN

    requests.ask(ada, offers.offer_of(pat).id, "Could you help?")
    found = home.suggestions(ada)

    assert {suggestion.mentor.username for suggestion in found.mentors} == {"sam", "lee", "kim"}  # not pat: asked
    assert found.rooms == []


def test_a_member_without_tags_is_told_how_to_get_suggestions(rq):
    found = home.suggestions(make_user())
    assert (found.tags, found.rooms, found.mentors) == ([], [], [])


def test_suggestions_link_to_more_rooms_and_people_by_tag(client, app, auth):
    with app.app_context():
        make_user(username="ada", help_tags="Open data", learn_tags="FOI requests")
        make_mentor("pat", "FOI requests")
    auth.sign_in("ada")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/rooms?tag=open-data">Open data<span class="govuk-visually-hidden"> (rooms)</span>' in page
    assert 'href="/people?tag=foi-requests">FOI requests<span class="govuk-visually-hidden"> (people)</span>' in page
    assert "Mentor pat</a>" in page and "Can help with FOI requests" in page
    assert "No public room on your skill tags that you have not joined yet." in page


# --- First steps ----------------------------------------------------------------------------


def status(member) -> dict[str, str]:
    return {
        step.text: "done" if step.done else "to do" if step.url else "cannot start" for step in home.first_steps(member)
    }


def test_first_steps_tick_off_as_the_member_does_them(rq):
    ada = make_user(username="ada", verified=False)
    bob = make_user()
    pat = make_mentor("pat", "FOI requests")
    assert status(ada) == {
        "Confirm your email address": "to do",
        "Add a display name and bio": "to do",
        "Add what you can help with": "to do",
        "Add what you want to learn": "to do",
        "Join a room": "to do",
        "Post your first message": "cannot start",
        "Find a mentor": "cannot start",
    }
    ada.email_verified_at = utcnow()
    db.session.commit()
    profiles.update_profile(ada, ada, profiles.ProfileChanges(display_name="Ada", bio="I analyse data"))
    assert status(ada)["Confirm your email address"] == "done"
    assert status(ada)["Add a display name and bio"] == "done"
    assert status(ada)["Post your first message"] == "to do"
    profiles.update_profile(
        ada,
        ada,
        profiles.ProfileChanges(display_name="Ada", bio="Hi", help_tags="Open data", learn_tags="FOI requests"),
    )
    room = make_room(bob, members=[ada])
    assert {k for k, v in status(ada).items() if v == "to do"} == {"Post your first message", "Find a mentor"}
    messages.post_message(room, ada, "Hello everyone")
    assert [k for k, v in status(ada).items() if v == "to do"] == ["Find a mentor"]
    requests.ask(ada, offers.offer_of(pat).id, "Could you help?")
    assert home.first_steps(ada) == []  # every step done: the checklist goes
    profiles.show_first_steps(ada, shown=False)
    assert not home.first_steps_hidden(ada)  # and hidden then, it is not offered again: nothing is left


def test_a_verified_public_servant_is_asked_to_offer_mentoring_instead(rq):
    servant = make_verified(help_tags="Open data")
    assert status(servant)["Offer mentoring"] == "to do"
    offers.save_offer(servant, OfferDetails(tags=["open-data"], description="Happy to help"))
    assert status(servant)["Offer mentoring"] == "done"


def test_a_new_member_sees_the_checklist_and_can_hide_it(client, app, auth):
    with app.app_context():
        make_user(username="ada")
    signed_out = client.post("/first-steps/hide")
    assert signed_out.status_code == 302 and signed_out.headers["Location"].startswith("/sign-in")
    auth.sign_in("ada")
    page = client.get("/").get_data(as_text=True)
    assert "First steps" in page and "You have completed 1 of 7 steps." in page
    assert 'href="/profile/edit#help_tags" aria-describedby="first-steps-3-status"' in page
    hidden = client.post("/first-steps/hide")
    assert hidden.status_code == 302 and hidden.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Your first steps are hidden" in page and "Hide first steps" not in page
    assert "Your rooms" in page  # the rest of the home stays
    # and they can come back, while some are still to do
    assert "You hid your first steps, and some are still to do." in page
    shown = client.post("/first-steps/show")
    assert shown.status_code == 302 and shown.headers["Location"] == "/#first-steps"
    page = client.get("/").get_data(as_text=True)
    assert "Your first steps are shown again" in page and "You have completed 1 of 7 steps." in page
    assert "Show first steps again" not in page
    assert client.post("/first-steps/dance").status_code == 404


def test_hiding_the_first_steps_needs_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        ada = make_user(username="ada")
        user_id = ada.id
    form = client.get("/sign-in").get_data(as_text=True)
    token = form.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    client.post("/sign-in", data={"csrf_token": token, "identifier": "ada", "password": "a long test passphrase"})
    assert client.post("/first-steps/hide").status_code == 400
    with app.app_context():
        assert db.session.get(User, user_id).profile.first_steps_hidden_at is None
    page = client.get("/").get_data(as_text=True)
    token = page.split('action="/first-steps/hide" novalidate>', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert client.post("/first-steps/hide", data={"csrf_token": token}).status_code == 302
    assert "Hide first steps" not in client.get("/").get_data(as_text=True)


def test_the_checklist_is_not_shown_once_hidden_even_with_steps_left(rq):
    ada = make_user(verified=False)
    profiles.show_first_steps(ada, shown=False)
    hidden_at = ada.profile.first_steps_hidden_at
    assert hidden_at is not None and hidden_at > utcnow() - timedelta(minutes=1)
    assert home.first_steps(ada) == []
