"""The Socket.IO contract: through Flask-SocketIO's test client on the app in this process, and against
a real server process with real Socket.IO clients for what needs one (catch-up across a reconnect, the
handshake's Origin check)."""

import pytest
import socketio

from civicnet.rooms import messages
from tests.factories import make_room, make_user, make_verified

MESSAGE_KEYS = {
    "id",
    "room",
    "author",
    "body_html",
    "attachments",
    "created_at",
    "thread_root",
    "edited_at",
    "client_id",
    "reply_to",
    "hidden",
    "removed",
    "held",
    "speaking_for",
}


@pytest.fixture
def chat(app):
    """Ada and Bob, members of a public room; Cy, a member who is not in it."""
    with app.app_context():
        ada, bob = (
            make_user(username="ada", display_name="Ada Lovelace"),
            make_verified(username="bob"),
        )
        make_user(username="cyd")
        make_room(ada, "Open data", members=[bob])
    return app


@pytest.fixture
def served_chat(chat, server):
    """The same people, on a real server process."""
    return server


def joined(members, where, username: str, room: str = "open-data", **join):
    member = members(where, username).connect()
    ack = member.call("join_room", {"room": room, **join})
    assert ack["ok"], ack
    return member, ack


def test_two_people_chat_live(chat, members):
    ada, _ = joined(members, chat, "ada")
    bob, ack = joined(members, chat, "bob")
    assert {m["username"] for m in ack["members_online"]} == {"ada", "bob"}
    assert ada.wait_for("member_joined")["user"]["username"] == "bob"

    sent = ada.call("send_message", {"room": "open-data", "body": "Hello **Bob**", "client_id": "a-1"})
    assert sent["ok"] and set(sent["message"]) == MESSAGE_KEYS
    posted = bob.wait_for("message_posted")
    assert posted == sent["message"]
    assert posted["author"] == {
        "username": "ada",
        "display_name": "Ada Lovelace",
        "role": "citizen",
        "verified": False,
        "organisation": None,
        "avatar_url": None,
        "initials": "AL",
    }
    assert posted["body_html"] == "<p>Hello <strong>Bob</strong></p>\n" and posted["client_id"] == "a-1"

    reply = bob.call("send_message", {"room": "open-data", "body": "Hi", "client_id": "b-1", "reply_to": posted["id"]})
    # The quote is the message as people read it, not its Markdown.
    assert reply["message"]["reply_to"] == {"id": posted["id"], "author": "ada", "excerpt": "Hello Bob"}
    assert reply["message"]["author"]["verified"] is True
    assert reply["message"]["author"]["organisation"] == "Camden Council"
    assert ada.wait_for("notification")["kind"] == "reply"


def test_reconnecting_client_gets_exactly_the_missed_messages_once(served_chat, members):
    chat = served_chat
    ada, _ = joined(members, chat, "ada")
    bob, _ = joined(members, chat, "bob")
    first = ada.call("send_message", {"room": "open-data", "body": "before", "client_id": "m0"})["message"]
    bob.wait_for("message_posted", lambda m: m["id"] == first["id"])
    bob.disconnect()
    assert ada.wait_for("member_left")["user"]["username"] == "bob"
    missed = [
        ada.call("send_message", {"room": "open-data", "body": f"missed {n}", "client_id": f"m{n}"})["message"]["id"]
        for n in range(1, 4)
    ]

    bob_again, ack = joined(members, chat, "bob", after_id=first["id"])
    assert [m["id"] for m in ack["messages"]] == missed and ack["has_more"] is False
    after = ada.call("send_message", {"room": "open-data", "body": "after", "client_id": "m4"})["message"]
    bob_again.wait_for("message_posted", lambda m: m["id"] == after["id"])
    assert [m["id"] for m in bob_again.received("message_posted")] == [after["id"]]


def test_resending_a_client_id_returns_the_first_message(chat, members, app):
    ada, _ = joined(members, chat, "ada")
    first = ada.call("send_message", {"room": "open-data", "body": "once", "client_id": "same"})
    again = ada.call("send_message", {"room": "open-data", "body": "once", "client_id": "same"})
    assert first["message"]["id"] == again["message"]["id"]
    history = ada.call("join_room", {"room": "open-data"})["messages"]
    assert [m["body_html"] for m in history] == ["<p>once</p>\n"]


