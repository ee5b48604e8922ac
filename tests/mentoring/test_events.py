"""Mentoring over Socket.IO: offers, requests, answers and endings by acknowledgement, live
notifications, permission rules and malformed payloads through Flask-SocketIO's test client on the
app in this process; two accepts racing for a mentor's last place from two real server processes."""

import threading

import pytest
from sqlalchemy import func, select

from civicnet.accounts.models import User
from civicnet.accounts.services import find_user_by_username
from civicnet.extensions import db
from civicnet.mentoring import offers, requests
from civicnet.mentoring.models import ACCEPTED, PENDING, MentoringRequest, Offer
from civicnet.mentoring.offers import OfferDetails
from civicnet.moderation import reports
from civicnet.rooms.models import Room
from tests.factories import make_moderator, make_user, make_verified

DATA = "Data protection"


# --- Helpers ---------------------------------------------------------------------------------


def make_mentor(username: str, capacity: int = 1, **kwargs):
    mentor = make_verified(username=username, help_tags=f"{DATA}, AI ethics", **kwargs)
    details = OfferDetails(tags=["data-protection", "ai-ethics"], description="Ten years of DPIAs", capacity=capacity)
    offers.save_offer(mentor, details)
    return mentor


def refused(ack: dict, code: str | tuple[str, ...], *words: str) -> str:
    """Assert an error ack with this code (or one of these) whose message contains every word; the message."""
    assert ack["ok"] is False and set(ack) == {"ok", "error"}, ack
    assert ack["error"]["code"] in (code if isinstance(code, tuple) else (code,)), ack
    message = ack["error"]["message"]
    assert message and all(word in message for word in words), ack
    return message


def ok_request(ack: dict) -> dict:
    """The request in a successful ack."""
    assert ack["ok"] is True, ack
    return ack["request"]


class LogWatch:
    """The part of the server's log written since this was made."""

    def __init__(self, server):
        self.server, self.start = server, len(server.log())

    def new(self) -> str:
        return self.server.log()[self.start :]


def ask(app, mentee: str, mentor: str = "mia", message: str = "Could you help me with a DPIA?") -> int:
    """A request made through the service (before anyone connects); its id."""
    with app.app_context():
        offer = offers.offer_of(find_user_by_username(mentor))
        return requests.ask(find_user_by_username(mentee), offer.id, message).id


def row(app, request_id: int) -> tuple:
    with app.app_context():
        found = db.session.get(MentoringRequest, request_id)
        return found.status, found.offer.active_mentees, found.room_id


@pytest.fixture
def town(app):
    """Mia mentors (2 places); Ned and Ola want mentoring; Pat is another member; Moe a moderator."""
    with app.app_context():
        make_mentor("mia", capacity=2, display_name="Mia Mentor")
        make_user(username="ned", display_name="Ned Newcomer")
        make_user(username="ola", display_name="Ola Other")
        make_user(username="pat")
        make_moderator(username="moe")
    return app


# --- The happy path --------------------------------------------------------------------------


def test_offers_requests_and_the_mentors_live_notification(app, town, members):
    """Open offers (optionally by tag), asking by ack, the mentor told live, and each member's own
    requests only."""
    ned, mia = members(town, "ned").connect(), members(town, "mia").connect()
    listed = ned.call("mentoring_offers")
    assert listed["ok"] and [o["mentor"]["username"] for o in listed["offers"]] == ["mia"], listed
    assert listed["offers"][0]["mentor"]["verified"] is True and listed["offers"][0]["places_left"] == 2
    assert [o["mentor"]["username"] for o in ned.call("mentoring_offers", {"tag": "AI ethics"})["offers"]] == ["mia"]
    assert ned.call("mentoring_offers", {"tag": "housing"}) == {"ok": True, "offers": []}

    offer_id = listed["offers"][0]["id"]
    ack = ned.call("request_mentoring", {"offer_id": offer_id, "message": "Help with a DPIA"})
    made = ok_request(ack)
    assert (made["status"], made["mentor"]["username"], made["mentee"]["username"]) == ("pending", "mia", "ned")
    notice = mia.wait_for("notification", lambda n: n["kind"] == "mentoring_requested")
    assert notice["excerpt"] == "Ned Newcomer asked you for mentoring"
    assert notice["url"].endswith(f"/mentoring/requests/{made['id']}") and notice["room"] is None

    assert [r["id"] for r in ned.call("mentoring_requests")["as_mentee"]] == [made["id"]]
    assert [r["id"] for r in mia.call("mentoring_requests", {})["as_mentor"]] == [made["id"]]
    assert members(town, "pat").connect().call("mentoring_requests") == {
        "ok": True,
        "as_mentor": [],
        "as_mentee": [],
    }
    refused(ned.call("request_mentoring", {"offer_id": offer_id, "message": "Again"}), "conflict", "already")
    refused(mia.call("request_mentoring", {"offer_id": offer_id, "message": "Me"}), "invalid", "cannot ask yourself")


