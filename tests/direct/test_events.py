"""Direct conversations live: the rooms' socket path refuses everyone outside a conversation (joining,
catching up, history, presence, typing, posting), and every event about one reaches exactly its
participants' connections: never a member outside it, nor a moderator."""

import pytest

from civicnet.accounts import blocks
from civicnet.accounts.services import find_user_by_username
from civicnet.direct import conversations, rules
from civicnet.direct.models import EVERYONE
from tests.factories import make_moderator, make_room, make_user
from tests.test_event_recipients import Cast, who_got

PEOPLE = ("ada", "grace", "grace2", "bob", "moe")  # grace2: Grace's second tab


@pytest.fixture
def cast(app) -> tuple[Cast, str]:
    """Ada and Grace's conversation, followed live by both (Grace in two tabs); Bob, in the lobby with
    them, and Moe, a moderator, are connected too."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        grace = make_user(username="grace", display_name="Grace Hopper")
        bob = make_user(username="bob", display_name="Bob Okafor")
        make_moderator(username="moe")
        make_room(ada, "Lobby", members=[grace, bob])
        slug = conversations.start_conversation(ada, "grace").slug
    cast = Cast(app)
    for name in PEOPLE:
        cast.connect(name, flask_test_client=cast.http.get(name.rstrip("2")) or cast.sign_in(name.rstrip("2")))
    for name in ("ada", "grace", "grace2"):
        cast.call(name, "join_room", {"room": slug})
    cast.drain()
    return cast, slug


def refused(cast: Cast, name: str, event: str, data: dict) -> dict:
    ack = cast.sockets[name].emit(event, data, callback=True)
    assert ack["ok"] is False, (name, event, ack)
    return ack["error"]


@pytest.mark.parametrize("name", ["bob", "moe"])
def test_outsiders_cannot_join_catch_up_read_history_type_or_post(cast, name):
    cast, slug = cast
    for event, data in [
        ("join_room", {"room": slug}),
        ("join_room", {"room": slug, "after_id": 0, "since": "2026-01-01T00:00:00Z"}),  # catching up
        ("fetch_history", {"room": slug}),
        ("mark_read", {"room": slug, "message_id": 1}),
        ("typing", {"room": slug}),
        ("send_message", {"room": slug, "body": "let me in", "client_id": f"{name}-1"}),
        ("leave_room", {"room": slug}),
    ]:
        error = refused(cast, name, event, data)
        assert error["code"] == "not_found", (event, error)
    # Nobody in the conversation heard of the attempts: no one joined, typed or posted.
    assert all(events == [] for events in cast.received().values())


def test_presence_in_a_conversation_is_its_participants_only(cast):
    cast, slug = cast
    ack = cast.call("ada", "join_room", {"room": slug})
    assert {person["username"] for person in ack["members_online"]} == {"ada", "grace"}
    cast.call("grace2", "leave_room", {"room": slug})
    assert cast.received() == {name: [] for name in PEOPLE}  # Grace is still there in her first tab
    cast.call("grace", "leave_room", {"room": slug})
    assert cast.recipients("member_left") == {"ada"}
    cast.call("grace", "join_room", {"room": slug})
    assert cast.recipients("member_joined") == {"ada"}


def test_messages_edits_deletions_typing_and_notifications_reach_the_participants_only(cast):
    cast, slug = cast
    message = cast.call("ada", "send_message", {"room": slug, "body": "Lunch?", "client_id": "a-1"})["message"]
    received = cast.received()
    assert who_got(received, "message_posted") == {"ada", "grace", "grace2"}
    assert who_got(received, "notification") == {"grace", "grace2"}  # every tab of the one told
    cast.call("ada", "edit_message", {"id": message["id"], "body": "Lunch on Friday?"})
    assert cast.recipients("message_edited") == {"ada", "grace", "grace2"}
    cast.call("grace", "typing", {"room": slug})
    # Grace's other tab hears it as the room's other connections do (the page ignores its own member).
    assert cast.recipients("user_typing") == {"ada", "grace2"}
    cast.call("ada", "delete_message", {"id": message["id"]})
    assert cast.recipients("message_deleted") == {"ada", "grace", "grace2"}


def test_a_message_the_rules_refuse_is_answered_with_why_and_reaches_nobody(app, cast):
    cast, slug = cast
    with app.app_context():
        blocks.block(find_user_by_username("ada"), find_user_by_username("grace"))
    error = refused(cast, "grace", "send_message", {"room": slug, "body": "Hello?", "client_id": "g-1"})
    assert error == {"code": "not_accepted", "message": "Ada Lovelace does not accept direct messages from you"}
    assert all(events == [] for events in cast.received().values())


def test_a_group_conversation_reaches_its_three_people_and_the_blocker_hears_nothing_from_the_blocked(app, cast):
    cast, _ = cast
    with app.app_context():
        rules.set_allow_from(find_user_by_username("bob"), EVERYONE)
        group = conversations.start_conversation(find_user_by_username("ada"), "grace, bob").slug
    for name in ("ada", "grace", "bob"):
        cast.call(name, "join_room", {"room": group})
    assert refused(cast, "moe", "join_room", {"room": group})["code"] == "not_found"
    cast.drain()
    cast.call("bob", "send_message", {"room": group, "body": "Hello both", "client_id": "b-1"})
    received = cast.received()
    assert who_got(received, "message_posted") == {"ada", "grace", "bob"}  # grace2 never joined it
    assert who_got(received, "notification") == {"ada", "grace", "grace2"}
    # In a room they share, Grace's mention of Ada, who blocked her, tells Ada nothing.
    with app.app_context():
        blocks.block(find_user_by_username("ada"), find_user_by_username("grace"))
    for name in ("ada", "grace", "bob"):
        cast.call(name, "join_room", {"room": "lobby"})
    cast.drain()
    cast.call("grace", "send_message", {"room": "lobby", "body": "@ada @bob have a look", "client_id": "g-2"})
    received = cast.received()
    assert who_got(received, "message_posted") == {"ada", "grace", "bob"}
    assert who_got(received, "notification") == {"bob"}
