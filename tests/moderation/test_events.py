"""Moderation over Socket.IO: Flask-SocketIO's test client on the app in this process, each member
signed in through the HTTP test client (the real-server paths are in tests/rooms)."""

import pytest
import socketio
from sqlalchemy import func, select

from civicnet.accounts.services import find_user_by_username
from civicnet.extensions import db
from civicnet.moderation import appeals
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.moderation.models import Appeal, ModerationAction, Mute
from civicnet.rooms import messages
from civicnet.rooms.models import Message
from civicnet.rooms.services import get_readable_room
from tests.factories import make_moderator, make_room, make_user
from tests.sockets import LocalMember

ROOM = "open-data"
OTHER_ROOM = "transport"


@pytest.fixture
def town(app):
    """Ada created Open data and Transport; Bob, Cyd, Eve and Fay are citizens in Open data;
    Mod and Meg are moderators; Ann is an admin."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        citizens = [make_user(username=name) for name in ("bob", "cyd", "eve", "fay")]
        make_moderator(username="mod")
        make_moderator(username="meg")
        make_user(username="ann", role="admin")
        make_room(ada, "Open data", members=citizens)
        make_room(ada, "Transport")
    return app


# --- Helpers ---------------------------------------------------------------------------------


def joined(members, town, username: str, room: str = ROOM):
    """A member connected and following a room live."""
    member = members(town, username).connect()
    ack = member.call("join_room", {"room": room})
    assert ack["ok"], ack
    return member


def post(app, username: str, body: str, room: str = ROOM) -> int:
    """A message posted through the service (before anyone connects); its id."""
    with app.app_context():
        author = find_user_by_username(username)
        return messages.post_message(get_readable_room(author, room), author, body).id


def refused(ack: dict, code: str, *words: str) -> str:
    """Assert an error ack with this code whose message contains every word; the message."""
    assert ack["ok"] is False and set(ack) == {"ok", "error"}, ack
    assert ack["error"]["code"] == code, ack
    message = ack["error"]["message"]
    assert message and all(word in message for word in words), ack
    return message


def warn(username: str, **extra) -> dict:
    return {"kind": "warn", "reason": "respect", "username": username, **extra}


def on_message(kind: str, message_id: int, reason: str = "respect", **extra) -> dict:
    return {"kind": kind, "reason": reason, "item_type": "message", "item_id": message_id, **extra}


def role_of(app, username: str) -> str:
    with app.app_context():
        return find_user_by_username(username).role


def moderation_of(app, message_id: int) -> str | None:
    with app.app_context():
        return db.session.get(Message, message_id).moderation


def action_count(app, **where) -> int:
    with app.app_context():
        query = select(func.count(ModerationAction.id)).filter_by(**where)
        return db.session.scalar(query)


def statement_to(outbox, address: str) -> bool:
    return any(m.recipients == [address] and "a moderation decision about you" in m.subject + m.body for m in outbox)


# --- Who may do what -----------------------------------------------------------------------


def test_a_citizen_cannot_moderate(app, town, members):
    """A citizen's `moderate` and `moderation_pending` are refused, and no action is recorded."""
    bob = members(town, "bob").connect()
    refused(bob.call("moderate", warn("ada")), "forbidden", "Only moderators and admins")
    refused(bob.call("moderation_pending", {}), "forbidden")
    assert action_count(app) == 0


def test_a_moderator_cannot_act_on_an_admin_but_an_admin_can_act_on_a_moderator(app, town, members):
    """Only admins act on admins."""
    mod = members(town, "mod").connect()
    ann = members(town, "ann").connect()
    refused(mod.call("moderate", warn("ann")), "forbidden", "Moderators cannot act on admins")
    assert action_count(app) == 0
    ack = ann.call("moderate", warn("mod"))
    assert ack["ok"] and ack["action"]["kind"] == "warn", ack


