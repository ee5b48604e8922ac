"""Leaving: deleting my account suspends it at once (signed out, profile hidden, out of search, tokens
refused) with 14 days to cancel by signing in; after them it is erased from every page, search result,
API answer and socket payload, the username is free again, and the conversations stay readable under
the rule the member chose."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from civicnet.access_log import AccessEntry
from civicnet.accounts.access_tokens import create_token
from civicnet.accounts.models import User
from civicnet.datarights import leaving
from civicnet.db_types import utcnow
from civicnet.extensions import db, socketio
from civicnet.mentoring import offers, requests
from civicnet.mentoring.models import CANCELLED, MentoringRequest
from civicnet.mentoring.offers import OfferDetails
from civicnet.notifications.models import Notification
from civicnet.rooms.erasure import REMOVED
from civicnet.rooms.messages import post_message
from tests.datarights.test_access_pages import client_of
from tests.factories import DEFAULT_PASSWORD, make_room, make_user, make_verified


@pytest.fixture
def town(app):
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace", bio="Unique bio words", help_tags="Open data")
        bob = make_user(username="bob", display_name="Bob")
        pat = make_verified(username="pat", display_name="Pat Mentor", help_tags="Open data")
        room = make_room(bob, "Open data", members=[ada])
        said = post_message(room, ada, "Ada's original words")
        post_message(room, bob, "A reply to Ada", reply_to_id=said.id)
        offers.save_offer(pat, OfferDetails(tags=["open-data"], description="Open data help", capacity=2))
        asked = requests.ask(ada, offers.offer_of(pat).id, "Please help me")
        requests.accept(pat, asked.id)
        token = create_token(ada, "script")[1]
        db.session.commit()
        return {"ada_id": ada.id, "token": token, "request_id": asked.id, "message_id": said.id}


def leave(app, messages: str = "keep"):
    ada = client_of(app, "ada")
    asked = ada.post("/account/data/leave", data={"password": DEFAULT_PASSWORD, "messages": messages})
    assert asked.status_code == 200 and "Your account will be deleted" in asked.text
    return ada


def sign_in(app, username: str = "ada"):
    return app.test_client().post("/sign-in", data={"identifier": username, "password": DEFAULT_PASSWORD})


def erase_now(app, monkeypatch) -> None:
    moved = utcnow() + timedelta(days=14, minutes=1)
    monkeypatch.setattr(leaving, "utcnow", lambda: moved)
    with app.app_context():
        assert "erased after their grace period: 1." in app.test_cli_runner().invoke(args=["sweep"]).output


def test_leaving_suspends_at_once_and_signing_in_offers_to_keep_the_account(app, town, outbox):
    socket = socketio.test_client(app, flask_test_client=client_of(app, "ada"))
    assert socket.is_connected()
    ada = leave(app)
    assert not socket.is_connected()  # its connections close
    assert ada.get("/account").status_code == 302  # signed out everywhere
    assert [m.subject for m in outbox] == ["civicnet: Your account will be deleted"]
    bob = client_of(app, "bob")
    assert bob.get("/people/ada").status_code == 404
    api = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {town['token']}"})
    assert api.status_code == 401
    offered = sign_in(app)
    assert "Your account is being deleted" in offered.text and "Keep my account" in offered.text
    token = offered.text.split('name="token" value="')[1].split('"')[0]
    kept = app.test_client().post("/account/leaving/cancel", data={"token": token})
    assert kept.status_code == 302
    assert sign_in(app).status_code == 302  # an ordinary sign-in again
    assert bob.get("/people/ada").status_code == 200
    with app.app_context():
        user = db.session.get(User, town["ada_id"])
        assert user.erase_at is None and user.suspended_at is None


def test_a_wrong_password_or_no_choice_deletes_nothing(app, town):
    ada = client_of(app, "ada")
    wrong = ada.post("/account/data/leave", data={"password": "nope", "messages": "keep"})
    assert wrong.status_code == 200 and "Your password is not right" in wrong.text
    unchosen = ada.post("/account/data/leave", data={"password": DEFAULT_PASSWORD})
    assert "Choose what happens to your messages" in unchosen.text
    forged = app.test_client().post("/account/leaving/cancel", data={"token": "forged"})
    assert forged.status_code == 302 and forged.location.endswith("/sign-in")
    with app.app_context():
        assert db.session.get(User, town["ada_id"]).erase_at is None


def test_after_the_grace_period_the_member_is_gone_and_their_words_stay_as_a_former_members(app, town, monkeypatch):
    with app.app_context():
        bob_token = create_token(db.session.scalar(select(User).where(User.username == "bob")), "bot")[1]
    leave(app, "keep")
    erase_now(app, monkeypatch)
    bob = client_of(app, "bob")
    assert bob.get("/people/ada").status_code == 404
    api = app.test_client()
    headers = {"Authorization": f"Bearer {bob_token}"}
    assert api.get("/api/v1/people/ada", headers=headers).status_code == 404
    (said,) = [
        m
        for m in api.get("/api/v1/rooms/open-data/messages", headers=headers).json["messages"]
        if m["id"] == town["message_id"]
    ]
    assert said["author"]["display_name"] == "Former member" and said["author"]["username"].startswith("erased-")
    socket = socketio.test_client(app, flask_test_client=bob)
    joined = socket.emit("join_room", {"room": "open-data"}, callback=True)
    (payload,) = [m for m in joined["messages"] if m["id"] == town["message_id"]]
    assert payload["author"]["display_name"] == "Former member"
    room = bob.get("/rooms/open-data").text
    assert "Ada's original words" in room and "Former member" in room and "Ada Lovelace" not in room
    with app.app_context():
        user = db.session.get(User, town["ada_id"])
        assert (user.username, user.display_name, user.profile.bio_markdown) == (
            f"erased-{user.id}",
            "Former member",
            "",
        )
        assert db.session.scalar(select(Notification).where(Notification.user_id == user.id)) is None
        ended = db.session.get(MentoringRequest, town["request_id"])
        assert ended.status == CANCELLED
        told = db.session.scalars(select(Notification.kind).where(Notification.user_id == ended.mentor_id)).all()
        assert "mentoring_cancelled" in told
        assert db.session.scalars(select(AccessEntry)).all() == []  # nobody looked; the log keeps ids only
    assert sign_in(app).status_code == 200  # the old credentials open nothing
    again = app.test_client().post(
        "/register",
        data={
            "email": "new@example.org",
            "username": "ada",
            "display_name": "A new Ada",
            "password": "another long passphrase",
        },
    )
    assert again.status_code == 302  # the username is free again


def test_removed_messages_lose_their_text_in_replies_too(app, town, monkeypatch):
    leave(app, "remove")
    erase_now(app, monkeypatch)
    bob = client_of(app, "bob")
    room = bob.get("/rooms/open-data").text
    assert "Ada's original words" not in room and REMOVED in room and "1 reply" in room
    thread = bob.get(f"/rooms/open-data/messages/{town['message_id']}/thread").text
    assert "Ada's original words" not in thread and REMOVED in thread and "A reply to Ada" in thread


def test_an_operator_erases_a_member_at_once_and_it_is_recorded(app, town):
    done = app.test_cli_runner().invoke(args=["data", "erase", "ada", "--messages", "remove", "--case", "request #4"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        (entry,) = db.session.scalars(select(AccessEntry))
        assert (entry.role, entry.action, entry.case_ref) == ("operator", "delete", "request #4")
        assert db.session.get(User, town["ada_id"]).erased_at is not None


def test_the_audit_log_shows_an_erased_member_by_their_pseudonym_only(app, town, monkeypatch):
    with app.app_context():
        make_user(username="ann", role="admin")
    leave(app, "keep")
    erase_now(app, monkeypatch)
    audit_page = client_of(app, "ann").get("/moderation/audit").text
    assert f"erased-{town['ada_id']}" in audit_page and ">ada<" not in audit_page and "ada (" not in audit_page
