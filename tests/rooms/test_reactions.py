"""Reactions on messages, in process: toggling over the socket and the plain form (one service), who may
react, bad input, who hears of a change, catching up after a reconnect, the room page's one query, and
the member's data (export, erasure, a deleted message)."""

import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from civicnet.accounts import access_tokens
from civicnet.accounts.services import find_user_by_username
from civicnet.datarights import leaving
from civicnet.extensions import db
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.personal_data import sections
from civicnet.rooms import messages, reactions, services
from civicnet.rooms.models import Message, Reaction
from tests.factories import make_moderator, make_room, make_user

ROOM = "open-data"


@pytest.fixture
def chat(app):
    """Ada and Bob in the public room "Open data" (open to the public), Cy signed up but not in it, Uma
    yet to confirm her address, Moe a moderator; and Ada's private room "Budget" with Bob."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        bob = make_user(username="bob", display_name="Bob Okafor")
        make_user(username="cyd", display_name="Cy Dlamini")
        make_user(username="uma", verified=False)
        make_moderator(username="moe")
        make_room(ada, "Open data", members=[bob], open_to_public=True)
        make_room(ada, "Budget", kind="private", members=[bob])
    return app


def user(username: str):
    return find_user_by_username(username)


def post(app, username: str, body: str, room: str = ROOM) -> int:
    with app.app_context():
        author = user(username)
        return messages.post_message(services.get_readable_room(author, room), author, body).id


def joined(members, app, username: str, room: str = ROOM, **join):
    member = members(app, username).connect()
    ack = member.call("join_room", {"room": room, **join})
    assert ack["ok"], ack
    return member, ack


def person(username: str, display_name: str) -> dict:
    return {"username": username, "display_name": display_name}


def test_a_reaction_toggles_on_and_off_and_the_room_hears_each_change(chat, members):
    message_id = post(chat, "ada", "The budget is published")
    ada, _ = joined(members, chat, "ada")
    bob, _ = joined(members, chat, "bob")

    added = bob.call("react", {"message_id": message_id, "emoji": "tada"})
    heart = {"emoji": "tada", "count": 1, "people": [person("bob", "Bob Okafor")]}
    assert added == {"ok": True, "id": message_id, "room": ROOM, "reactions": [heart]}
    assert ada.wait_for("reactions_changed") == {"id": message_id, "room": ROOM, "reactions": [heart]}

    both = ada.call("react", {"message_id": message_id, "emoji": "tada", "on": True})
    assert both["reactions"] == [
        {"emoji": "tada", "count": 2, "people": [person("bob", "Bob Okafor"), person("ada", "Ada Lovelace")]}
    ]
    again = ada.call("react", {"message_id": message_id, "emoji": "tada", "on": True})  # sent twice: no change
    assert again["reactions"] == both["reactions"]
    assert len(bob.received("reactions_changed")) == 2  # his own, and Ada's first; not the repeat

    first = bob.call("react", {"message_id": message_id, "emoji": "thumbs_up"})  # the set's first
    assert [r["emoji"] for r in first["reactions"]] == ["thumbs_up", "tada"]
    bob.call("react", {"message_id": message_id, "emoji": "tada"})  # toggled off
    gone = ada.call("react", {"message_id": message_id, "emoji": "tada", "on": False})
    assert gone["reactions"] == [{"emoji": "thumbs_up", "count": 1, "people": [person("bob", "Bob Okafor")]}]
    assert bob.received("reactions_changed")[-1] == {key: gone[key] for key in ("id", "room", "reactions")}
    with chat.app_context():
        assert [(r.user_id, r.emoji) for r in db.session.scalars(select(Reaction))] == [(user("bob").id, "thumbs_up")]


def test_the_label_names_people_and_the_reader_last(ctx):
    emoji = reactions.BY_KEY["thumbs_up"]
    people = [reactions.Person(f"m{n}", f"Member {n}") for n in range(13)]
    assert reactions.label(emoji, people[:1], "m0") == "thumbs up: 1 reaction from you"
    assert reactions.label(emoji, people[:3], "m1") == "thumbs up: 3 reactions from Member 0, Member 2 and you"
    assert reactions.label(emoji, people[:2], None) == "thumbs up: 2 reactions from Member 0 and Member 1"
    many = reactions.label(emoji, people, "m12")
    assert many.endswith("Member 8, Member 9, 2 others and you") and many.startswith("thumbs up: 13 reactions")
    assert reactions.label(emoji, [], "m0") == "thumbs up: no reactions"


@pytest.mark.parametrize(
    ("data", "code", "says"),
    [
        ({"message_id": "{id}", "emoji": "poop"}, "invalid", "Choose one of these reactions: thumbs_up, heart"),
        ({"message_id": "{id}", "emoji": "👍"}, "invalid", "Choose one of these reactions"),
        ({"message_id": "{id}", "emoji": None}, "invalid", "emoji is missing"),
        ({"message_id": "{id}", "emoji": "heart", "on": "yes"}, "invalid", "on is missing or has the wrong type"),
        ({"message_id": "seven", "emoji": "heart"}, "invalid", "message_id is missing or has the wrong type"),
        ({"message_id": True, "emoji": "heart"}, "invalid", "message_id is missing or has the wrong type"),
        ({"message_id": 999999, "emoji": "heart"}, "not_found", "That message does not exist"),
        ({"message_id": 2**40, "emoji": "heart"}, "not_found", "That message does not exist"),
        ({"message_id": "{secret}", "emoji": "heart"}, "not_found", "That message does not exist"),
        ("not an object", "invalid", "Send the event's fields as an object"),
    ],
)
def test_bad_reactions_over_the_socket_get_clear_error_acks(chat, members, logged_errors, data, code, says):
    ids = {"id": post(chat, "ada", "Open"), "secret": post(chat, "ada", "Private", room="budget")}
    if isinstance(data, dict):
        data = {key: ids[value[1:-1]] if value in ("{id}", "{secret}") else value for key, value in data.items()}
    cy = members(chat, "cyd").connect()
    ack = cy.call("react", data)
    assert ack["ok"] is False and ack["error"]["code"] == code and ack["error"]["message"].startswith(says), ack
    assert cy.call("react", {"message_id": ids["id"], "emoji": "heart"})["ok"]  # the connection is fine
    assert logged_errors() == []


def archive(app, message_id: int) -> None:
    with app.app_context():
        ada = user("ada")
        services.set_archived(ada, services.get_readable_room(ada, ROOM), True)


def moderate(app, message_id: int, state: str) -> None:
    with app.app_context():
        message = db.session.get(Message, message_id)
        if state == "deleted":
            messages.delete_message(message.author, message_id)
            return
        getattr(message, {"hidden": "hide", "removed": "remove", "held": "hold"}[state])()
        db.session.commit()


def mute_bob(app, message_id: int) -> None:
    with app.app_context():
        request = ActionRequest(kind="mute", reason="respect", note="Cool off", username="bob", period="24")
        take_action(user("moe"), request)


@pytest.mark.parametrize(
    ("who", "change", "code", "says"),
    [
        ("uma", None, "forbidden", "Confirm your email address before reacting"),
        ("bob", archive, "forbidden", "This room is archived"),
        ("bob", mute_bob, "muted", "You are muted everywhere on civicnet"),
        ("bob", lambda app, m: moderate(app, m, "hidden"), "forbidden", "This message is hidden or held"),
        ("bob", lambda app, m: moderate(app, m, "removed"), "forbidden", "This message is hidden or held"),
        ("bob", lambda app, m: moderate(app, m, "held"), "not_found", "That message does not exist"),
        ("ada", lambda app, m: moderate(app, m, "held"), "forbidden", "This message is hidden or held"),
        ("bob", lambda app, m: moderate(app, m, "deleted"), "not_found", "That message does not exist"),
    ],
    ids=["unconfirmed", "archived", "muted", "hidden", "removed", "held", "held-author", "deleted"],
)
def test_only_members_who_may_post_react_to_messages_shown_to_all(chat, members, who, change, code, says):
    message_id = post(chat, "ada", "React to me")
    if change is not None:
        change(chat, message_id)
    member = members(chat, who).connect()
    ack = member.call("react", {"message_id": message_id, "emoji": "heart"})
    assert ack["ok"] is False and ack["error"]["code"] == code and ack["error"]["message"].startswith(says), ack
    form = member.session.post(f"/rooms/{ROOM}/messages/{message_id}/reactions", data={"add": "heart"})
    assert form.status_code == {"forbidden": 403, "muted": 403, "not_found": 404}[code]
    assert says in form.get_data(as_text=True)
    with chat.app_context():
        assert db.session.scalars(select(Reaction)).all() == []


def pressed(page: str, emoji: str) -> bool | None:
    """The chosen emoji's button on the page: pressed (True), not (False), or not there (None)."""
    shown = page.split('<template id="message-template">')[0]  # not the template's, which has them all
    found = re.search(rf'<li data-emoji="{emoji}"><button[^>]*aria-pressed="(true|false)"', shown)
    return found and found.group(1) == "true"