def test_accepting_opens_a_room_only_the_two_can_join_and_completing_archives_it(app, town, members):
    request_id = ask(app, "ned")
    mia, ned = members(town, "mia").connect(), members(town, "ned").connect()
    made = ok_request(mia.call("answer_request", {"id": request_id, "accept": True}))
    slug = made["room"]
    assert made["status"] == "accepted" and slug
    notice = ned.wait_for("notification", lambda n: n["kind"] == "mentoring_accepted")
    assert notice["excerpt"] == "Mia Mentor accepted your mentoring request"
    assert row(app, request_id)[:2] == ("accepted", 1)

    assert ned.call("join_room", {"room": slug})["ok"] and mia.call("join_room", {"room": slug})["ok"]
    for outsider in ("pat", "moe"):
        refused(members(town, outsider).connect().call("join_room", {"room": slug}), "not_found")
    sent = ned.call("send_message", {"room": slug, "body": "Thank you", "client_id": "n1"})
    assert sent["ok"], sent
    mia.wait_for("message_posted", lambda m: m["id"] == sent["message"]["id"])

    ended = ok_request(mia.call("end_mentoring", {"id": request_id, "completed": True}))
    assert ended["status"] == "completed" and ended["room"] == slug
    assert ned.wait_for("notification", lambda n: n["kind"] == "mentoring_completed")["excerpt"] == (
        "Your mentoring with Mia Mentor was completed"
    )
    assert row(app, request_id)[:2] == ("completed", 0)
    refused(ned.call("send_message", {"room": slug, "body": "One more", "client_id": "n2"}), "forbidden", "archived")
    assert ned.call("join_room", {"room": slug})["ok"]  # still readable


def test_declining_and_cancelling_tell_the_other_person(app, town, members):
    declined_id, cancelled_id = ask(app, "ned"), ask(app, "ola")
    mia, ned = members(town, "mia").connect(), members(town, "ned").connect()
    ola = members(town, "ola").connect()
    made = ok_request(mia.call("answer_request", {"id": declined_id, "accept": False, "reason": "Away in June"}))
    assert made["status"] == "declined"
    assert ned.wait_for("notification", lambda n: n["kind"] == "mentoring_declined")["excerpt"] == (
        "Mia Mentor declined your mentoring request"
    )
    with app.app_context():
        assert db.session.get(MentoringRequest, declined_id).decline_reason == "Away in June"
    assert ok_request(mia.call("answer_request", {"id": cancelled_id, "accept": True}))["status"] == "accepted"
    assert ok_request(ola.call("end_mentoring", {"id": cancelled_id, "completed": False}))["status"] == "cancelled"
    notice = mia.wait_for("notification", lambda n: n["kind"] == "mentoring_cancelled")
    assert notice["excerpt"] == "Your mentoring with Ola Other was cancelled"
    assert row(app, cancelled_id)[:2] == ("cancelled", 0)


# --- Who may do what -------------------------------------------------------------------------


def test_only_the_mentor_answers_and_only_the_two_see_or_end_a_request(app, town, members):
    """The mentee is forbidden to answer; everyone else, a moderator too (even while it is
    reported), gets not_found; nothing changes."""
    request_id = ask(app, "ned")
    with app.app_context():
        reports.report(find_user_by_username("ned"), "request", request_id, "harassment")
    ned = members(town, "ned").connect()
    refused(ned.call("answer_request", {"id": request_id, "accept": True}), "forbidden", "Only the mentor")
    refused(ned.call("answer_request", {"id": request_id, "accept": False}), "forbidden", "Only the mentor")
    for outsider in ("pat", "moe"):
        client = members(town, outsider).connect()
        refused(client.call("answer_request", {"id": request_id, "accept": True}), "not_found", "no such mentoring")
        refused(client.call("end_mentoring", {"id": request_id, "completed": False}), "not_found")
        assert client.call("mentoring_requests") == {"ok": True, "as_mentor": [], "as_mentee": []}
    assert row(app, request_id) == ("pending", 0, None)


