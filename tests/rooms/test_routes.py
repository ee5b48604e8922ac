"""Room pages over HTTP, including everything that must work without JavaScript."""

import re

import pytest

from civicnet.rooms import messages, services
from tests.factories import make_moderator, make_room, make_user


@pytest.fixture
def room(app):
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        make_user(username="bob", display_name="Bob Brown")
        make_user(username="eve")
        room = make_room(ada, "Open data", description="Council datasets", tags="Open data")
        make_room(ada, "Secret", kind="private")
        return room.slug


def test_rooms_list_shows_counts_activity_and_unread(client, app, auth, room):
    with app.app_context():
        ada = services.find_user_by_username("ada")
        readable = services.get_readable_room(ada, room)
        for n in range(2):
            messages.post_message(readable, make_user(), f"hello {n}")
    auth.sign_in("ada")
    page = client.get("/rooms").get_data(as_text=True)
    assert "Open data" in page and "Council datasets" in page and "Secret" in page
    row = page.split('href="/rooms/open-data"')[1].split("</tr>")[0]
    assert ">3<" in row and ">2<" in row  # members; unread
    assert "Secret" not in client.get("/rooms?tag=open-data").get_data(as_text=True)


def test_visitors_only_see_rooms_open_to_the_public(client, room):
    assert client.get(f"/rooms/{room}").status_code == 404
    assert "Open data" not in client.get("/rooms").get_data(as_text=True)


def test_posting_without_javascript_and_paging_older_messages(client, app, auth, room):
    auth.sign_in("bob")
    response = client.post(f"/rooms/{room}/messages", data={"body": "Hello *all*", "client_id": "form-1"})
    assert response.status_code == 302 and response.headers["Location"].startswith(f"/rooms/{room}#message-")
    assert (
        client.post(f"/rooms/{room}/messages", data={"body": "Hello *all*", "client_id": "form-1"}).status_code == 302
    )
    page = client.get(f"/rooms/{room}").get_data(as_text=True)
    assert page.count("<em>all</em>") == 1
    with app.app_context():
        bob = services.find_user_by_username("bob")
        readable = services.get_readable_room(bob, room)
        for n in range(60):
            messages.post_message(readable, bob, f"filler {n:02d}")
    page = client.get(f"/rooms/{room}").get_data(as_text=True)
    assert "filler 59" in page and "filler 09" not in page and "Older messages" in page
    older_link = page.split('id="older-messages" href="')[1].split('"')[0].replace("&amp;", "&")
    older = client.get(older_link).get_data(as_text=True)
    assert "filler 09" in older and "<em>all</em>" in older and "Newest messages" in older


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Enter a message"), ("x" * 4001, "Message must be 4,000 characters or fewer")],
)
def test_bad_messages_get_form_errors(client, auth, room, body, message):
    auth.sign_in("bob")
    response = client.post(f"/rooms/{room}/messages", data={"body": body, "client_id": "x"})
    assert response.status_code == 200 and message in response.get_data(as_text=True)


def text_of(html: str) -> str:
    """A page's words as a reader meets them: no tags or inert <template>s, each run of spaces one space."""
    shown = re.sub(r"<template.*?</template>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", shown))