def test_a_moderator_cannot_act_on_themselves_or_their_own_message(app, town, members):
    """Nobody moderates themselves: not their account, not their content."""
    own = post(app, "mod", "my own words")
    mod = members(town, "mod").connect()
    refused(mod.call("moderate", warn("mod")), "forbidden", "cannot moderate yourself")
    refused(mod.call("moderate", on_message("hide_message", own)), "forbidden", "cannot moderate yourself")
    assert action_count(app) == 0 and moderation_of(app, own) is None


def test_a_moderator_cannot_set_roles(app, town, members):
    """A moderator can neither promote a member nor themselves; the roles stay as they were."""
    mod = members(town, "mod").connect()
    refused(mod.call("set_role", {"username": "bob", "role": "moderator"}), "forbidden", "Only admins")
    refused(mod.call("set_role", {"username": "mod", "role": "admin"}), "forbidden", "Only admins")
    assert role_of(app, "bob") == "citizen" and role_of(app, "mod") == "moderator"


def test_an_admin_sets_a_role_and_it_applies_at_once(app, town, members):
    """An admin's set_role changes the role; the new moderator's open socket may moderate straight away."""
    bob = members(town, "bob").connect()
    refused(bob.call("moderation_pending", {}), "forbidden")
    ann = members(town, "ann").connect()
    ack = ann.call("set_role", {"username": "Bob", "role": "moderator", "note": "Volunteered"})
    assert ack == {"ok": True, "username": "bob", "role": "moderator"}
    assert role_of(app, "bob") == "moderator"
    assert bob.call("moderation_pending", {}) == {"ok": True, "count": 0}
    refused(ann.call("set_role", {"username": "bob", "role": "moderator"}), "conflict", "already")


def test_a_role_change_applies_to_the_live_queue_count_at_once(app, town, members):
    """Queue counts go to the connected moderators as they are now: not to a member just demoted,
    and to a member just promoted."""
    message_id = post(app, "ada", "Vote for me")
    mod, bob = members(town, "mod").connect(), members(town, "bob").connect()
    ann = members(town, "ann").connect()
    assert ann.call("set_role", {"username": "mod", "role": "citizen"})["ok"]
    assert ann.call("set_role", {"username": "bob", "role": "moderator"})["ok"]
    cyd = members(town, "cyd").connect()
    assert cyd.call("report", {"item_type": "message", "item_id": message_id, "reason": "spam"})["ok"]
    ann.wait_for("moderation_pending", lambda p: p["count"] == 1)
    # A marker: the answer to a later call on the same connection comes after anything sent to it before.
    assert mod.call("join_room", {"room": "no-such-room"})["ok"] is False
    assert mod.received("moderation_pending") == []
    assert bob.wait_for("moderation_pending", lambda p: p["count"] == 1, timeout=2)


def test_nobody_changes_their_own_role(app, town, members):
    """Not even an admin can change their own role."""
    ann = members(town, "ann").connect()
    refused(ann.call("set_role", {"username": "ann", "role": "citizen"}), "forbidden", "your own role")
    assert role_of(app, "ann") == "admin"


def test_an_appeal_is_decided_by_a_different_moderator(app, town, members):
    """The moderator who hid a message cannot decide the appeal; another moderator reverses it,
    the message returns for the room and its author is told."""
    message_id = post(app, "ada", "The budget figures are on page 4")
    with app.app_context():
        mod, ada = find_user_by_username("mod"), find_user_by_username("ada")
        action = take_action(mod, ActionRequest(**on_message("hide_message", message_id, reason="accuracy")))
        appeal_id = appeals.appeal(ada, action.id, "Page 4 does have the figures").id
        action_id = action.id
    fay = joined(members, town, "fay")
    ada = members(town, "ada").connect()
    decision = {"appeal_id": appeal_id, "outcome": "reversed", "note": "The figures check out"}

    refused(members(town, "mod").connect().call("decide_appeal", decision), "forbidden", "different moderator")
    assert moderation_of(app, message_id) == "removed"  # a moderator's decision, not pending review

    meg = members(town, "meg").connect()
    assert meg.call("decide_appeal", decision) == {"ok": True, "appeal": {"id": appeal_id, "outcome": "reversed"}}
    restored = fay.wait_for("message_restored", lambda m: m["id"] == message_id)
    assert restored["hidden"] is False and "page 4" in restored["body_html"]
    assert ada.wait_for("notification", lambda n: n["kind"] == "appeal_decided")["url"].endswith(f"/{action_id}")
    refused(meg.call("decide_appeal", decision), "conflict", "already been decided")
    with app.app_context():
        assert db.session.get(ModerationAction, action_id).reversed_at is not None
        assert db.session.get(Appeal, appeal_id).decided_by.username == "meg"
        assert db.session.get(Message, message_id).moderation is None


