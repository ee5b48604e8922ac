"""Several server processes behind one Redis: every message reaches every member."""

import pytest
import socketio

from civicnet.accounts.services import find_user_by_username, suspend_user
from tests.factories import make_room, make_user


@pytest.fixture
def redis_db(redis_url):
    """An empty Redis database for this test (queue, presence and rate limits)."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    return redis_url


def test_two_processes_deliver_every_message_to_every_member(app, start_server, members, redis_db):
    with app.app_context():
        ada = make_user(username="ada")
        slug = make_room(ada, "Open data", members=[make_user(username="bob"), make_user(username="cyd")]).slug
    first, second = start_server(REDIS_URL=redis_db), start_server(REDIS_URL=redis_db)
    ada_client = members(first.url, "ada").connect()
    bob_client = members(second.url, "bob").connect()
    cyd_client = members(second.url, "cyd").connect()
    for client in (ada_client, bob_client, cyd_client):
        assert client.call("join_room", {"room": slug})["ok"]
    # Presence is shared too: Bob, on the other process, is online for Ada's process.
    assert {m["username"] for m in cyd_client.call("join_room", {"room": slug})["members_online"]} == {
        "ada",
        "bob",
        "cyd",
    }

    sent = [
        ada_client.call("send_message", {"room": slug, "body": f"m{n}", "client_id": f"a{n}"})["message"]["id"]
        for n in range(5)
    ]
    sent += [
        bob_client.call("send_message", {"room": slug, "body": f"b{n}", "client_id": f"b{n}"})["message"]["id"]
        for n in range(5)
    ]
    for client in (ada_client, bob_client, cyd_client):
        client.wait_for("message_posted", lambda m: m["id"] == sent[-1])
        assert sorted(m["id"] for m in client.received("message_posted")) == sorted(sent)


def test_suspension_disconnects_the_member_in_every_process_and_refuses_them(make_app, start_server, members, redis_db):
    app = make_app(REDIS_URL=redis_db)
    with app.app_context():
        make_room(make_user(username="ada"), "Open data")
    first, second = start_server(REDIS_URL=redis_db), start_server(REDIS_URL=redis_db)
    on_first, on_second = members(first.url, "ada").connect(), members(second.url, "ada").connect()
    spare_session = on_first.session
    with app.app_context():
        suspend_user(None, find_user_by_username("ada"), "Harassment")
    for client in (on_first, on_second):
        deadline_ok = False
        for _ in range(50):
            if not client.client.connected:
                deadline_ok = True
                break
            client.client.sleep(0.1)
        assert deadline_ok, "still connected after suspension"
    again = members(first.url)
    again.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in spare_session.cookies.items())
    with pytest.raises(socketio.exceptions.ConnectionError):
        again.connect()


def test_server_refuses_to_start_when_redis_is_configured_but_unreachable(start_server):
    # A new `python app.py`, as a deployment starts it (other tests fork theirs from tests/forkserver.py).
    with pytest.raises(RuntimeError, match="Redis cannot be reached"):
        start_server(REDIS_URL="redis://127.0.0.1:1/0", fresh=True)


def test_a_forked_test_server_refuses_to_start_in_the_same_way(start_server):
    """The fork server's children read their own environment, and report how they ended."""
    with pytest.raises(RuntimeError, match=r"(?s)server exited with 1:.*Redis cannot be reached"):
        start_server(REDIS_URL="redis://127.0.0.1:1/0")


def test_app_refuses_to_start_when_the_redis_library_is_missing(make_app, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "redis", None)  # as if the package were not installed
    with pytest.raises(RuntimeError, match="'redis' package is not installed"):
        make_app(REDIS_URL="redis://127.0.0.1:6379/15")
