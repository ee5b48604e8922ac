"""Mentoring over the JSON API (Bearer tokens): open offers, one's own requests, asking, answering
and ending, with the same permission rules as the pages and JSON errors {"error": {code, message}}."""

from datetime import timedelta

import pytest

from civicnet.accounts.access_tokens import create_token
from civicnet.accounts.services import find_user_by_username
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.mentoring import offers
from civicnet.mentoring.models import MentoringRequest
from civicnet.mentoring.offers import OfferDetails
from civicnet.moderation import reports
from tests.factories import make_moderator, make_user, make_verified

OFFER_KEYS = {"id", "mentor", "tags", "description", "calls_note", "availability", "capacity", "places_left", "paused"}
REQUEST_KEYS = {"id", "offer_id", "mentor", "mentee", "message", "status", "created_at", "expires_at", "room"}


# --- Helpers ---------------------------------------------------------------------------------


def make_mentor(username: str, tags: list[str], capacity: int = 1, **kwargs):
    mentor = make_verified(username=username, help_tags=", ".join(tags), **kwargs)
    slugs = [tag.lower().replace(" ", "-") for tag in tags]
    offers.save_offer(mentor, OfferDetails(tags=slugs, description=f"{username} helps", capacity=capacity))
    return mentor


def bearer(user) -> dict:
    _, plain = create_token(user, "tests")
    return {"Authorization": f"Bearer {plain}"}


CODES = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict"}


def error_of(response, status: int | tuple[int, ...], code: str | None, *words: str) -> str:
    """Assert a JSON error with this status (or one of these) and code (None: the status's usual
    code) whose message has every word; the message."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True))
    assert set(response.json) == {"error"} and set(response.json["error"]) == {"code", "message"}, response.json
    assert response.json["error"]["code"] == (code or CODES[response.status_code]), response.json
    message = response.json["error"]["message"]
    assert message and all(word in message for word in words), message
    return message


@pytest.fixture
def api(app):
    """Mia mentors data protection and AI ethics (1 place), Hal housing (2 places); Ned, Ola and Pat
    are members; Moe is a moderator. Everyone's Authorization header, and the offer ids."""
    with app.app_context():
        mia = make_mentor("mia", ["Data protection", "AI ethics"], display_name="Mia Mentor")
        hal = make_mentor("hal", ["Housing"], capacity=2)
        people = {
            "mia": mia,
            "hal": hal,
            "ned": make_user(username="ned"),
            "ola": make_user(username="ola"),
            "pat": make_user(username="pat"),
            "moe": make_moderator(username="moe"),
        }
        headers = {name: bearer(user) for name, user in people.items()}
        headers["offers"] = {"mia": offers.offer_of(mia).id, "hal": offers.offer_of(hal).id}
    return headers


def ask(client, api, mentee: str, mentor: str = "mia", message: str = "Could you help with a DPIA?"):
    return client.post(
        "/api/v1/mentoring/requests", headers=api[mentee], json={"offer_id": api["offers"][mentor], "message": message}
    )


def asked(client, api, mentee: str, mentor: str = "mia") -> int:
    response = ask(client, api, mentee, mentor)
    assert response.status_code == 201, response.json
    return response.json["request"]["id"]


def act(client, api, who: str, request_id: int, action: str, body=None):
    return client.post(f"/api/v1/mentoring/requests/{request_id}/{action}", headers=api[who], json=body)


def row(app, request_id: int) -> tuple:
    with app.app_context():
        found = db.session.get(MentoringRequest, request_id)
        return found.status, found.offer.active_mentees, found.room_id


# --- Tokens ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/mentoring/offers"),
        ("get", "/api/v1/mentoring/requests"),
        ("post", "/api/v1/mentoring/requests"),
        ("post", "/api/v1/mentoring/requests/1/accept"),
    ],
)
def test_every_mentoring_endpoint_needs_a_token(client, api, method, path):
    for headers in ({}, {"Authorization": "Bearer cvn_wrong"}):
        error_of(getattr(client, method)(path, headers=headers, json={}), 401, "unauthorized", "Bearer")


