"""Every server-to-client event reaches exactly the connections that may have it now (as Zulip holds
its events to): the author, a room member, a non-member, a member just removed, a member who left, a
suspended member, a revoked token, a signed-out browser and a moderator each hold a live connection,
and each event is checked against that whole cast. Visitors cannot open a socket at all.
A connection on a second server process is covered against real servers in tests/rooms/test_authority.py."""

import pytest

from civicnet.accounts.access_tokens import create_token, revoke_token
from civicnet.accounts.services import find_user_by_username, suspend_user
from civicnet.extensions import socketio
from civicnet.notifications.services import listed
from civicnet.rooms import services as rooms
from tests.factories import make_moderator, make_room, make_user

CAST = ("ada", "bob", "cyd", "dan", "eve", "fay", "gus", "hal", "moe")


class Cast:
    def __init__(self, app):
        self.app = app
        self.sockets: dict[str, object] = {}
        self.http: dict[str, object] = {}

    def sign_in(self, username: str):
        client = self.app.test_client()
        response = client.post("/sign-in", data={"identifier": username, "password": "a long test passphrase"})
        assert response.status_code == 302, username
        self.http[username] = client
        return client

    def connect(self, name: str, **kwargs):
        socket = socketio.test_client(self.app, **kwargs)
        assert socket.is_connected(), name
        self.sockets[name] = socket
        return socket

    def call(self, name: str, event: str, data: dict) -> dict:
        ack = self.sockets[name].emit(event, data, callback=True)
        assert ack["ok"], (name, event, ack)
        return ack

    def drain(self) -> None:
        for socket in self.sockets.values():
            if socket.is_connected():
                socket.get_received()

    def received(self) -> dict[str, list[str]]:
        """The events each live connection received since the last look (every queue is emptied)."""
        return {
            name: [packet["name"] for packet in socket.get_received()]
            for name, socket in self.sockets.items()
            if socket.is_connected()
        }

    def recipients(self, event: str) -> set[str]:
        """Who received `event` since the last look."""
        return who_got(self.received(), event)


def who_got(received: dict[str, list[str]], event: str) -> set[str]:
    return {name for name, events in received.items() if event in events}


@pytest.fixture
def cast(app) -> Cast:
    """Ada's private room "budget" followed by everyone who was ever in it, then the changes."""
    with app.app_context():
        users = {name: make_user(username=name) for name in CAST if name != "moe"}
        users["moe"] = make_moderator(username="moe")
        make_room(users["ada"], "Budget", kind="private", members=[users[n] for n in CAST[1:] if n != "cyd"])
        make_room(users["ada"], "Lobby", members=[users[n] for n in CAST[1:]])
        _, plain = create_token(users["gus"], "script")
    cast = Cast(app)
    for name in CAST:
        if name == "gus":
            cast.connect(name, auth={"token": plain})
        else:
            cast.connect(name, flask_test_client=cast.sign_in(name))
        if name not in ("cyd", "moe"):
            cast.call(name, "join_room", {"room": "budget"})
        cast.call(name, "join_room", {"room": "lobby"})
    with app.app_context():
        ada, dan, eve = (find_user_by_username(n) for n in ("ada", "dan", "eve"))
        room = rooms.get_readable_room(ada, "budget")
        rooms.remove_member(ada, room, dan)
        rooms.leave_room(eve, rooms.get_readable_room(eve, "budget"))
        suspend_user(None, find_user_by_username("fay"), "Spam")
        gus = find_user_by_username("gus")
        revoke_token(gus, gus_token_id(gus))
    assert cast.http["hal"].post("/sign-out").status_code == 302
    cast.drain()
    return cast


def gus_token_id(gus) -> int:
    from civicnet.accounts.access_tokens import active_tokens

    return active_tokens(gus)[0].id


def test_the_changes_close_or_narrow_each_connection_at_once(cast):
    connected = {name for name, socket in cast.sockets.items() if socket.is_connected()}
    assert connected == {"ada", "bob", "cyd", "dan", "eve", "moe"}  # fay, gus and hal were closed
    for name in ("dan", "eve"):
        assert (
            cast.sockets[name].emit("send_message", {"room": "budget", "body": "hi", "client_id": name}, callback=True)[
                "error"
            ]["code"]
            == "not_found"
        )


def post(cast: Cast, name: str, room: str, body: str, **extra) -> dict:
    return cast.call(name, "send_message", {"room": room, "body": body, "client_id": body, **extra})["message"]


def test_message_posted_edited_and_deleted_reach_the_rooms_readers_only(cast):
    message = post(cast, "ada", "budget", "secret figures")
    assert cast.recipients("message_posted") == {"ada", "bob"}
    cast.call("ada", "edit_message", {"id": message["id"], "body": "revised figures"})
    assert cast.recipients("message_edited") == {"ada", "bob"}
    cast.call("ada", "delete_message", {"id": message["id"]})
    assert cast.recipients("message_deleted") == {"ada", "bob"}


def test_reactions_reach_the_rooms_readers_only(cast):
    message = post(cast, "ada", "budget", "figures to cheer")
    cast.drain()
    cast.call("bob", "react", {"message_id": message["id"], "emoji": "tada"})
    assert cast.recipients("reactions_changed") == {"ada", "bob"}
    lobby = post(cast, "bob", "lobby", "hello all")
    cast.drain()
    cast.call("ada", "react", {"message_id": lobby["id"], "emoji": "heart"})
    assert cast.recipients("reactions_changed") == {"ada", "bob", "cyd", "dan", "eve", "moe"}