def test_replies_quote_their_parent_when_it_is_not_the_start_of_the_thread(client, app, auth, room):
    auth.sign_in("bob")
    client.post(f"/rooms/{room}/messages", data={"body": "Parent **open** message", "client_id": "p"})
    with app.app_context():
        parent_id = services.latest_message_id(services.get_readable_room(services.find_user_by_username("bob"), room))
    # An older link to reply from the room page leads to the thread's box.
    assert client.get(f"/rooms/{room}?reply_to={parent_id}").location == (
        f"/rooms/{room}/messages/{parent_id}/thread?reply_to={parent_id}#compose"
    )
    thread = f"/rooms/{room}/messages/{parent_id}/thread"
    reply = {"body": "Child", "client_id": "c", "reply_to": parent_id, "thread": parent_id}
    child_id = int(client.post(f"/rooms/{room}/messages", data=reply).location.rsplit("-", 1)[1])
    # Right under its parent, a reply to the thread's first message quotes nothing.
    assert "Replying to" not in text_of(client.get(thread).get_data(as_text=True))
    # Answering the reply quotes it, as it reads rather than as its Markdown.
    client.post(f"/rooms/{room}/messages", data={**reply, "body": "Grandchild", "client_id": "g", "reply_to": child_id})
    form = text_of(client.get(f"{thread}?reply_to={parent_id}").get_data(as_text=True))
    assert "Replying to @bob: Child Grandchild" in form
    quoting = text_of(client.get(f"{thread}?reply_to={child_id}").get_data(as_text=True))
    assert "Replying to Bob Brown: Child" in quoting
    client.post(f"/rooms/{room}/messages", data={"body": "Parent **x**", "client_id": "q"})
    page = client.get(f"/rooms/{room}").get_data(as_text=True)
    assert "**open**" not in page


def test_private_rooms_are_404_to_outsiders_and_managed_by_their_creator(client, auth, room):
    auth.sign_in("eve")
    for url in ("/rooms/secret", "/rooms/secret/members", "/rooms/secret/edit"):
        assert client.get(url).status_code == 404
    assert client.post("/rooms/secret/messages", data={"body": "hi", "client_id": "e"}).status_code == 404
    auth.sign_out()
    auth.sign_in("ada")
    page = client.post("/rooms/secret/members", data={"username": "nobody"}).get_data(as_text=True)
    assert "There is no member with that username" in page
    assert client.post("/rooms/secret/members", data={"username": "EVE"}).status_code == 302
    auth.sign_out()
    auth.sign_in("eve")
    assert client.get("/rooms/secret").status_code == 200
    auth.sign_out()
    auth.sign_in("ada")
    assert client.post("/rooms/secret/members/eve/remove").status_code == 302
    auth.sign_out()
    auth.sign_in("eve")
    assert client.get("/rooms/secret").status_code == 404


def test_join_leave_edit_and_archive(client, app, auth, room):
    auth.sign_in("bob")
    assert client.get(f"/rooms/{room}/edit").status_code == 403
    client.post(f"/rooms/{room}/join")
    assert "Leave this room" in client.get(f"/rooms/{room}/members").get_data(as_text=True)
    client.post(f"/rooms/{room}/leave")
    page = client.get(f"/rooms/{room}").get_data(as_text=True)
    # Joining is explained, since the message box works without it (and a first message joins).
    assert "Join room" in page and "You can post without joining: your first message joins you." in page
    client.post(f"/rooms/{room}/messages", data={"body": "Back again", "client_id": "b-again"})
    assert "Join room" not in client.get(f"/rooms/{room}").get_data(as_text=True)
    auth.sign_out()
    with app.app_context():
        make_moderator(username="sam")
    auth.sign_in("sam")
    response = client.post(
        f"/rooms/{room}/edit", data={"name": "Open data club", "description": "New", "tags": "", "kind": "public"}
    )
    assert response.status_code == 302
    client.post(f"/rooms/{room}/archive", data={"archived": "1"})
    page = client.get(f"/rooms/{room}").get_data(as_text=True)
    assert "Open data club" in page and "archived, read-only" in page and 'id="compose"' not in page
    auth.sign_out()
    auth.sign_in("bob")
    response = client.post(f"/rooms/{room}/messages", data={"body": "anyone?", "client_id": "z"})
    assert response.status_code == 403