# --- Offers ----------------------------------------------------------------------------------


def test_open_offers_and_the_tag_filter(client, api, app):
    everything = client.get("/api/v1/mentoring/offers", headers=api["ned"]).json["offers"]
    assert [offer["id"] for offer in everything] == [api["offers"]["mia"], api["offers"]["hal"]]
    mia = everything[0]
    assert set(mia) == OFFER_KEYS
    assert mia["mentor"] == {
        "username": "mia",
        "display_name": "Mia Mentor",
        "role": "public_servant",
        "verified": True,
        "organisation": "Camden Council",
        "avatar_url": None,
        "initials": "MM",
    }
    assert (mia["tags"], mia["capacity"], mia["places_left"], mia["paused"]) == (
        ["ai-ethics", "data-protection"],
        1,
        1,
        False,
    )
    for tag, expected in (("housing", ["hal"]), ("Data protection", ["mia"]), ("ai-ethics", ["mia"]), ("nope", [])):
        found = client.get("/api/v1/mentoring/offers", headers=api["ned"], query_string={"tag": tag}).json["offers"]
        assert [offer["mentor"]["username"] for offer in found] == expected, tag
    with app.app_context():
        offers.set_paused(find_user_by_username("hal"), True)
    assert [
        o["mentor"]["username"] for o in client.get("/api/v1/mentoring/offers", headers=api["ned"]).json["offers"]
    ] == ["mia"]
    act(client, api, "mia", asked(client, api, "ned"), "accept")  # now full
    assert client.get("/api/v1/mentoring/offers", headers=api["ned"]).json == {"offers": []}


# --- Asking and listing ----------------------------------------------------------------------


def test_asking_answers_201_and_each_member_lists_only_their_own_requests(client, api):
    response = ask(client, api, "ned", message="  Help with a DPIA  ")
    assert response.status_code == 201
    made = response.json["request"]
    assert set(made) == REQUEST_KEYS
    assert (made["offer_id"], made["status"], made["message"], made["room"]) == (
        api["offers"]["mia"],
        "pending",
        "Help with a DPIA",
        None,
    )
    assert made["mentor"]["username"] == "mia" and made["mentee"]["username"] == "ned"
    other = asked(client, api, "ola", "hal")
    mine = client.get("/api/v1/mentoring/requests", headers=api["ned"]).json
    assert mine == {"as_mentor": [], "as_mentee": [made]}
    assert [r["id"] for r in client.get("/api/v1/mentoring/requests", headers=api["mia"]).json["as_mentor"]] == [
        made["id"]
    ]
    assert [r["id"] for r in client.get("/api/v1/mentoring/requests", headers=api["hal"]).json["as_mentor"]] == [other]
    for outsider in ("pat", "moe"):
        assert client.get("/api/v1/mentoring/requests", headers=api[outsider]).json == {
            "as_mentor": [],
            "as_mentee": [],
        }


@pytest.mark.parametrize(
    ("body", "status", "code", "words"),
    [
        (["not", "an", "object"], 400, "invalid", ("JSON object",)),
        ("just a string", 400, "invalid", ("JSON object",)),
        ({"offer_id": "MIA"}, 400, "invalid", ("Tell the mentor",)),
        ({"offer_id": "MIA", "message": "  "}, 400, "invalid", ("Tell the mentor",)),
        ({"offer_id": "MIA", "message": "x" * 2001}, 400, "invalid", ("2,000 characters",)),
        ({"offer_id": 2**31 + 1, "message": "Hi"}, 404, "not_found", ("no such mentoring offer",)),
        # Not an id at all: "invalid" or "not found" are both fair, a server error is not.
        ({"offer_id": True, "message": "Hi"}, (400, 404), None, ()),
        ({"offer_id": "7", "message": "Hi"}, (400, 404), None, ()),
        ({"message": "Hi"}, (400, 404), None, ()),
    ],
)
def test_asking_with_a_bad_body_is_a_json_error(client, api, app, body, status, code, words):
    if isinstance(body, dict) and body.get("offer_id") == "MIA":
        body = {**body, "offer_id": api["offers"]["mia"]}
    response = client.post("/api/v1/mentoring/requests", headers=api["ned"], json=body)
    error_of(response, status, code, *words)
    assert client.get("/api/v1/mentoring/requests", headers=api["ned"]).json["as_mentee"] == []