def test_the_lobby_reaches_every_live_connection_that_follows_it(cast):
    post(cast, "bob", "lobby", "hello all")
    assert cast.recipients("message_posted") == {"ada", "bob", "cyd", "dan", "eve", "moe"}


def test_hiding_and_restoring_reach_the_room_and_the_author_hears_the_decision(cast):
    message = post(cast, "bob", "budget", "something rude")
    cast.drain()
    hide = {"kind": "hide_message", "item_type": "message", "item_id": message["id"], "reason": "respect"}
    cast.call("moe", "moderate", hide)
    received = cast.received()
    assert who_got(received, "message_hidden") == {"ada", "bob"}
    assert who_got(received, "notification") == {"bob"}  # the statement of reasons
    restore = {"kind": "restore_message", "item_type": "message", "item_id": message["id"], "reason": "no_breach"}
    cast.call("moe", "moderate", restore)
    assert cast.recipients("message_restored") == {"ada", "bob"}


def test_joining_leaving_and_typing_reach_the_others_in_the_room(app, cast):
    with app.app_context():
        ada = find_user_by_username("ada")
        rooms.add_member(ada, rooms.get_readable_room(ada, "budget"), "cyd")
    cast.drain()
    cast.call("cyd", "join_room", {"room": "budget"})
    assert cast.recipients("member_joined") == {"ada", "bob"}
    cast.call("bob", "typing", {"room": "budget"})
    assert cast.recipients("user_typing") == {"ada", "cyd"}
    cast.call("cyd", "leave_room", {"room": "budget"})
    assert cast.recipients("member_left") == {"ada", "bob"}


def test_mentions_notify_only_the_member_mentioned(cast):
    post(cast, "ada", "budget", "what do you think @bob and @dan?")
    assert cast.recipients("notification") == {"bob"}  # Dan was removed: he may not read it


def test_the_moderation_queue_count_reaches_moderators_only(cast):
    message = post(cast, "ada", "lobby", "buy cheap watches")
    cast.drain()
    cast.call("bob", "report", {"item_type": "message", "item_id": message["id"], "reason": "spam"})
    received = cast.received()
    assert who_got(received, "moderation_pending") == {"moe"}
    assert who_got(received, "notification") == {"moe"}  # "a new report in the moderation queue"


def test_a_followed_room_notifies_its_followers_and_a_muted_one_nobody(cast):
    assert cast.http["bob"].post("/rooms/lobby/notifications", data={"level": "follow"}).status_code == 302
    assert cast.http["cyd"].post("/rooms/lobby/notifications", data={"level": "mute"}).status_code == 302
    assert cast.http["dan"].post("/rooms/lobby/notifications", data={"level": "follow"}).status_code == 302
    cast.drain()
    post(cast, "ada", "lobby", "the minutes are up, @cyd and @eve")
    # Bob and Dan follow the lobby, Eve is mentioned; Cyd muted it, so not even her mention reaches her.
    assert cast.recipients("notification") == {"bob", "dan", "eve"}
    post(cast, "dan", "lobby", "thanks")
    assert cast.recipients("notification") == {"bob"}  # never the author


def test_reading_one_notification_reaches_that_members_connections_only(app, cast):
    post(cast, "ada", "budget", "a question for @bob")
    cast.drain()
    with app.app_context():
        [(notice, _)] = listed(find_user_by_username("bob"))
    assert cast.http["bob"].get(f"/notifications/{notice.id}").status_code == 302
    received = {name: socket for name, socket in cast.sockets.items() if socket.is_connected()}
    payloads = {
        name: [p["args"][0] for p in s.get_received() if p["name"] == "notifications_read"]
        for name, s in received.items()
    }
    assert {name for name, found in payloads.items() if found} == {"bob"}
    assert payloads["bob"] == [{"unread": 0, "ids": [notice.id]}]


def test_reading_notifications_reaches_that_members_connections_only(cast):
    post(cast, "ada", "budget", "over to you @bob")
    cast.drain()
    assert cast.http["bob"].get("/notifications").status_code == 200
    assert cast.recipients("notifications_read") == set()  # looking at the list marks nothing read
    assert cast.http["bob"].post("/notifications/read").status_code == 302
    assert cast.recipients("notifications_read") == {"bob"}


def test_losing_a_room_tells_only_that_connection(app, cast):
    with app.app_context():
        ada = find_user_by_username("ada")
        rooms.remove_member(ada, rooms.get_readable_room(ada, "budget"), find_user_by_username("bob"))
    received = cast.received()
    assert who_got(received, "room_access_ended") == {"bob"} and who_got(received, "member_left") == {"ada"}


def test_visitors_cannot_open_a_socket(app):
    visitor = socketio.test_client(app)
    assert not visitor.is_connected()


def test_a_moderator_whose_role_is_lowered_stops_hearing_the_queue(cast):
    from civicnet.accounts.services import set_role

    first = post(cast, "ada", "lobby", "first doubtful claim")
    cast.drain()
    cast.call("bob", "report", {"item_type": "message", "item_id": first["id"], "reason": "misinformation"})
    assert cast.recipients("moderation_pending") == {"moe"}
    with cast.app.app_context():
        set_role(None, find_user_by_username("moe"), "citizen")
    second = post(cast, "ada", "lobby", "second doubtful claim")
    cast.drain()
    cast.call("bob", "report", {"item_type": "message", "item_id": second["id"], "reason": "misinformation"})
    assert cast.recipients("moderation_pending") == set()
    assert cast.sockets["moe"].is_connected()  # still a member, reading what members read