# --- Reports -------------------------------------------------------------------------------


def test_three_reports_hide_a_message_live_and_a_moderator_restores_it(app, town, members):
    """Reports over the socket hide a message for the room once three members report it, the
    moderators' count goes up, a repeated report conflicts, and restoring brings the text back."""
    message_id = post(app, "ada", "Buy cheap **watches** at example.com")
    mod = members(town, "mod").connect()
    fay = joined(members, town, "fay")
    reporters = {name: members(town, name).connect() for name in ("bob", "cyd", "eve")}

    first = reporters["bob"].call("report", {"item_type": "message", "item_id": message_id, "reason": "spam"})
    assert first["ok"] and first["report"]["item_id"] == message_id and first["report"]["item_type"] == "message"
    assert mod.wait_for("moderation_pending", lambda p: p["count"] >= 1)["count"] == 1
    again = reporters["bob"].call("report", {"item_type": "message", "item_id": message_id, "reason": "harassment"})
    refused(again, "conflict", "already reported")
    assert moderation_of(app, message_id) is None and fay.received("message_hidden") == []

    for name in ("cyd", "eve"):
        ack = reporters[name].call("report", {"item_type": "message", "item_id": message_id, "reason": "spam"})
        assert ack["ok"], ack
    hidden = fay.wait_for("message_hidden", lambda m: m["id"] == message_id)
    assert hidden["hidden"] is True and hidden["held"] is False and hidden["body_html"] == ""
    assert hidden["removed"] is False  # pending review: no moderator has decided yet
    assert hidden["author"]["username"] == "ada" and hidden["room"] == ROOM
    assert moderation_of(app, message_id) == "hidden"
    assert mod.call("moderation_pending", {}) == {"ok": True, "count": 1}  # one item, three reports

    ack = mod.call("moderate", on_message("restore_message", message_id, reason="no_breach"))
    assert ack["ok"] and ack["action"]["kind"] == "restore_message", ack
    restored = fay.wait_for("message_restored", lambda m: m["id"] == message_id)
    assert restored["hidden"] is False and "<strong>watches</strong>" in restored["body_html"]
    assert mod.wait_for("moderation_pending", lambda p: p["count"] == 0) == {"count": 0}
    assert moderation_of(app, message_id) is None


def test_reports_are_checked(app, town, members):
    """Members cannot report their own content, nor without a reason, nor "other" without a note."""
    message_id = post(app, "ada", "Minutes of the meeting")
    ada, bob = members(town, "ada").connect(), members(town, "bob").connect()
    item = {"item_type": "message", "item_id": message_id}
    refused(ada.call("report", {**item, "reason": "spam"}), "invalid", "your own content")
    refused(bob.call("report", {**item, "reason": "rude"}), "invalid", "why you are reporting")
    refused(bob.call("report", {**item, "reason": "other"}), "invalid", "what the problem is")
    assert bob.call("report", {**item, "reason": "other", "note": "Wrong minutes"})["ok"]


# --- Mutes and suspensions -----------------------------------------------------------------