def test_the_request_rules_apply_over_the_api(client, api, app):
    """Not to yourself (400), not twice to one mentor (409), at most 3 pending (409), not to a
    paused (409) or full (409) offer."""
    error_of(ask(client, api, "mia"), 400, "invalid", "cannot ask yourself")
    asked(client, api, "ned")
    error_of(ask(client, api, "ned"), 409, "conflict", "already have a request with this mentor")
    with app.app_context():
        for name in ("kit", "lou"):
            mentor = make_mentor(name, ["Housing"])
            api[name], api["offers"][name] = bearer(mentor), offers.offer_of(mentor).id
    asked(client, api, "ned", "hal")
    asked(client, api, "ned", "kit")
    error_of(ask(client, api, "ned", "lou"), 409, "conflict", "at most 3 requests waiting")
    with app.app_context():
        offers.set_paused(find_user_by_username("lou"), True)
    error_of(ask(client, api, "ola", "lou"), 409, "conflict", "not taking requests")
    accepted = asked(client, api, "ola", "kit")
    assert act(client, api, "kit", accepted, "accept").status_code == 200
    error_of(ask(client, api, "pat", "kit"), 409, "conflict", "no places free")


# --- Answering and ending --------------------------------------------------------------------


def test_a_whole_mentoring_over_the_api(client, api, app):
    """Accept opens a room both can use and nobody else can read; completing archives it and frees
    the place."""
    request_id = asked(client, api, "ned")
    accepted = act(client, api, "mia", request_id, "accept")
    assert accepted.status_code == 200 and accepted.json["request"]["status"] == "accepted"
    slug = accepted.json["request"]["room"]
    assert slug and row(app, request_id)[:2] == ("accepted", 1)
    for member in ("mia", "ned"):
        assert client.get(f"/api/v1/rooms/{slug}/messages", headers=api[member]).status_code == 200
    for outsider in ("pat", "moe"):
        error_of(client.get(f"/api/v1/rooms/{slug}/messages", headers=api[outsider]), 404, "not_found")
        body = {"body": "let me in", "client_id": "x"}
        error_of(client.post(f"/api/v1/rooms/{slug}/messages", headers=api[outsider], json=body), 404, "not_found")
    assert slug not in [r["slug"] for r in client.get("/api/v1/rooms", headers=api["pat"]).json["rooms"]]
    sent = client.post(f"/api/v1/rooms/{slug}/messages", headers=api["ned"], json={"body": "Hi", "client_id": "n1"})
    assert sent.status_code == 201

    completed = act(client, api, "ned", request_id, "complete")
    assert completed.status_code == 200 and completed.json["request"]["status"] == "completed"
    assert row(app, request_id)[:2] == ("completed", 0)
    history = client.get(f"/api/v1/rooms/{slug}/messages", headers=api["mia"]).json["messages"]
    assert [m["body_html"] for m in history] == ["<p>Hi</p>\n"]
    late = client.post(f"/api/v1/rooms/{slug}/messages", headers=api["mia"], json={"body": "Bye", "client_id": "m1"})
    error_of(late, 403, "forbidden", "archived")


