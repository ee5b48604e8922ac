"""Direct message pages over HTTP: the list, starting a conversation, the profile's Send a message and
Block, the settings page, and a conversation that answers 404 to everyone outside it."""

import re

import pytest

from civicnet.accounts.access_tokens import create_token
from civicnet.accounts.services import find_user_by_username
from civicnet.direct import conversations, rules
from civicnet.direct.models import EVERYONE, NOBODY
from civicnet.rooms import messages
from tests.factories import DEFAULT_PASSWORD, make_moderator, make_room, make_user


def client_of(app, username: str):
    client = app.test_client()
    response = client.post("/sign-in", data={"identifier": username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def town(app) -> dict:
    """Ada and Grace share a room and a conversation; Bob and Moe (a moderator) are in neither."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        grace = make_user(username="grace", display_name="Grace Hopper")
        make_user(username="bob", display_name="Bob Okafor")
        make_moderator(username="moe")
        make_room(ada, "Open data", members=[grace])
        room = conversations.start_conversation(grace, "ada")
        message = messages.post_message(room, grace, "Lunch on Friday?")
        return {"slug": room.slug, "room_id": room.id, "message_id": message.id}


def h1(page: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip()


def test_the_pages_need_a_signed_in_member(client, town):
    for path in ("/messages", "/messages/new", "/account/messages", "/messages/people?q=a"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.location, path


def test_the_list_shows_each_conversation_with_unread_counts_newest_first(app, town):
    with app.app_context():
        ada, grace = find_user_by_username("ada"), find_user_by_username("grace")
        rules.set_allow_from(find_user_by_username("bob"), EVERYONE)
        group = conversations.start_conversation(ada, "grace, bob")
        messages.post_message(group, ada, "Group hello")
        messages.post_message(group, grace, "Hello back")
        messages.post_message(group, grace, "And again")
    page = client_of(app, "ada").get("/messages").text
    titles = re.findall(r'<a class="govuk-link" href="/rooms/(dm-[0-9a-f]+)">([^<]+)</a>', page)
    assert titles == [(group.slug, "Bob Okafor, Grace Hopper"), (town["slug"], "Grace Hopper")]
    assert page.count("2 unread") == 1 and page.count("1 unread") == 1
    assert "Grace Hopper: And again" in page
    # Opening a conversation reads it; the list counts nothing there any more.
    client = client_of(app, "ada")
    client.get(f"/rooms/{town['slug']}")
    assert "1 unread" not in client.get("/messages").text


def test_a_conversation_started_by_someone_else_shows_once_it_has_a_message(app, town):
    with app.app_context():
        rules.set_allow_from(find_user_by_username("bob"), EVERYONE)
        empty = conversations.start_conversation(find_user_by_username("ada"), "bob")
    assert empty.slug in client_of(app, "ada").get("/messages").text
    assert empty.slug not in client_of(app, "bob").get("/messages").text


def test_starting_a_conversation_posts_the_message_and_goes_there_and_again_reuses_it(app, town):
    with app.app_context():
        rules.set_allow_from(find_user_by_username("bob"), EVERYONE)
    ada = client_of(app, "ada")
    form = ada.get("/messages/new").text
    assert "Start a conversation" in form and 'data-suggest-url="/messages/people"' in form
    sent = ada.post("/messages/new", data={"to": "bob", "body": "Hello Bob", "client_id": "first"})
    assert sent.status_code == 302 and re.search(r"/rooms/dm-[0-9a-f]+#message-\d+$", sent.location)
    page = ada.get(sent.location.split("#")[0]).text
    assert h1(page) == "Bob Okafor" and "Hello Bob" in page and "Direct messages" in page
    again = ada.post("/messages/new", data={"to": "@Bob", "body": "Me again", "client_id": "second"})
    assert again.location.split("#")[0] == sent.location.split("#")[0]
    # The profile's "Send a message" opens the conversation the two already have.
    opened = ada.get("/messages/new?to=bob")
    assert opened.status_code == 302 and opened.location == sent.location.split("#")[0] + "#compose"


@pytest.mark.parametrize(
    ("to", "body", "error", "status"),
    [
        ("bob", "Hello", "Bob Okafor does not accept direct messages from you", 403),
        ("nobody-here", "Hello", "There is no member with the username nobody-here", 200),
        ("", "Hello", "Enter the username of the person you want to write to", 200),
        ("grace", "", "Enter a message", 200),
    ],
)
def test_the_form_says_what_is_wrong(app, town, to, body, error, status):
    response = client_of(app, "ada").post("/messages/new", data={"to": to, "body": body, "client_id": "x"})
    assert response.status_code == status
    assert "There is a problem" in response.text and error in response.text


def test_the_profile_offers_send_a_message_only_to_those_who_may(app, town):
    ada_page = client_of(app, "grace").get("/people/ada").text
    assert "Send a message" in ada_page and 'href="/messages/new?to=ada"' in ada_page
    bob_page = client_of(app, "ada").get("/people/bob").text
    assert "Send a message" not in bob_page and "Bob Okafor does not accept direct messages from you." in bob_page
    assert "Send a message" not in client_of(app, "ada").get("/people/ada").text  # your own profile
    with app.app_context():
        rules.set_allow_from(find_user_by_username("ada"), NOBODY)
    assert "Send a message" not in client_of(app, "grace").get("/people/ada").text


def test_blocking_from_the_profile_and_unblocking_from_settings(app, town):
    ada = client_of(app, "ada")
    blocked = ada.post("/people/grace/block", data={"next": "/people/grace"})
    assert blocked.status_code == 302 and blocked.location == "/people/grace"
    profile = ada.get("/people/grace").text
    assert "You blocked Grace Hopper" in profile and "Unblock" in profile and "Send a message" not in profile
    settings = ada.get("/account/messages").text
    assert "Grace Hopper</a>, blocked" in settings
    # Grace is told what anyone Ada takes no messages from is told, nothing more.
    grace = client_of(app, "grace")
    assert "Ada Lovelace does not accept direct messages from you." in grace.get("/people/ada").text
    conversation = grace.get(f"/rooms/{town['slug']}").text
    assert (
        "Ada Lovelace does not accept direct messages from you." in conversation and 'id="compose"' not in conversation
    )
    refused = grace.post(f"/rooms/{town['slug']}/messages", data={"body": "Hello?", "client_id": "b1"})
    assert refused.status_code == 403 and "does not accept direct messages from you" in refused.text
    assert "blocked" not in conversation.lower()
    # A thread's page in the conversation says the same, in place of its box.
    thread = grace.get(f"/rooms/{town['slug']}/messages/{town['message_id']}/thread").text
    assert "Ada Lovelace does not accept direct messages from you." in thread and 'id="compose"' not in thread
    unblocked = ada.post("/people/grace/unblock", data={"next": "/account/messages"})
    assert unblocked.location == "/account/messages"
    assert "You have not blocked anyone" in ada.get("/account/messages").text
    assert "Send a message" in grace.get("/people/ada").text


def test_blocking_from_the_conversation_comes_back_to_it(app, town):
    ada = client_of(app, "ada")
    page = ada.get(f"/rooms/{town['slug']}").text
    assert 'action="/people/grace/block"' in page and "In this conversation" in page
    response = ada.post("/people/grace/block", data={"next": f"/rooms/{town['slug']}"})
    assert response.location == f"/rooms/{town['slug']}"
    assert "You blocked Grace Hopper. Unblock them to send them a message." in ada.get(response.location).text
    # An address elsewhere is not followed.
    assert ada.post("/people/grace/unblock", data={"next": "https://example.org/"}).location == "/people/grace"


def test_the_setting_is_saved_and_a_wrong_choice_is_refused(app, town):
    bob = client_of(app, "bob")
    page = bob.get("/account/messages").text
    assert re.search(r'name="allow_from" type="radio" value="rooms" checked', page)
    assert bob.post("/account/messages", data={"allow_from": "everyone"}).status_code == 302
    with app.app_context():
        assert rules.allow_from(find_user_by_username("bob").id) == EVERYONE
    wrong = bob.post("/account/messages", data={"allow_from": "friends"})
    assert wrong.status_code == 200 and "Choose who can send you direct messages" in wrong.text


def test_suggestions_are_people_who_take_messages_from_you(app, town):
    with app.app_context():
        make_user(username="bobby", display_name="Bobby Tables")
        rules.set_allow_from(find_user_by_username("bobby"), EVERYONE)
    ada = client_of(app, "ada")
    assert ada.get("/messages/people?q=bo").json == {
        "suggestions": [{"name": "bobby", "label": "Bobby Tables (@bobby)"}]  # not Bob: he takes none from Ada
    }
    assert ada.get("/messages/people?q=gr").json["suggestions"][0]["name"] == "grace"
    assert ada.get("/messages/people?q=%25").json == {"suggestions": []}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/rooms/{slug}"),
        ("get", "/rooms/{slug}/members"),
        ("post", "/rooms/{slug}/messages"),
        ("post", "/rooms/{slug}/join"),
        ("get", "/rooms/{slug}/messages/{message_id}/edit"),
        ("get", "/api/v1/rooms/{slug}/messages"),
    ],
)
@pytest.mark.parametrize("who", ["bob", "moe", None])
def test_nobody_outside_the_conversation_can_open_it(app, town, method, path, who):
    client, headers = (client_of(app, who), {}) if who else (app.test_client(), {})
    if who and path.startswith("/api/"):
        with app.app_context():
            _, token = create_token(find_user_by_username(who), "script")
        headers = {"Authorization": f"Bearer {token}"}
    response = getattr(client, method)(
        path.format(**town), data={"body": "Let me in", "client_id": "x"}, headers=headers
    )
    if who is None:  # a visitor is sent to sign in, or told there is nothing here
        assert response.status_code in (302, 401, 404)
    else:
        assert response.status_code == 404
    assert "Lunch on Friday" not in response.text


def test_a_conversation_is_listed_in_rooms_for_nobody_and_is_no_reportable_room(app, town):
    for who in ("ada", "grace", "bob"):
        assert town["slug"] not in client_of(app, who).get("/rooms").text
    assert client_of(app, "moe").get(f"/moderation/items/room/{town['room_id']}").status_code == 404
    assert client_of(app, "ada").get(f"/report/room/{town['room_id']}").status_code == 404


def test_the_conversation_page_keeps_the_room_pages_live_parts_without_the_rooms_controls(app, town):
    page = client_of(app, "ada").get(f"/rooms/{town['slug']}").text
    assert h1(page) == "Grace Hopper" and "<title>Grace Hopper – civicnet</title>" in page
    assert (
        f'id="room" data-direct="true" data-room="{town["slug"]}"' in page
        and 'id="compose"' in page
        and "rooms.mjs" in page
    )
    for absent in ("Join room", "Report this room", "Room settings", "Members</a>", "Follow: every new message"):
        assert absent not in page
    assert "Normal: every new message notifies you" in page
    assert 'aria-current="page"><strong class="govuk-service-navigation__active-fallback">Messages' in page


def test_the_people_suggestions_are_rate_limited(app, town):
    app.config["MENTION_LOOKUP_LIMIT"] = "2 per minute"
    grace = client_of(app, "grace")
    answers = [grace.get("/messages/people?q=ad", headers={"Accept": "application/json"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[-1].json["error"]["code"] == "rate_limited"


def test_a_conversations_messages_are_not_offered_to_the_register(app, town):
    page = client_of(app, "ada").get(f"/rooms/{town['slug']}").text
    shown = page.split("<template")[0]
    assert "Lunch on Friday?" in shown and "Propose for the register" not in shown