def test_the_request_rules_hold_over_the_socket(app, town, members):
    """A paused offer refuses requests; at most three pending requests each; open offers are listed
    in order once resumed."""
    with app.app_context():
        ids = []
        for name in ("kit", "lou", "max"):
            ids.append(offers.offer_of(make_mentor(name)).id)
        offers.set_paused(find_user_by_username("max"), True)
        mia_offer = offers.offer_of(find_user_by_username("mia")).id
    ned = members(town, "ned").connect()
    for offer_id in (mia_offer, ids[0], ids[1]):
        assert ned.call("request_mentoring", {"offer_id": offer_id, "message": "Please"})["ok"]
    refused(ned.call("request_mentoring", {"offer_id": ids[2], "message": "Please"}), "conflict", "not taking")
    with app.app_context():
        offers.set_paused(find_user_by_username("max"), False)
    refused(ned.call("request_mentoring", {"offer_id": ids[2], "message": "Please"}), "conflict", "at most 3")
    assert [o["mentor"]["username"] for o in ned.call("mentoring_offers")["offers"]] == ["mia", "kit", "lou", "max"]


def test_double_answers_and_endings_conflict_and_change_nothing(app, town, members):
    request_id = ask(app, "ned")
    mia = members(town, "mia").connect()
    room = ok_request(mia.call("answer_request", {"id": request_id, "accept": True}))["room"]
    refused(mia.call("answer_request", {"id": request_id, "accept": True}), "conflict", "accepted")
    refused(mia.call("answer_request", {"id": request_id, "accept": False, "reason": "No"}), "conflict", "accepted")
    _, _, room_id = row(app, request_id)
    assert row(app, request_id) == ("accepted", 1, room_id) and room
    assert mia.call("end_mentoring", {"id": request_id, "completed": True})["ok"]
    refused(mia.call("end_mentoring", {"id": request_id, "completed": True}), "conflict", "completed")
    refused(members(town, "ned").connect().call("end_mentoring", {"id": request_id, "completed": False}), "conflict")
    assert row(app, request_id) == ("completed", 0, room_id)
    with app.app_context():
        assert db.session.scalar(select(func.count(Room.id)).where(Room.is_mentoring.is_(True))) == 1


# --- Malformed payloads ----------------------------------------------------------------------