def test_a_room_mute_stops_posting_there_only_until_lifted(app, town, members):
    """A mute in one room refuses the member's messages there (saying until when), not elsewhere;
    the member is told why; lifting it lets them post again."""
    ada = joined(members, town, "ada")
    mod = members(town, "mod").connect()
    mute = {"kind": "mute", "reason": "respect", "username": "ada", "room": ROOM, "period": "24"}
    ack = mod.call("moderate", {**mute, "note": "Personal attacks on Bob"})
    assert ack["ok"] and ack["action"]["kind"] == "mute" and ack["action"]["ends_at"], ack
    notice = ada.wait_for("notification", lambda n: n["kind"] == "moderation")
    assert notice["excerpt"] == "You were muted" and notice["url"].endswith(f"/{ack['action']['id']}")

    sent = ada.call("send_message", {"room": ROOM, "body": "Let me finish", "client_id": "m1"})
    refused(sent, "muted", "until", "Open data")
    elsewhere = ada.call("send_message", {"room": OTHER_ROOM, "body": "Meanwhile, buses", "client_id": "m2"})
    assert elsewhere["ok"] and elsewhere["message"]["room"] == OTHER_ROOM, elsewhere
    refused(mod.call("moderate", mute), "conflict", "already muted")

    lifted = mod.call("moderate", {"kind": "lift_mute", "reason": "no_breach", "username": "ada", "room": ROOM})
    assert lifted["ok"], lifted
    again = ada.call("send_message", {"room": ROOM, "body": "Thank you", "client_id": "m3"})
    assert again["ok"] and again["message"]["body_html"] == "<p>Thank you</p>\n", again
    refused(mod.call("moderate", {**mute, "kind": "lift_mute"}), "conflict", "not muted")
    with app.app_context():
        assert db.session.scalar(select(func.count(Mute.id)).where(Mute.lifted_at.is_(None))) == 0


def test_suspending_a_member_closes_their_connections_and_refuses_new_ones(app, town, members):
    """Every open connection of a suspended member is closed at once, and reconnecting fails."""
    first_tab = joined(members, town, "ada")
    second_tab = members(town, "ada").connect()
    bob = joined(members, town, "bob")
    mod = members(town, "mod").connect()

    mod.call("moderate", {"kind": "suspend", "reason": "law", "username": "ada", "period": "72"})
    first_tab.wait_until_disconnected()
    second_tab.wait_until_disconnected()
    assert bob.wait_for("member_left")["user"]["username"] == "ada"
    assert bob.connected and mod.connected
    with app.app_context():
        assert find_user_by_username("ada").suspended_at is not None

    returning = members(town, headers=first_tab.headers)  # the same session cookie
    with pytest.raises(socketio.exceptions.ConnectionError):
        returning.connect()
    assert not returning.connected
    refused(mod.call("moderate", {"kind": "suspend", "reason": "law", "username": "ada"}), "conflict", "already")


def test_suspending_an_offline_member_acks_and_sends_the_statement_of_reasons(
    app, town, members, outbox, logged_errors
):
    """With the member offline, the moderator's ack confirms the suspension and the member is emailed."""
    mod = members(town, "mod").connect()
    ack = mod.call("moderate", {"kind": "suspend", "reason": "law", "username": "ada", "period": "indefinite"})
    assert ack["ok"] and ack["action"]["kind"] == "suspend" and ack["action"]["ends_at"] is None, ack
    assert statement_to(outbox, "ada@example.org")
    assert logged_errors() == []


def test_suspending_a_connected_member_acks_and_sends_the_statement_of_reasons(
    app, town, members, outbox, logged_errors
):
    """The moderator's ack confirms the suspension, and the member is emailed the statement of reasons
    (their only way to appeal, since they can no longer sign in), also when they were online."""
    joined(members, town, "ada")
    mod = members(town, "mod").connect()
    ack = mod.call("moderate", {"kind": "suspend", "reason": "law", "username": "ada", "period": "72"})
    assert ack["ok"] and ack["action"]["kind"] == "suspend" and ack["action"]["ends_at"], ack
    assert statement_to(outbox, "ada@example.org")
    assert logged_errors() == []


# --- Repeated, stale and malformed actions -------------------------------------------------


