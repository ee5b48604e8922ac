"""A connection holds exactly the authority its member has now: every way of losing it, against real
server processes, including a change made by another process (a CLI command, a second server)."""

import os
import subprocess
import sys
import time

import pytest
import requests
import socketio

from civicnet.accounts.access_tokens import create_token
from tests.factories import DEFAULT_PASSWORD, make_room, make_user
from tests.servers import ROOT, Member, csrf_token, signed_in_session


@pytest.fixture
def budget(app, server):
    """Ada's private room "Budget" with Bob in it; a public "Lobby" everyone follows, as a marker."""
    with app.app_context():
        ada, bob = make_user(username="ada"), make_user(username="bob")
        make_user(username="cyd")
        make_room(ada, "Budget", kind="private", members=[bob])
        make_room(ada, "Lobby", members=[bob])
    return server


def follow(member: Member, *rooms: str) -> Member:
    for room in rooms:
        ack = member.call("join_room", {"room": room})
        assert ack["ok"], ack
    return member


def post_form(session: requests.Session, base: str, page: str, action: str, **data) -> requests.Response:
    token = csrf_token(session, base + page)
    return session.post(base + action, data={"csrf_token": token, **data}, allow_redirects=False)


def send(member: Member, room: str, body: str) -> dict:
    ack = member.call("send_message", {"room": room, "body": body, "client_id": f"{body}-{time.monotonic()}"})
    assert ack["ok"], ack
    return ack["message"]


def got_only_marker(member: Member, marker: dict, secret: dict) -> None:
    """The member received the marker (sent after the secret) and never the secret."""
    member.wait_for("message_posted", lambda m: m["id"] == marker["id"])
    assert secret["id"] not in {m["id"] for m in member.received("message_posted")}


def wait_disconnected(member: Member, timeout: float = 5) -> float:
    started = time.monotonic()
    while member.client.connected:
        assert time.monotonic() - started < timeout, f"{member.username or 'client'} is still connected"
        time.sleep(0.02)
    return time.monotonic() - started


@pytest.mark.parametrize("how", ["removed", "left"])
def test_a_member_who_loses_a_private_room_stops_receiving_it_at_once(budget, members, how):
    ada = follow(members(budget.url, "ada").connect(), "budget", "lobby")
    bob = follow(members(budget.url, "bob").connect(), "budget", "lobby")
    if how == "removed":
        response = post_form(ada.session, budget.url, "/rooms/budget/members", "/rooms/budget/members/bob/remove")
    else:
        response = post_form(bob.session, budget.url, "/rooms/budget", "/rooms/budget/leave")
    assert response.status_code == 302
    assert bob.wait_for("room_access_ended") == {"room": "budget"}
    assert ada.wait_for("member_left")["user"]["username"] == "bob"

    secret = send(ada, "budget", "after bob went")
    got_only_marker(bob, send(ada, "lobby", "marker"), secret)
    assert bob.call("join_room", {"room": "budget"})["error"]["code"] == "not_found"
    assert bob.client.connected  # he keeps every room he may still read


def test_a_revoked_token_closes_its_socket_and_stops_reading(app, budget, members):
    with app.app_context():
        from civicnet.accounts.services import find_user_by_username

        token, plain = create_token(find_user_by_username("bob"), "script")
        token_id = token.id
    ada = follow(members(budget.url, "ada").connect(), "budget")
    script = follow(members(budget.url, token=plain).connect(), "budget")
    browser = follow(members(budget.url, "bob").connect(), "budget")
    response = post_form(browser.session, budget.url, "/account/tokens", f"/account/tokens/{token_id}/revoke")
    assert response.status_code == 302
    wait_disconnected(script)
    secret = send(ada, "budget", "after the token")
    got_only_marker(browser, secret, {"id": -1})  # Bob's browser, signed in on its own, still reads
    assert secret["id"] not in {m["id"] for m in script.received("message_posted")}
    refused = members(budget.url, token=plain)
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused.connect()
    assert requests.get(budget.url + "/api/v1/rooms", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_suspending_from_the_command_line_closes_the_members_sockets_in_the_server(budget, members, migrated):
    """The CLI is another process: the server learns of the change from the database, not a call."""
    bob = follow(members(budget.url, "bob").connect(), "budget")
    env = {**os.environ, "DATABASE_URL": migrated, "SECRET_KEY": "cli", "SEARCH_INDEXER": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "users", "suspend", "bob", "--reason", "Spam"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    wait_disconnected(bob, timeout=3)
    with pytest.raises(socketio.exceptions.ConnectionError):
        members(budget.url, headers=bob.headers).connect()


def test_signing_out_ends_that_sign_in_everywhere_it_was_copied_and_only_that_one(budget, members):
    phone = signed_in_session(budget.url, "bob")
    laptop = requests.Session()
    page = laptop.get(budget.url + "/sign-in").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    laptop.post(
        budget.url + "/sign-in",
        data={"csrf_token": token, "identifier": "bob", "password": DEFAULT_PASSWORD, "remember": "y"},
        allow_redirects=False,
    )
    copied = dict(laptop.cookies)
    assert {"session", "remember_token"} <= set(copied)
    cookie = "; ".join(f"{k}={v}" for k, v in copied.items())
    laptop_socket = follow(members(budget.url, headers={"Cookie": cookie}).connect(), "budget")
    phone_socket = follow(
        members(budget.url, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in phone.cookies.items())}).connect(),
        "budget",
    )

    response = post_form(laptop, budget.url, "/account", "/sign-out")
    assert response.status_code == 302
    wait_disconnected(laptop_socket)
    for jar in ({"session": copied["session"]}, {"remember_token": copied["remember_token"]}, copied):
        stale = requests.get(budget.url + "/account", cookies=jar, allow_redirects=False)
        assert stale.status_code == 302 and "/sign-in" in stale.headers["Location"], jar.keys()
    assert phone.get(budget.url + "/account", allow_redirects=False).status_code == 200
    assert phone_socket.client.connected and phone_socket.call("join_room", {"room": "budget"})["ok"]


def test_changing_password_closes_the_other_sign_ins_sockets(budget, members):
    old = follow(members(budget.url, "bob").connect(), "budget")
    current = signed_in_session(budget.url, "bob")
    response = post_form(
        current,
        budget.url,
        "/account/password",
        "/account/password",
        current_password=DEFAULT_PASSWORD,
        new_password="a brand new passphrase here",
    )
    assert response.status_code == 302
    wait_disconnected(old)
    assert current.get(budget.url + "/account", allow_redirects=False).status_code == 200


def test_a_removal_made_on_one_process_reaches_a_connection_on_another(app, start_server, members, redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    with app.app_context():
        ada, bob = make_user(username="ada"), make_user(username="bob")
        make_room(ada, "Budget", kind="private", members=[bob])
        make_room(ada, "Lobby", members=[bob])
    first, second = start_server(REDIS_URL=redis_url), start_server(REDIS_URL=redis_url)
    ada_client = follow(members(first.url, "ada").connect(), "budget", "lobby")
    bob_client = follow(members(second.url, "bob").connect(), "budget", "lobby")
    response = post_form(ada_client.session, first.url, "/rooms/budget/members", "/rooms/budget/members/bob/remove")
    assert response.status_code == 302
    # Sent at once, without waiting for the other process to hear of the removal: the change travels
    # ahead of the message on the same queue, so the message can never reach Bob.
    secret = send(ada_client, "budget", "not for bob")
    got_only_marker(bob_client, send(ada_client, "lobby", "marker"), secret)
    assert bob_client.received("room_access_ended") == [{"room": "budget"}]