class Id:
    """A placeholder for an id known only once the test has made its data."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name} id>"


OFFER, REQUEST = Id("offer"), Id("request")
OUT_OF_RANGE = ("not_found", "invalid")  # an id no row can have: either is fair, a server error is not


def fill(data, ids: dict):
    if isinstance(data, Id):
        return ids[data.name]
    if isinstance(data, dict):
        return {key: fill(value, ids) for key, value in data.items()}
    if isinstance(data, list):
        return [fill(value, ids) for value in data]
    return data


@pytest.mark.parametrize(
    ("sender", "event", "data", "code"),
    [
        ("ola", "request_mentoring", None, "invalid"),
        ("ola", "request_mentoring", [OFFER, "hi"], "invalid"),
        ("ola", "request_mentoring", "please", "invalid"),
        ("ola", "request_mentoring", {"offer_id": OFFER}, "invalid"),
        ("ola", "request_mentoring", {"message": "hi"}, "invalid"),
        ("ola", "request_mentoring", {"offer_id": "1", "message": "hi"}, "invalid"),
        ("ola", "request_mentoring", {"offer_id": True, "message": "hi"}, "invalid"),
        ("ola", "request_mentoring", {"offer_id": 1.5, "message": "hi"}, "invalid"),
        ("ola", "request_mentoring", {"offer_id": OFFER, "message": 5}, "invalid"),
        ("ola", "request_mentoring", {"offer_id": OFFER, "message": ["hi"]}, "invalid"),
        ("ola", "request_mentoring", {"offer_id": OFFER, "message": "  "}, "invalid"),
        ("ola", "request_mentoring", {"offer_id": OFFER, "message": "x" * 2001}, "invalid"),
        ("ola", "request_mentoring", {"offer_id": OFFER, "message": "x" * 17000}, "payload_too_large"),
        ("ola", "request_mentoring", {"offer_id": 2**63, "message": "hi"}, OUT_OF_RANGE),
        ("ola", "request_mentoring", {"offer_id": -1, "message": "hi"}, OUT_OF_RANGE),
        ("mia", "answer_request", None, "invalid"),
        ("mia", "answer_request", [REQUEST, True], "invalid"),
        ("mia", "answer_request", {"id": REQUEST}, "invalid"),
        ("mia", "answer_request", {"accept": True}, "invalid"),
        ("mia", "answer_request", {"id": REQUEST, "accept": "yes"}, "invalid"),
        ("mia", "answer_request", {"id": REQUEST, "accept": 1}, "invalid"),
        ("mia", "answer_request", {"id": "1", "accept": True}, "invalid"),
        ("mia", "answer_request", {"id": True, "accept": True}, "invalid"),
        ("mia", "answer_request", {"id": REQUEST, "accept": False, "reason": 5}, "invalid"),
        ("mia", "answer_request", {"id": REQUEST, "accept": False, "reason": "x" * 2001}, "invalid"),
        ("mia", "answer_request", {"id": 2**63, "accept": True}, OUT_OF_RANGE),
        ("mia", "answer_request", {"id": 0, "accept": True}, OUT_OF_RANGE),
        ("ned", "end_mentoring", {"id": REQUEST}, "invalid"),
        ("ned", "end_mentoring", {"completed": False}, "invalid"),
        ("ned", "end_mentoring", {"id": REQUEST, "completed": "true"}, "invalid"),
        ("ned", "end_mentoring", {"id": [REQUEST], "completed": False}, "invalid"),
        ("ned", "end_mentoring", "cancel", "invalid"),
        ("ned", "end_mentoring", {"id": 2**63, "completed": False}, OUT_OF_RANGE),
        ("ned", "end_mentoring", {"id": REQUEST, "completed": True}, "conflict"),  # pending: only cancellable
        ("ned", "mentoring_offers", {"tag": 5}, "invalid"),
        ("ned", "mentoring_offers", ["data-protection"], "invalid"),
        ("ned", "mentoring_offers", "data-protection", "invalid"),
    ],
)
def test_malformed_payloads_get_error_acks_and_no_server_exception(
    app, town, members, logged_errors, sender, event, data, code
):
    """Wrong types, missing fields, strings for ints and lists for objects are refused with an error
    ack; the pending request is untouched, the connection still works and the server logs no exception."""
    request_id = ask(app, "ned")
    with app.app_context():
        ids = {"offer": offers.offer_of(find_user_by_username("mia")).id, "request": request_id}
    client = members(town, sender).connect()
    refused(client.call(event, fill(data, ids)), code)
    assert client.call("mentoring_requests")["ok"]
    assert row(app, request_id) == ("pending", 0, None)
    with app.app_context():
        assert db.session.scalar(select(func.count(MentoringRequest.id))) == 1
    assert logged_errors() == []


# --- The race --------------------------------------------------------------------------------

ROUNDS = 6


def accept_together(tabs, pair: list[int]) -> list[dict | None]:
    """Each tab accepts its request, both released at the same moment; their acks."""
    barrier = threading.Barrier(len(tabs))
    acks: list[dict | None] = [None] * len(tabs)

    def accept(index: int) -> None:
        barrier.wait()
        acks[index] = tabs[index].call("answer_request", {"id": pair[index], "accept": True}, timeout=20)

    threads = [threading.Thread(target=accept, args=(index,)) for index in range(len(tabs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return acks


def test_two_accepts_racing_for_the_last_place_leave_exactly_one_accepted(app, server, start_server, members):
    """A mentor with one place, signed in on two server processes (each with its own database
    connection), accepts two different pending requests at the same moment, several times over:
    each round exactly one accept succeeds and the other is told the mentoring is full; the
    database never holds more than one active mentee or accepted request."""
    with app.app_context():
        mentor = make_mentor("solo", capacity=1)
        offer_id, mentor_id = offers.offer_of(mentor).id, mentor.id
    second = start_server()
    tabs = [members(server.url, "solo").connect(), members(second.url, "solo").connect()]
    logs = [LogWatch(server), LogWatch(second)]

    for round_number in range(ROUNDS):
        with app.app_context():
            pair = [
                requests.ask(make_user(username=f"race{round_number}{side}"), offer_id, "Me first, please").id
                for side in "ab"
            ]
        acks = accept_together(tabs, pair)
        assert all(ack is not None for ack in acks), acks
        outcomes = sorted("ok" if ack["ok"] else ack["error"]["code"] for ack in acks)
        assert outcomes == ["conflict", "ok"], (round_number, acks)
        loser = next(ack for ack in acks if not ack["ok"])
        assert "Your mentoring is full" in loser["error"]["message"], loser
        winner = next(ack for ack in acks if ack["ok"])["request"]

        with app.app_context():
            assert db.session.get(Offer, offer_id).active_mentees == 1
            statuses = {request_id: db.session.get(MentoringRequest, request_id).status for request_id in pair}
            assert sorted(statuses.values()) == [ACCEPTED, PENDING], statuses
            assert statuses[winner["id"]] == ACCEPTED
            accepted = db.session.scalar(
                select(func.count(MentoringRequest.id)).where(
                    MentoringRequest.mentor_id == mentor_id, MentoringRequest.status == ACCEPTED
                )
            )
            assert accepted == 1
            assert db.session.scalar(select(func.count(Room.id)).where(Room.is_mentoring.is_(True))) == round_number + 1
            # Free the place for the next round.
            requests.end(db.session.get(User, mentor_id), winner["id"], completed=True)
            assert db.session.get(Offer, offer_id).active_mentees == 0

    for log in logs:
        assert "Traceback" not in log.new()