def test_repeated_and_stale_actions_conflict_and_change_nothing(app, town, members):
    """A second hide, and a decision made on an out-of-date page (`seen`), are refused as conflicts;
    neither records an action nor reaches the room."""
    message_id = post(app, "ada", "The bins are collected on Tuesdays")
    fay = joined(members, town, "fay")
    mod, meg = members(town, "mod").connect(), members(town, "meg").connect()

    hid = mod.call("moderate", on_message("hide_message", message_id, reason="accuracy"))
    assert hid["ok"], hid
    assert fay.wait_for("message_hidden", lambda m: m["id"] == message_id)["removed"] is True
    refused(meg.call("moderate", on_message("hide_message", message_id)), "conflict", "already hidden")
    stale = on_message("restore_message", message_id, reason="no_breach", seen=hid["action"]["id"] - 1)
    refused(meg.call("moderate", stale), "conflict", "Someone else acted")
    refused(meg.call("moderate", {**stale, "seen": 0}), "conflict", "Someone else acted")
    assert moderation_of(app, message_id) == "removed"  # a moderator's decision, not pending review
    assert action_count(app, kind="hide_message") == 1 and action_count(app, kind="restore_message") == 0

    fresh = meg.call("moderate", {**stale, "seen": hid["action"]["id"]})
    assert fresh["ok"], fresh
    fay.wait_for("message_restored", lambda m: m["id"] == message_id)
    assert len(fay.received("message_hidden")) == 1  # events arrive in order: no second hide was sent

    warned = mod.call("moderate", warn("ada"))
    assert warned["ok"], warned
    stale_mute = {"kind": "mute", "reason": "respect", "username": "ada", "period": "24"}
    refused(meg.call("moderate", {**stale_mute, "seen": warned["action"]["id"] - 1}), "conflict", "Someone else")
    assert action_count(app, kind="mute") == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Mute.id))) == 0


def test_unknown_items_members_and_appeals_are_not_found(app, town, members):
    """Ids and usernames that do not exist, and messages in rooms one cannot read, are `not_found`."""
    with app.app_context():
        ann, meg = find_user_by_username("ann"), find_user_by_username("meg")
        make_room(ann, "Admins only", kind="private", members=[meg])
    secret = post(app, "ann", "staff rota", room="admins-only")
    mod, bob = members(town, "mod").connect(), members(town, "bob").connect()
    refused(mod.call("moderate", on_message("hide_message", 999_999)), "not_found")
    refused(mod.call("moderate", warn("nobody-here")), "not_found", "username")
    refused(mod.call("decide_appeal", {"appeal_id": 999_999, "outcome": "upheld", "note": "x"}), "not_found")
    refused(bob.call("report", {"item_type": "message", "item_id": 999_999, "reason": "spam"}), "not_found")
    refused(bob.call("report", {"item_type": "message", "item_id": secret, "reason": "spam"}), "not_found")
    refused(bob.call("report", {"item_type": "room", "item_id": 999_999, "reason": "spam"}), "not_found")
    assert action_count(app) == 0