def test_the_form_is_rate_limited_like_the_live_connection(chat, members):
    message_id = post(chat, "ada", "Press me")
    chat.config["SOCKET_REACT_LIMIT"] = "2 per 10 seconds"
    bob = members(chat, "bob").session
    url = f"/rooms/{ROOM}/messages/{message_id}/reactions"
    presses = [bob.post(url, data={"add": emoji}).status_code for emoji in ("eyes", "heart", "tada")]
    assert presses == [302, 302, 429]


def test_the_form_toggles_without_javascript_and_reaches_live_pages(chat, members):
    message_id = post(chat, "ada", "Form me")
    ada, _ = joined(members, chat, "ada")
    bob = members(chat, "bob")
    url = f"/rooms/{ROOM}/messages/{message_id}/reactions"

    added = bob.session.post(url, data={"add": "eyes"})
    assert added.status_code == 302 and added.location == f"/rooms/{ROOM}#message-{message_id}"
    assert ada.wait_for("reactions_changed")["reactions"][0]["people"] == [person("bob", "Bob Okafor")]
    page = bob.session.get(f"/rooms/{ROOM}").get_data(as_text=True)
    assert pressed(page, "eyes") is True and "eyes: 1 reaction from you" in page
    assert 'name="remove" value="eyes" aria-pressed="true"' in page  # the picker's button says so too
    assert pressed(ada.session.get(f"/rooms/{ROOM}").get_data(as_text=True), "eyes") is False

    assert bob.session.post(url, data={"add": "eyes"}).status_code == 302  # a second press of a stale page
    with chat.app_context():
        assert len(db.session.scalars(select(Reaction)).all()) == 1
    older = bob.session.post(url + "?before=500", data={"remove": "eyes"})
    assert older.location == f"/rooms/{ROOM}?before=500#message-{message_id}"  # back to the page it was on
    assert pressed(bob.session.get(f"/rooms/{ROOM}").get_data(as_text=True), "eyes") is None
    signed_out = chat.test_client().post(url, data={"add": "heart"})
    assert signed_out.status_code == 302 and "/sign-in" in signed_out.location