def test_join_without_after_id_gives_the_latest_50_and_fetch_history_pages_back(chat, members, app):
    with app.app_context():
        from civicnet.accounts.services import find_user_by_username
        from civicnet.rooms.services import get_readable_room

        ada = find_user_by_username("ada")
        room = get_readable_room(ada, "open-data")
        ids = [messages.post_message(room, ada, f"message {n}").id for n in range(60)]
    member, ack = joined(members, chat, "ada")
    assert [m["id"] for m in ack["messages"]] == ids[-50:] and ack["has_more"] is True
    older = member.call("fetch_history", {"room": "open-data", "before_id": ids[-50], "limit": 20})
    assert [m["id"] for m in older["messages"]] == ids[:10] and older["has_more"] is False


def test_private_room_messages_never_reach_or_open_to_non_members(app, members):
    with app.app_context():
        ada, bob = make_user(username="ada"), make_user(username="bob")
        make_user(username="eve")
        make_room(ada, "Mentoring Ada and Bob", kind="private", members=[bob])
    eve = members(app, "eve").connect()
    for event, data in [
        ("join_room", {"room": "mentoring-ada-and-bob"}),
        ("fetch_history", {"room": "mentoring-ada-and-bob"}),
        ("send_message", {"room": "mentoring-ada-and-bob", "body": "hi", "client_id": "e1"}),
        ("typing", {"room": "mentoring-ada-and-bob"}),
    ]:
        ack = eve.call(event, data)
        assert ack == {"ok": False, "error": {"code": "not_found", "message": ack["error"]["message"]}}, event
    ada_client, _ = joined(members, app, "ada", room="mentoring-ada-and-bob")
    ada_client.call("send_message", {"room": "mentoring-ada-and-bob", "body": "secret plans", "client_id": "s1"})
    bob_client, _ = joined(members, app, "bob", room="mentoring-ada-and-bob")
    assert (
        bob_client.call("fetch_history", {"room": "mentoring-ada-and-bob"})["messages"][0]["body_html"]
        == "<p>secret plans</p>\n"
    )
    assert eve.received("message_posted") == []
    assert eve.session.get("/rooms/mentoring-ada-and-bob").status_code == 404
    assert "Mentoring Ada and Bob" not in eve.session.get("/rooms").get_data(as_text=True)


def test_anonymous_bad_token_and_cross_site_connections_are_refused(served_chat, members):
    chat = served_chat
    for client in (members(chat.url), members(chat, token="cvn_not-a-real-token")):
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect()
    hijacker = members(chat, "ada", headers={"Origin": "http://evil.example"})
    # The server refuses the handshake; over WebSocket the client library reports that as either error.
    with pytest.raises((socketio.exceptions.ConnectionError, ValueError)):
        hijacker.connect()
    assert not hijacker.client.connected
    handshake = hijacker.session.get(
        chat.url + "/socket.io/?EIO=4&transport=polling", headers={"Origin": "http://evil.example"}
    )
    assert handshake.status_code == 400
    same_site = hijacker.session.get(chat.url + "/socket.io/?EIO=4&transport=polling", headers={"Origin": chat.url})
    assert same_site.status_code == 200


def test_token_clients_connect_and_send(chat, members, app):
    with app.app_context():
        from civicnet.accounts.access_tokens import create_token
        from civicnet.accounts.services import find_user_by_username

        _, token = create_token(find_user_by_username("bob"), "bot")
    bot = members(chat, token=token).connect()
    assert bot.call("join_room", {"room": "open-data"})["ok"]
    ack = bot.call("send_message", {"room": "open-data", "body": "beep", "client_id": "t1"})
    assert ack["message"]["author"]["username"] == "bob"