class Id:
    """A placeholder in a parametrized payload for an id known only once the test has made its data."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name} id>"


MESSAGE_ID, ROOM_ID = Id("message"), Id("room")


def fill(data, ids: dict):
    """The payload with each placeholder replaced by its id."""
    if isinstance(data, Id):
        return ids[data.name]
    if isinstance(data, dict):
        return {key: fill(value, ids) for key, value in data.items()}
    if isinstance(data, list):
        return [fill(value, ids) for value in data]
    return data


HIDE = {"kind": "hide_message", "reason": "respect", "item_type": "message", "item_id": MESSAGE_ID}
MUTE = {"kind": "mute", "reason": "respect", "username": "ada", "period": "24"}
REPORT = {"item_type": "message", "item_id": MESSAGE_ID, "reason": "spam"}
DECIDE = {"appeal_id": 1, "outcome": "upheld", "note": "Stands"}


@pytest.mark.parametrize(
    ("sender", "event", "data", "code"),
    [
        ("mod", "moderate", ["hide_message", MESSAGE_ID], "invalid"),
        ("mod", "moderate", "hide_message", "invalid"),
        ("mod", "moderate", None, "invalid"),
        ("mod", "moderate", {key: v for key, v in HIDE.items() if key != "kind"}, "invalid"),
        ("mod", "moderate", {key: v for key, v in HIDE.items() if key != "reason"}, "invalid"),
        ("mod", "moderate", {key: v for key, v in HIDE.items() if key != "item_id"}, "invalid"),
        ("mod", "moderate", {**HIDE, "kind": "explode"}, "invalid"),
        ("mod", "moderate", {**HIDE, "kind": ["hide_message"]}, "invalid"),
        ("mod", "moderate", {**HIDE, "reason": "no_breach"}, "invalid"),
        ("mod", "moderate", {**HIDE, "reason": "rudeness"}, "invalid"),
        ("mod", "moderate", {**HIDE, "item_id": "7"}, "invalid"),
        ("mod", "moderate", {**HIDE, "item_id": True}, "invalid"),
        ("mod", "moderate", {**HIDE, "item_id": 1.5}, "invalid"),
        ("mod", "moderate", {**HIDE, "item_id": -3}, "invalid"),
        ("mod", "moderate", {**HIDE, "item_type": "user"}, "invalid"),
        ("mod", "moderate", {**HIDE, "item_type": "room", "item_id": ROOM_ID}, "invalid"),
        ("mod", "moderate", {**HIDE, "note": 42}, "invalid"),
        ("mod", "moderate", {**HIDE, "note": "x" * 2001}, "invalid"),
        ("mod", "moderate", {**HIDE, "seen": "5"}, "invalid"),
        ("mod", "moderate", {**HIDE, "note": "x" * 17000}, "payload_too_large"),
        ("mod", "moderate", {"kind": "warn", "reason": "respect"}, "invalid"),
        ("mod", "moderate", {**MUTE, "username": ["ada"]}, "invalid"),
        ("mod", "moderate", {**MUTE, "period": 24}, "invalid"),
        ("mod", "moderate", {**MUTE, "period": "forever"}, "invalid"),
        ("mod", "moderate", {**MUTE, "room": 5}, "invalid"),
        ("mod", "moderate", {**MUTE, "room": "no-such-room"}, "not_found"),
        ("mod", "moderate", {**MUTE, "reason": "no_breach"}, "invalid"),
        (
            "mod",
            "moderate",
            {"kind": "edit_room", "reason": "on_topic", "item_type": "room", "item_id": ROOM_ID, "name": "  "},
            "invalid",
        ),
        ("bob", "report", [REPORT], "invalid"),
        ("bob", "report", {**REPORT, "item_id": "1"}, "invalid"),
        ("bob", "report", {**REPORT, "item_type": "user"}, "invalid"),
        ("bob", "report", {**REPORT, "note": 5}, "invalid"),
        ("bob", "report", {**REPORT, "reason": None}, "invalid"),
        ("bob", "report", {**REPORT, "note": "x" * 1001}, "invalid"),
        ("meg", "decide_appeal", [DECIDE], "invalid"),
        ("meg", "decide_appeal", {**DECIDE, "appeal_id": "1"}, "invalid"),
        ("meg", "decide_appeal", {key: v for key, v in DECIDE.items() if key != "note"}, "invalid"),
        ("meg", "decide_appeal", {**DECIDE, "outcome": 1}, "invalid"),
        ("ann", "set_role", "bob", "invalid"),
        ("ann", "set_role", {"username": "bob"}, "invalid"),
        ("ann", "set_role", {"username": "bob", "role": "superuser"}, "invalid"),
        ("ann", "set_role", {"username": "bob", "role": ["admin"]}, "invalid"),
        ("ann", "set_role", {"username": "nobody-here", "role": "moderator"}, "not_found"),
    ],
)
def test_malformed_payloads_get_error_acks_and_no_server_exception(
    app, town, members, logged_errors, sender, event, data, code
):
    """Wrong types, missing fields, strings for ints and lists for objects are refused with an
    error ack naming the problem; nothing is recorded and the server logs no exception."""
    message_id = post(app, "ada", "Something to act on")
    with app.app_context():
        ids = {"message": message_id, "room": get_readable_room(find_user_by_username("ada"), ROOM).id}
    client = members(town, sender).connect()
    refused(client.call(event, fill(data, ids)), code)
    assert client.call("send_message", {"room": ROOM, "body": "still here", "client_id": "after"})["ok"]
    assert action_count(app) == 0 and moderation_of(app, message_id) is None
    assert role_of(app, "bob") == "citizen"
    assert logged_errors() == []


@pytest.mark.parametrize(
    ("sender", "event", "data"),
    [
        ("mod", "moderate", {**HIDE, "item_id": 2**63}),
        ("bob", "report", {**REPORT, "item_id": 2**63}),
        ("meg", "decide_appeal", {**DECIDE, "appeal_id": 2**63}),
    ],
)
def test_out_of_range_ids_are_refused_without_a_server_exception(town, members, logged_errors, sender, event, data):
    """An id no row can have is `not_found` (or `invalid`), not a server error with a Traceback."""
    ack = members(town, sender).connect().call(event, data)
    assert ack["ok"] is False and ack["error"]["code"] in ("not_found", "invalid"), ack
    assert logged_errors() == []


# --- The word filter -----------------------------------------------------------------------


def add_word(town, phrase: str, action: str) -> None:
    """A moderator adds a phrase through the moderation page: the app applies it at once (another
    process would within its authority poll)."""
    answer = LocalMember(town, "mod").session.post("/moderation/words", data={"phrase": phrase, "action": action})
    assert answer.status_code == 302, answer.get_data(as_text=True)


def test_a_blocked_phrase_is_refused_naming_it(app, town, members):
    """A message containing a blocked phrase is refused with `invalid`, naming the phrase, and is not stored."""
    add_word(town, "Miracle Cure", "block")
    ada, fay = joined(members, town, "ada"), joined(members, town, "fay")
    ack = ada.call("send_message", {"room": ROOM, "body": "Try this miracle   cure today", "client_id": "b1"})
    refused(ack, "invalid", "“miracle cure”", "not allowed")
    ok = ada.call("send_message", {"room": ROOM, "body": "A cure for potholes", "client_id": "b2"})
    assert ok["ok"], ok
    fay.wait_for("message_posted", lambda m: m["id"] == ok["message"]["id"])
    assert [m["client_id"] for m in fay.received("message_posted")] == ["b2"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Message.id))) == 1


def test_a_held_message_reaches_only_its_author_until_approved(app, town, members):
    """A message with a "hold" phrase is stored as held: the author's ack and live event say so, the
    rest of the room gets nothing, moderators see it queued, and restoring it shows it to everyone."""
    add_word(town, "rezoning", "hold")
    ada, fay = joined(members, town, "ada"), joined(members, town, "fay")
    mod = members(town, "mod").connect()

    ack = ada.call("send_message", {"room": ROOM, "body": "About the rezoning vote", "client_id": "h1"})
    assert ack["ok"] and ack["message"]["held"] is True and ack["message"]["hidden"] is False, ack
    held_id = ack["message"]["id"]
    echoed = ada.wait_for("message_posted", lambda m: m["id"] == held_id)
    assert echoed["held"] is True and echoed["body_html"] == "<p>About the rezoning vote</p>\n"
    assert mod.wait_for("moderation_pending", lambda p: p["count"] >= 1)["count"] == 1

    after = ada.call("send_message", {"room": ROOM, "body": "And the buses", "client_id": "h2"})["message"]
    # The marker: sent after the held one, so the held one would have come first.
    fay.wait_for("message_posted", lambda m: m["id"] == after["id"])
    assert held_id not in [m["id"] for m in fay.received("message_posted")]
    assert held_id not in [m["id"] for m in fay.call("join_room", {"room": ROOM})["messages"]]
    assert held_id in [m["id"] for m in ada.call("join_room", {"room": ROOM})["messages"]]

    approved = mod.call("moderate", on_message("restore_message", held_id, reason="no_breach"))
    assert approved["ok"], approved
    shown = fay.wait_for("message_restored", lambda m: m["id"] == held_id)
    assert shown["held"] is False and shown["body_html"] == "<p>About the rezoning vote</p>\n"