@pytest.mark.parametrize(
    ("path", "data", "status", "says"),
    [
        ("/rooms/open-data/messages/{id}/reactions", {"add": "poop"}, 400, "Choose one of these reactions"),
        ("/rooms/open-data/messages/{id}/reactions", {}, 400, "Choose one of these reactions"),
        ("/rooms/open-data/messages/{id}/reactions", {"remove": ""}, 400, "Choose one of these reactions"),
        ("/rooms/open-data/messages/999999/reactions", {"add": "heart"}, 404, "That message does not exist"),
        ("/rooms/open-data/messages/{secret}/reactions", {"add": "heart"}, 404, "That message does not exist"),
        ("/rooms/budget/messages/{id}/reactions", {"add": "heart"}, 404, "Page not found"),
        ("/rooms/open-data/messages/99999999999/reactions", {"add": "heart"}, 404, "Page not found"),
    ],
)
def test_bad_reaction_forms_get_clear_error_pages(chat, members, path, data, status, says):
    ids = {"id": post(chat, "ada", "Open"), "secret": post(chat, "ada", "Private", room="budget")}
    cy = members(chat, "cyd")  # not in "Budget"
    response = cy.session.post(path.format(**ids), data=data)
    assert response.status_code == status and says in response.get_data(as_text=True)