def test_decline_with_an_optional_reason_and_cancel_by_either_side(client, api, app):
    first, second, third = asked(client, api, "ned"), asked(client, api, "ola"), asked(client, api, "pat")
    declined = act(client, api, "mia", first, "decline", {"reason": "Away until June"})
    assert declined.status_code == 200 and declined.json["request"]["status"] == "declined"
    assert act(client, api, "mia", second, "decline").json["request"]["status"] == "declined"
    with app.app_context():
        assert db.session.get(MentoringRequest, first).decline_reason == "Away until June"
        assert db.session.get(MentoringRequest, second).decline_reason == ""
    assert act(client, api, "pat", third, "cancel").json["request"]["status"] == "cancelled"
    again = asked(client, api, "ned")
    act(client, api, "mia", again, "accept")
    assert act(client, api, "mia", again, "cancel").json["request"]["status"] == "cancelled"
    assert row(app, again)[:2] == ("cancelled", 0)


def test_only_the_mentor_answers_and_only_the_two_see_or_end_it(client, api, app):
    """The mentee gets 403 answering; anyone else, a moderator too (even when it is reported), gets
    404 for every action; unknown actions and ids are 404s."""
    request_id = asked(client, api, "ned")
    error_of(act(client, api, "ned", request_id, "accept"), 403, "forbidden", "Only the mentor can answer")
    error_of(act(client, api, "ned", request_id, "decline"), 403, "forbidden", "Only the mentor can answer")
    with app.app_context():
        reports.report(find_user_by_username("ned"), "request", request_id, "harassment")
    for outsider in ("pat", "moe", "hal"):
        for action in ("accept", "decline", "complete", "cancel"):
            error_of(act(client, api, outsider, request_id, action), 404, "not_found", "no such mentoring request")
    error_of(act(client, api, "mia", request_id, "explode"), 404, "not_found", "Unknown action")
    error_of(act(client, api, "mia", 999_999_999, "accept"), 404, "not_found")
    assert client.post(f"/api/v1/mentoring/requests/{2**40}/accept", headers=api["mia"]).status_code == 404
    assert row(app, request_id) == ("pending", 0, None)


def test_double_submits_conflict_and_change_nothing(client, api, app):
    request_id = asked(client, api, "ned")
    room = act(client, api, "mia", request_id, "accept").json["request"]["room"]
    error_of(act(client, api, "mia", request_id, "accept"), 409, "conflict", "accepted and can no longer be answered")
    error_of(act(client, api, "mia", request_id, "decline"), 409, "conflict", "accepted and can no longer be answered")
    _, _, room_id = row(app, request_id)
    assert row(app, request_id) == ("accepted", 1, room_id) and room
    assert act(client, api, "ned", request_id, "complete").status_code == 200
    for action in ("complete", "cancel"):
        error_of(act(client, api, "mia", request_id, action), 409, "conflict", "completed and cannot be")
    assert row(app, request_id) == ("completed", 0, room_id)


def test_a_full_mentor_cannot_accept_a_second_request(client, api, app):
    first, second = asked(client, api, "ned"), asked(client, api, "ola")
    assert act(client, api, "mia", first, "accept").status_code == 200
    error_of(act(client, api, "mia", second, "accept"), 409, "conflict", "Your mentoring is full")
    assert row(app, second) == ("pending", 1, None)


def test_an_expired_request_is_listed_as_expired_and_cannot_be_answered(client, api, app):
    request_id = asked(client, api, "ned")
    with app.app_context():
        db.session.get(MentoringRequest, request_id).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    listed = client.get("/api/v1/mentoring/requests", headers=api["ned"]).json["as_mentee"]
    assert [(r["id"], r["status"]) for r in listed] == [(request_id, "expired")]
    error_of(act(client, api, "mia", request_id, "accept"), 409, "conflict", "expired")
    error_of(act(client, api, "ned", request_id, "cancel"), 409, "conflict", "expired and cannot be cancelled")
    assert row(app, request_id) == ("expired", 0, None)