def test_edit_and_delete_own_message_through_forms(client, app, auth, room):
    auth.sign_in("bob")
    client.post(f"/rooms/{room}/messages", data={"body": "tpyo", "client_id": "t"})
    with app.app_context():
        message_id = services.latest_message_id(services.get_readable_room(services.find_user_by_username("bob"), room))
    assert client.post(f"/rooms/{room}/messages/{message_id}/edit", data={"body": "typo"}).status_code == 302
    page = client.get(f"/rooms/{room}/messages/{message_id}/edit").get_data(as_text=True)
    assert "Earlier versions" in page and "tpyo" in page
    assert "(edited)" in client.get(f"/rooms/{room}").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("ada")
    assert client.get(f"/rooms/{room}/messages/{message_id}/edit").status_code == 403
    assert client.post(f"/rooms/{room}/messages/{message_id}/delete").status_code == 302
    auth.sign_out()
    auth.sign_in("bob")
    client.post(f"/rooms/{room}/messages/{message_id}/delete")
    assert "typo" not in client.get(f"/rooms/{room}").get_data(as_text=True)


def test_notifications_page_lists_mentions_and_marks_them_read(client, app, auth, room):
    auth.sign_in("ada")
    client.post(f"/rooms/{room}/messages", data={"body": "Over to you @bob", "client_id": "m"})
    auth.sign_out()
    auth.sign_in("bob")
    home = client.get("/").get_data(as_text=True)
    assert 'id="notification-count" class="civicnet-count">1<' in home
    page = client.get("/notifications").get_data(as_text=True)
    assert "Ada Lovelace" in page and "mentioned you" in page and "New" in page
    assert 'id="notification-count" class="civicnet-count">1<' in client.get("/").get_data(as_text=True)
    assert "Mark all as read" in page
    client.post("/notifications/read")
    assert 'id="notification-count" class="civicnet-count"><' in client.get("/").get_data(as_text=True)
    assert "Mark all as read" not in client.get("/notifications").get_data(as_text=True)


def test_unverified_members_are_told_to_confirm_before_creating_or_posting(client, app, auth, room):
    with app.app_context():
        make_user(username="newbie", verified=False)
    auth.sign_in("newbie")
    assert client.get("/rooms/new").headers["Location"] == "/register/check-email"
    assert "Confirm your email address to post" in client.get(f"/rooms/{room}").get_data(as_text=True)


def test_create_room_form(client, auth, room):
    auth.sign_in("bob")
    page = client.post("/rooms/new", data={"name": "", "kind": "public"}).get_data(as_text=True)
    assert "Enter a room name" in page
    response = client.post("/rooms/new", data={"name": "Facial recognition", "kind": "private", "tags": "AI ethics"})
    assert response.headers["Location"] == "/rooms/facial-recognition"
    assert "Private room" in client.get("/rooms/facial-recognition").get_data(as_text=True)


def test_a_new_messages_line_marks_the_first_unread_message_once(client, app, auth, room):
    with app.app_context():
        ada = services.find_user_by_username("ada")
        readable = services.get_readable_room(ada, room)
        messages.post_message(readable, ada, "Read already")
    auth.sign_in("ada")
    page = client.get(f"/rooms/{room}").get_data(as_text=True)
    assert "New messages" not in page and "first unread" not in page  # nothing new: own message
    with app.app_context():
        bob = services.find_user_by_username("bob")
        readable = services.get_readable_room(bob, room)
        first = messages.post_message(readable, bob, "First new one").id
        messages.post_message(readable, bob, "Second new one")
    page = client.get(f"/rooms/{room}").get_data(as_text=True)
    assert 'href="#first-unread">Jump to the first unread message</a> (2 new messages)' in page
    marker = page.index('id="first-unread"')
    assert page.index("Read already") < marker < page.index(f'id="message-{first}"')
    # Read now: the line is gone on the next visit, and a visitor never sees one.
    assert 'id="first-unread"' not in client.get(f"/rooms/{room}").get_data(as_text=True)
    auth.sign_out()
    assert 'id="first-unread"' not in client.get(f"/rooms/{room}").get_data(as_text=True)