def test_readers_who_cannot_post_see_reactions_without_buttons(chat, members):
    message_id = post(chat, "ada", "Look but do not touch")
    members(chat, "bob").connect().call("react", {"message_id": message_id, "emoji": "heart"})
    for reader in (chat.test_client(), members(chat, "uma").session):  # a visitor; an unconfirmed member
        page = reader.get(f"/rooms/{ROOM}").get_data(as_text=True)
        shown = page.split(f'id="message-{message_id}"')[1].split('<template id="message-template">')[0]
        assert '<span class="civicnet-reaction">' in shown and "heart: 1 reaction from Bob Okafor" in shown
        assert "/reactions" not in shown and "<button" not in shown


@contextmanager
def counted_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)


def test_the_room_page_loads_every_messages_reactions_in_one_query(chat, members):
    reader = members(chat, "cyd").session
    shown = 0  # messages on the page so far, each with the same reactions

    def page_queries(more_messages: int) -> tuple[int, int]:
        nonlocal shown
        shown += more_messages
        with chat.app_context():
            room = services.get_readable_room(user("ada"), ROOM)
            for n in range(more_messages):
                message = messages.post_message(room, user("ada"), f"Message {n}")
                for name in ("ada", "bob"):
                    reactions.react(user(name), message.id, "thumbs_up")
                reactions.react(user("bob"), message.id, "eyes")
        reader.get(f"/rooms/{ROOM}")  # the first view marks the room read; count the next
        with counted_queries() as statements:
            page = reader.get(f"/rooms/{ROOM}").get_data(as_text=True)
        assert page.count("thumbs up: 2 reactions from Ada Lovelace and Bob Okafor") == shown
        return len([s for s in statements if "message_reactions" in s]), len(statements)

    few, many = page_queries(2), page_queries(10)
    assert few[0] == many[0] == 1  # one query for the reactions of every message shown
    assert few[1] == many[1]  # and nothing else grows with the page


def test_reactions_reach_everyone_reading_the_room_and_nobody_else(chat, members):
    """Live events go to the room's channel, whose followers were checked when they joined."""
    public_id, private_id = post(chat, "ada", "Public news"), post(chat, "ada", "Private news", room="budget")
    with chat.app_context():
        make_room(user("cyd"), "Elsewhere")
    ada, _ = joined(members, chat, "ada")  # a member
    ada.call("join_room", {"room": "budget"})
    bob, _ = joined(members, chat, "bob", room="budget")  # a member of "Budget" only looking at it
    cy, _ = joined(members, chat, "cyd")  # reads the public room without being a member of it
    assert cy.call("join_room", {"room": "budget"})["error"]["code"] == "not_found"
    elsewhere, _ = joined(members, chat, "moe", room="elsewhere")  # in another room
    everyone = {"ada": ada, "bob": bob, "cyd": cy, "moe": elsewhere}

    def recipients() -> set[str]:
        return {name for name, member in everyone.items() if member.received("reactions_changed")}

    ada.call("react", {"message_id": public_id, "emoji": "heart"})
    assert recipients() == {"ada", "cyd"}
    for member in everyone.values():
        member.events.clear()
    bob.call("react", {"message_id": private_id, "emoji": "heart"})
    assert recipients() == {"ada", "bob"}