@pytest.mark.parametrize(
    ("event", "data", "code"),
    [
        ("send_message", "not an object", "invalid"),
        ("send_message", {"room": 5, "body": "x", "client_id": "c"}, "invalid"),
        ("send_message", {"room": "open-data", "client_id": "c"}, "invalid"),
        ("send_message", {"room": "open-data", "body": "x", "client_id": "c" * 65}, "invalid"),
        ("send_message", {"room": "open-data", "body": "   ", "client_id": "c"}, "invalid"),
        ("send_message", {"room": "open-data", "body": "x" * 4001, "client_id": "c"}, "invalid"),
        ("send_message", {"room": "no-such-room", "body": "x", "client_id": "c"}, "not_found"),
        ("send_message", {"room": "open-data", "body": "x", "client_id": "c", "reply_to": 999999}, "invalid"),
        ("send_message", {"room": "open-data", "body": "x" * 17000, "client_id": "c"}, "payload_too_large"),
        ("join_room", {"room": "open-data", "after_id": "seven"}, "invalid"),
        ("join_room", None, "invalid"),
        ("edit_message", {"id": 999999, "body": "x"}, "not_found"),
        ("edit_message", {"id": True, "body": "x"}, "invalid"),
        ("delete_message", {"id": "1"}, "invalid"),
        ("fetch_history", {"room": "open-data", "limit": 5000}, "invalid"),
        ("mark_read", {"room": "open-data"}, "invalid"),
    ],
)
def test_malformed_payloads_get_error_acks_and_no_server_exception(chat, members, logged_errors, event, data, code):
    ada = members(chat, "ada").connect()
    ack = ada.call(event, data)
    assert ack["ok"] is False and ack["error"]["code"] == code and ack["error"]["message"]
    assert ada.call("send_message", {"room": "open-data", "body": "still fine", "client_id": f"ok-{event}-{code}"})[
        "ok"
    ]
    assert logged_errors() == []


def test_typing_reaches_the_others_but_not_the_typist(chat, members):
    ada, _ = joined(members, chat, "ada")
    bob, _ = joined(members, chat, "bob")
    assert ada.call("typing", {"room": "open-data"}) == {"ok": True}
    assert bob.wait_for("user_typing") == {
        "room": "open-data",
        "user": {
            "username": "ada",
            "display_name": "Ada Lovelace",
            "role": "citizen",
            "verified": False,
            "organisation": None,
            "avatar_url": None,
            "initials": "AL",
        },
    }
    assert ada.received("user_typing") == []


def test_edits_and_deletes_reach_everyone_and_only_authors_may_make_them(chat, members):
    ada, _ = joined(members, chat, "ada")
    bob, _ = joined(members, chat, "bob")
    sent = ada.call("send_message", {"room": "open-data", "body": "frist", "client_id": "e1"})["message"]
    assert bob.call("edit_message", {"id": sent["id"], "body": "hijacked"})["error"]["code"] == "forbidden"
    assert bob.call("delete_message", {"id": sent["id"]})["error"]["code"] == "forbidden"
    edited = ada.call("edit_message", {"id": sent["id"], "body": "first"})["message"]
    assert edited["edited_at"] and bob.wait_for("message_edited") == edited
    assert ada.call("delete_message", {"id": sent["id"]}) == {"ok": True, "id": sent["id"]}
    assert bob.wait_for("message_deleted") == {"id": sent["id"], "room": "open-data", "thread_root": None}
    assert ada.call("delete_message", {"id": sent["id"]})["ok"] is False
    assert ada.call("join_room", {"room": "open-data"})["messages"] == []


def test_mentions_notify_the_person_mentioned(chat, members):
    ada, _ = joined(members, chat, "ada")
    bob = members(chat, "bob").connect()  # connected, but not looking at the room
    ada.call("send_message", {"room": "open-data", "body": "What do you think, @Bob?", "client_id": "n1"})
    notification = bob.wait_for("notification")
    assert (
        notification["kind"] == "mention"
        and notification["room"] == "open-data"
        and notification["actor"]["username"] == "ada"
    )
    assert notification["unread"] == 1
    assert "Ada Lovelace" in bob.session.get("/notifications").get_data(as_text=True)


