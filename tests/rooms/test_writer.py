"""The group-commit writer against a real gevent server: concurrent senders are all stored once and
acked only after their commit, resends inside a batch return the first message, and a kill -9 in the
middle of a burst loses nothing that was acked."""

import signal
import threading
import time

import pytest
from sqlalchemy import func, select

from civicnet.extensions import db
from civicnet.rooms.models import Message
from civicnet.search.models import SearchChange
from tests.factories import make_room, make_user
from tests.servers import Member, stop_process

SENDERS = 12
EACH = 15


@pytest.fixture
def crowd(app):
    """A public room with SENDERS members, each with a token (tokens connect without signing in)."""
    from civicnet.accounts.access_tokens import create_token

    with app.app_context():
        people = [make_user(username=f"sender{n}") for n in range(SENDERS)]
        make_room(people[0], "Busy", members=people[1:])
        return [create_token(person, "load")[1] for person in people]


def connect_all(url: str, tokens: list[str], members) -> list[Member]:
    clients = [members(url, token=token).connect() for token in tokens]
    for client in clients:
        assert client.call("join_room", {"room": "busy"})["ok"]
    return clients


def answered_or_gone(client: Member, both: threading.Event, timeout: float = 10) -> bool:
    """Wait for both acks, but not for ten seconds after the server has gone (a killed server answers
    nothing, and the client notices its socket closed within a moment)."""
    deadline = time.monotonic() + timeout
    while not both.wait(0.05):
        if not client.client.connected or time.monotonic() > deadline:
            return both.is_set()
    return True


def burst(clients: list[Member], each: int, acks: dict, stop_on_error: bool = False) -> list[threading.Thread]:
    """Every client sends `each` messages as fast as acks come back, each twice at once (a resend)."""

    def run(index: int, client: Member) -> None:
        for n in range(each):
            client_id = f"s{index}-{n}"
            payload = {"room": "busy", "body": f"message {n} from {index}", "client_id": client_id}
            # Sent twice without waiting, so both usually reach the same batch of the writer.
            answers, both = [], threading.Event()

            def answered(ack, answers=answers, both=both):
                answers.append(ack)
                if len(answers) == 2:
                    both.set()

            try:
                client.client.emit("send_message", payload, callback=answered)
                client.client.emit("send_message", payload, callback=answered)
            except Exception:
                if stop_on_error:
                    return
                raise
            if not answered_or_gone(client, both):
                if stop_on_error:
                    return
                raise AssertionError(f"no acks for {client_id}")
            acks[client_id] = tuple(answers)

    threads = [threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    return threads


def stored(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(select(Message.client_id, func.count()).group_by(Message.client_id)).all()
        return dict(rows)


def test_concurrent_senders_are_each_stored_once_and_acked_with_the_first_message(app, start_server, crowd, members):
    server = start_server()
    clients = connect_all(server.url, crowd, members)
    acks: dict = {}
    for thread in burst(clients, EACH, acks):
        thread.join(timeout=60)
    assert len(acks) == SENDERS * EACH
    for client_id, (first, again) in acks.items():
        assert first["ok"] and again["ok"], (client_id, first, again)
        assert again["message"]["id"] == first["message"]["id"]
    counts = stored(app)
    assert len(counts) == SENDERS * EACH and set(counts.values()) == {1}
    # Every receiver saw every message once, in id order.
    watcher = clients[0]
    ids = sorted(first["message"]["id"] for first, _ in acks.values())
    watcher.wait_for("message_posted", lambda m: m["id"] == ids[-1], timeout=10)
    seen = [m["id"] for m in watcher.received("message_posted")]
    assert sorted(set(seen)) == ids and len(seen) == len(ids)
    assert "Traceback" not in server.log()


def test_a_kill_during_a_burst_loses_nothing_that_was_acked(app, start_server, crowd, members):
    victim = start_server()  # without an indexer, so nothing consumes the search outbox meanwhile
    clients = connect_all(victim.url, crowd, members)
    acks: dict = {}
    threads = burst(clients, 200, acks, stop_on_error=True)
    deadline = time.monotonic() + 20
    while len(acks) < 60 and time.monotonic() < deadline:
        time.sleep(0.01)
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait(timeout=10)
    for thread in threads:
        thread.join(timeout=20)
    acked = {client_id for client_id, (first, _) in acks.items() if first.get("ok")}
    assert len(acked) >= 60
    counts = stored(app)
    assert acked <= set(counts) and set(counts.values()) == {1}
    with app.app_context():
        ids = {first["message"]["id"] for cid, (first, _) in acks.items() if cid in acked}
        # The search outbox row was committed with each message, so the index will catch up too.
        queued = set(db.session.scalars(select(SearchChange.object_id).where(SearchChange.kind == "message")))
        assert ids <= queued


def test_sigterm_during_a_burst_stops_the_server_at_once_and_loses_nothing_that_was_acked(
    app, start_server, crowd, members
):
    """A stop asked for while handlers are busy is not swallowed by one of them (Python's own signal
    handler raised KeyboardInterrupt inside whichever greenlet ran, and the server ran on until killed)."""
    server = start_server()
    clients = connect_all(server.url, crowd, members)
    acks: dict = {}
    burst(clients, 200, acks, stop_on_error=True)
    deadline = time.monotonic() + 20
    while len(acks) < 30 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stop_process(server.process, grace=5) == 0, server.log()[-3000:]
    # No ack can come from a server that has exited; the senders' threads give up by themselves.
    acked = {client_id for client_id, (first, _) in list(acks.items()) if first.get("ok")}
    assert len(acked) >= 30 and acked <= set(stored(app))
    assert "Traceback" not in server.log()


def test_two_processes_writing_into_one_room_never_make_a_reader_skip_a_message(app, start_server, crowd, members):
    """Ids within a room follow commit order across processes (the room row lock on PostgreSQL; one
    writer at a time on SQLite), so a reader catching up by after_id sees every message."""
    servers = [start_server(), start_server()]
    half = len(crowd) // 2
    clients = connect_all(servers[0].url, crowd[:half], members) + connect_all(servers[1].url, crowd[half:], members)
    reader, acks, seen = clients[0], {}, []
    threads = burst(clients[1:], 10, acks)
    last, deadline = 0, time.monotonic() + 60
    while (any(t.is_alive() for t in threads) or len(seen) < len(acks)) and time.monotonic() < deadline:
        page = reader.call("join_room", {"room": "busy", "after_id": last})
        assert page["ok"], page
        seen += [m["id"] for m in page["messages"]]
        last = seen[-1] if seen else last
    stored_ids = sorted(first["message"]["id"] for first, _ in acks.values())
    assert len(stored_ids) == (len(clients) - 1) * 10
    assert seen == stored_ids