def test_a_reconnecting_client_catches_up_on_reaction_changes(chat, members):
    kept, emptied, untouched = (post(chat, "ada", f"Message {n}") for n in range(3))
    bob = members(chat, "bob").connect()
    bob.call("react", {"message_id": emptied, "emoji": "smile"})
    first = bob.call("join_room", {"room": ROOM})
    assert first["reactions"] == [
        {
            "id": emptied,
            "room": ROOM,
            "reactions": [{"emoji": "smile", "count": 1, "people": [person("bob", "Bob Okafor")]}],
        }
    ]
    bob.disconnect()

    ada = members(chat, "ada").connect()
    ada.call("react", {"message_id": kept, "emoji": "heart"})
    ada.call("react", {"message_id": emptied, "emoji": "smile"})
    ada.call("react", {"message_id": emptied, "emoji": "smile"})  # on and off again: it changed, to the same
    missed = post(chat, "ada", "While Bob was away")
    ada.call("react", {"message_id": missed, "emoji": "eyes"})
    with chat.app_context():  # his own reaction, taken away in another tab
        reactions.react(user("bob"), emptied, "smile", on=False)

    back = members(chat, "bob").connect()
    ack = back.call("join_room", {"room": ROOM, "after_id": untouched, "since": first["server_time"]})
    assert [m["id"] for m in ack["messages"]] == [missed]
    by_id = {entry["id"]: entry["reactions"] for entry in ack["reactions"]}
    assert set(by_id) == {kept, emptied, missed}  # not the message nothing happened to
    assert by_id[emptied] == []  # its last reaction went: the client clears it
    assert [r["emoji"] for r in by_id[kept]] == ["heart"] and [r["emoji"] for r in by_id[missed]] == ["eyes"]
    again = back.call("join_room", {"room": ROOM, "after_id": missed, "since": ack["server_time"]})
    assert again["reactions"] == []
    older = back.call("fetch_history", {"room": ROOM, "before_id": missed})
    assert {entry["id"] for entry in older["reactions"]} == {kept}


def test_a_restored_message_brings_its_reactions_back_live(chat, members):
    message_id = post(chat, "ada", "Contested")
    members(chat, "bob").connect().call("react", {"message_id": message_id, "emoji": "thinking"})
    moderate(chat, message_id, "hidden")
    ada, _ = joined(members, chat, "ada")
    assert ada.call("fetch_history", {"room": ROOM})["reactions"] == []  # a hidden message shows none
    with chat.app_context():
        action = ActionRequest(kind="restore_message", reason="no_breach", item_type="message", item_id=message_id)
        take_action(user("moe"), action)
    assert ada.wait_for("reactions_changed")["reactions"][0]["emoji"] == "thinking"


def test_reactions_are_in_the_export_and_go_with_the_member_or_the_message(chat, members):
    adas, cys, deleted = post(chat, "ada", "Ada's"), post(chat, "cyd", "Cy's"), post(chat, "ada", "Regretted")
    with chat.app_context():
        for message_id, name, emoji in [
            (adas, "bob", "heart"),
            (adas, "bob", "eyes"),
            (adas, "cyd", "smile"),
            (cys, "ada", "tada"),
            (deleted, "bob", "heart"),
        ]:
            reactions.react(user(name), message_id, emoji)
        (section,) = [s for s in sections() if s.name == "rooms"]
        (table,) = [t for t in section.collect(user("bob")) if t.name == "reactions"]
        assert [(row["message_id"], row["room"], row["emoji"]) for row in table.rows] == [
            (adas, ROOM, "heart"),
            (adas, ROOM, "eyes"),
            (deleted, ROOM, "heart"),
        ]
        messages.delete_message(user("ada"), deleted)  # its reactions go with it
        assert remaining() == [(adas, "heart"), (adas, "eyes"), (adas, "smile"), (cys, "tada")]
    ada, _ = joined(members, chat, "ada")

    with chat.app_context():
        leaving.erase(user("bob"))  # he kept his messages (the default): his reactions go
        assert remaining() == [(adas, "smile"), (cys, "tada")]
        assert db.session.get(Message, adas).reactions_changed_at is not None  # for clients coming back
    smile = {"emoji": "smile", "count": 1, "people": [person("cyd", "Cy Dlamini")]}
    assert ada.wait_for("reactions_changed") == {"id": adas, "room": ROOM, "reactions": [smile]}

    with chat.app_context():
        cy = user("cyd")
        cy.messages_on_leaving = leaving.REMOVE  # his words go: so do the reactions to them, and his own
        leaving.erase(cy)
        assert remaining() == []