def test_mark_read_clears_the_unread_count(chat, members):
    ada, _ = joined(members, chat, "ada")
    ids = [
        ada.call("send_message", {"room": "open-data", "body": f"m{n}", "client_id": f"r{n}"})["message"]["id"]
        for n in range(3)
    ]
    bob = members(chat, "bob").connect()
    listing = bob.session.get("/api/v1/rooms")  # session cookies do not authenticate the API
    assert listing.status_code == 401
    assert bob.call("mark_read", {"room": "open-data", "message_id": ids[1]}) == {"ok": True, "last_read_id": ids[1]}
    assert bob.call("mark_read", {"room": "open-data", "message_id": ids[0]}) == {"ok": True, "last_read_id": ids[1]}
    assert bob.call("mark_read", {"room": "open-data", "message_id": ids[2] + 100}) == {
        "ok": True,
        "last_read_id": ids[2],
    }


def test_plain_form_posts_reach_live_clients(chat, members):
    ada, _ = joined(members, chat, "ada")
    bob = members(chat, "bob")
    response = bob.session.post("/rooms/open-data/messages", data={"body": "from a form", "client_id": "f1"})
    assert response.status_code == 302
    assert ada.wait_for("message_posted")["body_html"] == "<p>from a form</p>\n"


def test_rate_and_size_limits_answer_with_error_acks(make_app, members):
    app = make_app(SOCKET_SEND_MESSAGE_LIMIT="3 per 10 seconds", SOCKET_TYPING_LIMIT="2 per 10 seconds")
    with app.app_context():
        make_room(make_user(username="ada"), "Open data")
    ada, _ = joined(members, app, "ada")
    acks = [ada.call("send_message", {"room": "open-data", "body": "hi", "client_id": f"x{n}"}) for n in range(4)]
    assert [ack["ok"] for ack in acks] == [True, True, True, False]
    assert acks[-1]["error"]["code"] == "rate_limited" and "at most 3 per 10 seconds" in acks[-1]["error"]["message"]
    typing = [ada.call("typing", {"room": "open-data"})["ok"] for _ in range(3)]
    assert typing == [True, True, False]


def test_signing_out_closes_the_members_live_connections(chat, members):
    ada, _ = joined(members, chat, "ada")
    assert ada.session.post("/sign-out").status_code == 302
    ada.wait_until_disconnected()


def test_reading_notifications_clears_the_count_in_other_tabs(chat, members):
    ada, _ = joined(members, chat, "ada")
    bob = members(chat, "bob").connect()
    ada.call("send_message", {"room": "open-data", "body": "@bob look", "client_id": "look"})
    notice = bob.wait_for("notification")
    assert notice["unread"] == 1
    assert bob.session.post("/notifications/read").status_code == 302
    assert bob.wait_for("notifications_read") == {"unread": 0, "ids": [notice["id"]]}


def test_reconnecting_with_since_gets_edits_and_deletions_made_while_away(served_chat, members):
    chat = served_chat
    ada, _ = joined(members, chat, "ada")
    bob, first_join = joined(members, chat, "bob")
    ids = [
        ada.call("send_message", {"room": "open-data", "body": f"v1 {n}", "client_id": f"s{n}"})["message"]["id"]
        for n in range(3)
    ]
    bob.wait_for("message_posted", lambda m: m["id"] == ids[-1])
    bob.disconnect()
    edited = ada.call("edit_message", {"id": ids[0], "body": "v2 0"})["message"]
    ada.call("delete_message", {"id": ids[1]})
    newer = ada.call("send_message", {"room": "open-data", "body": "new", "client_id": "s9"})["message"]

    _, ack = joined(members, chat, "bob", after_id=ids[-1], since=first_join["server_time"])
    assert [m["id"] for m in ack["messages"]] == [newer["id"]]
    assert ack["edited"] == [edited] and ack["deleted"] == [ids[1]]
    _, later = joined(members, chat, "bob", after_id=newer["id"], since=ack["server_time"])
    assert later["edited"] == [] and later["deleted"] == []


@pytest.mark.parametrize("since", ["yesterday", "2026-11-25T10:00:00", 7])
def test_a_bad_since_gets_an_error_ack(chat, members, since):
    bob = members(chat, "bob").connect()
    ack = bob.call("join_room", {"room": "open-data", "after_id": 1, "since": since})
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