def remaining() -> list[tuple[int, str]]:
    return [(r.message_id, r.emoji) for r in db.session.scalars(select(Reaction).order_by(Reaction.id))]


def test_reacting_is_rate_limited_like_sending(make_app, members):
    app = make_app(SOCKET_REACT_LIMIT="3 per 10 seconds")
    with app.app_context():
        ada = make_user(username="ada")
        room = make_room(ada, "Open data")
        message_id = messages.post_message(room, ada, "Click me").id
    member = members(app, "ada").connect()
    acks = [member.call("react", {"message_id": message_id, "emoji": "heart"}) for _ in range(4)]
    assert [ack["ok"] for ack in acks] == [True, True, True, False]
    assert acks[-1]["error"]["code"] == "rate_limited" and "at most 3 per 10 seconds" in acks[-1]["error"]["message"]


def test_the_api_adds_and_takes_away_reactions_and_the_room_hears_as_from_the_socket(chat, members):
    message_id = post(chat, "ada", "The budget is published")
    private_id = post(chat, "ada", "Budget figures", room="budget")
    with chat.app_context():
        headers = {"Authorization": f"Bearer {access_tokens.create_token(user('bob'), 'tests')[1]}"}
        cyd = {"Authorization": f"Bearer {access_tokens.create_token(user('cyd'), 'tests')[1]}"}
    ada, _ = joined(members, chat, "ada")
    outsider = members(chat, "cyd").connect()
    client = chat.test_client()
    url = f"/api/v1/messages/{message_id}/reactions"

    added = client.put(f"{url}/tada", headers=headers)
    tada = {"emoji": "tada", "count": 1, "people": [person("bob", "Bob Okafor")]}
    assert added.status_code == 200 and added.json == {"id": message_id, "room": ROOM, "reactions": [tada]}
    assert ada.wait_for("reactions_changed") == added.json
    assert client.put(f"{url}/tada", headers=headers).json == added.json  # sent twice: no change
    assert len(ada.received("reactions_changed")) == 1
    page = client.get(f"/api/v1/rooms/{ROOM}/messages", headers=headers).json
    assert page["reactions"] == [added.json]  # a room's messages come with their reactions

    removed = client.delete(f"{url}/tada", headers=headers)
    assert removed.status_code == 200 and removed.json["reactions"] == []
    assert ada.received("reactions_changed")[-1] == removed.json
    assert client.delete(f"{url}/tada", headers=headers).status_code == 200  # already gone: still fine
    assert len(ada.received("reactions_changed")) == 2
    assert outsider.received("reactions_changed") == []  # not in the room's connections

    bad = client.put(f"{url}/shrug", headers=headers)
    assert bad.status_code == 400 and "Choose one of these reactions" in bad.json["error"]["message"]
    assert client.put(f"/api/v1/messages/{private_id}/reactions/tada", headers=cyd).status_code == 404
    assert client.put(f"/api/v1/messages/{2**63}/reactions/tada", headers=headers).status_code == 404
    assert client.put(f"{url}/tada").status_code == 401
