"""Search against real server processes (gevent, `python app.py`) and the search indexer, a process of its
own: started by `python app.py` beside the server (as `make run` does), or run as `flask search indexer`
beside servers that only write the outbox (as in production)."""

import fcntl
import os
import shutil
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from civicnet.accounts import access_tokens as tokens
from civicnet.accounts.services import find_user_by_username
from civicnet.rooms.messages import post_message
from tests.factories import make_room, make_user
from tests.launcher import flask_command
from tests.search.test_cli import pending
from tests.search.test_routes import hit_links, result_count
from tests.servers import INDEXER_READY, signed_in_session, stop_process

SEARCHABLE_WITHIN = 5.0  # seconds; the issue asks for "a couple of seconds", this leaves room for a slow CI machine
INDEXING_ERRORS = ("Traceback", "search indexing failed", "could not read the index", "LockError")


def api_search(server, token: str, **params) -> requests.Response:
    return requests.get(
        server.url + "/api/v1/search", params=params, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def message_total(server, token: str, word: str) -> int | None:
    """How many messages the server finds for a word, or None while search is unavailable."""
    response = api_search(server, token, q=word, type="messages")
    return response.json()["total"] if response.status_code == 200 else None


def wait_for(check, timeout: float, what: str, interval: float = 0.05):
    """Poll until check() returns something truthy; returns (value, seconds waited)."""
    start = time.monotonic()
    while True:
        value = check()
        if value:
            return value, time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(interval)


def all_message_ids(server, token: str, word: str) -> list[int]:
    ids, page = [], 1
    while True:
        body = api_search(server, token, q=word, type="messages", sort="newest", page=page).json()
        ids += [result["message"]["id"] for result in body["results"]]
        if page >= body["pages"]:
            return ids
        page += 1


@contextmanager
def indexer_lock(index_dir: str):
    """Hold civicnet's indexing lock, as another process's indexer busy with a long batch would."""
    path = Path(index_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def assert_no_indexing_errors(*processes) -> None:
    for process in processes:
        log = process.log()
        found = [marker for marker in INDEXING_ERRORS if marker in log]
        assert not found, f"{process.url} logged {found}:\n{log[-3000:]}"


class IndexerProcess:
    """`flask --app app search indexer`, run as production runs it: a command of its own."""

    def __init__(self, server):
        self.url = "the indexer beside " + server.url
        self.log_path = server.log_path.with_name(server.log_path.stem + "-indexer.log")
        self.log_path.write_text("")
        self.process = flask_command("search", "indexer", env=server.env, log=self.log_path)

    def stop(self) -> int:
        # A generous grace: on CI three test runs share two cores, and a batch being indexed when the
        # signal comes is cancelled before the process exits. Killed after it, the exit code is -9.
        return stop_process(self.process, grace=30)

    def log(self) -> str:
        return self.log_path.read_text()


@pytest.fixture
def start_indexer():
    """Start `flask search indexer` for a server's database and index; stopped after the test."""
    started: list[IndexerProcess] = []

    def start(server) -> IndexerProcess:
        started.append(IndexerProcess(server))
        wait_for(lambda: INDEXER_READY in started[-1].log(), 20, "the indexer started")
        return started[-1]

    yield start
    for indexer in started:
        indexer.stop()


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def is_running(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting for its parent to collect it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def indexer_child(server) -> int:
    """The pid of the `flask search indexer` that `python app.py` started beside itself."""
    (pid,) = [child for child in children(server.process.pid) if "search indexer" in command_line(child)]
    return pid


@pytest.fixture
def people(app):
    """Ada and Bob in a public room "Field notes"; Ada's API token."""
    with app.app_context():
        ada, bob = make_user(username="ada"), make_user(username="bob")
        make_room(ada, "Field notes", members=[bob])
        _, token = tokens.create_token(ada, "live search tests")
    return token


def joined(members, server, username: str):
    member = members(server.url, username).connect()
    assert member.call("join_room", {"room": "field-notes"})["ok"]
    return member


def send_burst(clients, count: int, word: str) -> tuple[list[int], float]:
    """Emit `count` messages across the clients without waiting between them; returns their ids and how
    long the slowest took to be acknowledged."""
    acks: dict[int, tuple[dict, float]] = {}
    done = threading.Event()
    lock = threading.Lock()

    def sender(number: int, sent_at: float):
        def on_ack(ack):
            with lock:
                acks[number] = (ack, time.monotonic() - sent_at)
                if len(acks) == count:
                    done.set()

        return on_ack

    for number in range(count):
        client = clients[number % len(clients)]
        data = {"room": "field-notes", "body": f"{word} sighting number {number}", "client_id": f"{word}-{number}"}
        client.client.emit("send_message", data, callback=sender(number, time.monotonic()))
    assert done.wait(60), f"only {len(acks)} of {count} messages were acknowledged"
    assert all(ack["ok"] for ack, _ in acks.values()), [ack for ack, _ in acks.values() if not ack["ok"]][:3]
    return [ack["message"]["id"] for ack, _ in acks.values()], max(seconds for _, seconds in acks.values())


def test_a_burst_of_messages_is_searchable_within_seconds(people, start_server, members, record_property):
    server = start_server(indexer=True)
    senders = [joined(members, server, "ada"), joined(members, server, "bob")]
    ids, slowest_ack = send_burst(senders, 200, "quokka")
    sent = time.monotonic()
    _, lag = wait_for(
        lambda: message_total(server, people, "quokka") == 200, SEARCHABLE_WITHIN, "200 messages searchable"
    )
    record_property("search_lag_seconds", round(lag, 3))
    record_property("slowest_send_ack_seconds", round(slowest_ack, 3))
    print(f"\n200 messages searchable {lag:.2f} s after the last ack; slowest ack {slowest_ack:.2f} s")
    assert time.monotonic() - sent < SEARCHABLE_WITHIN
    assert sorted(all_message_ids(server, people, "quokka")) == sorted(ids)
    # The page finds them too, for a signed-in member.
    page = signed_in_session(server.url, "bob").get(server.url + "/search?q=quokka&type=messages").text
    assert result_count(page) == 200
    assert_no_indexing_errors(server)


def test_posting_does_not_wait_for_the_indexer(app, people, start_server, start_indexer, members):
    server = start_server()
    indexer = start_indexer(server)
    ada = joined(members, server, "ada")
    wait_for(lambda: message_total(server, people, "anything") is not None, 10, "search available")
    with indexer_lock(server.env["SEARCH_INDEX_DIR"]):
        started = time.monotonic()
        ids, slowest_ack = send_burst([ada], 20, "wombat")
        # The index cannot be written while the lock is held, yet every message was stored and acknowledged,
        # and waits in the outbox.
        assert slowest_ack < 3 and time.monotonic() - started < 5
        assert pending(app) == 20
        assert message_total(server, people, "wombat") == 0
    wait_for(lambda: message_total(server, people, "wombat") == 20, SEARCHABLE_WITHIN, "indexed after the lock")
    assert sorted(all_message_ids(server, people, "wombat")) == sorted(ids)
    assert_no_indexing_errors(server, indexer)


def test_a_deleted_index_is_rebuilt_while_the_server_keeps_serving(
    app, people, start_server, start_indexer, members, record_property
):
    with app.app_context():
        room = make_room(find_user_by_username("ada"), "Heron watch")
        for number in range(5):
            post_message(room, find_user_by_username("ada"), f"Heron seen at the lake, number {number}")
    server = start_server()
    indexer = start_indexer(server)
    bob = signed_in_session(server.url, "bob")
    wait_for(lambda: message_total(server, people, "heron") == 5, 10, "the first index")
    before_page = bob.get(server.url + "/search?q=heron")
    assert before_page.status_code == 200
    before_api = api_search(server, people, q="heron").json()

    index_dir = server.env["SEARCH_INDEX_DIR"]
    # Holding the indexing lock keeps the rebuild from starting until the outage has been looked at.
    with indexer_lock(index_dir):
        shutil.rmtree(index_dir)
        unavailable = bob.get(server.url + "/search?q=heron")
        assert unavailable.status_code == 503
        assert "Search is being rebuilt" in unavailable.text
        assert "civicnet-header__search" in bob.get(server.url + "/").text
        for url in ("/", "/rooms", "/people", "/rooms/heron-watch", "/people/ada"):
            assert bob.get(server.url + url).status_code == 200, url
        assert requests.get(server.url + "/", timeout=10).status_code == 200
        api = api_search(server, people, q="heron")
        assert api.status_code == 503 and api.json()["error"]["code"] == "search_unavailable"
        # Posting does not need the index either.
        ada = joined(members, server, "ada")
        ack = ada.call("send_message", {"room": "heron-watch", "body": "Heron nest found", "client_id": "nest"})
        assert ack["ok"], ack

    _, lag = wait_for(
        lambda: bob.get(server.url + "/search?q=heron").status_code == 200, SEARCHABLE_WITHIN, "search back"
    )
    record_property("rebuild_seconds", round(lag, 3))
    wait_for(lambda: message_total(server, people, "heron") == 6, SEARCHABLE_WITHIN, "the new message searchable")
    after_api = api_search(server, people, q="heron").json()
    new_id = ack["message"]["id"]
    assert after_api["counts"] == {**before_api["counts"], "messages": before_api["counts"]["messages"] + 1}
    old_urls = [r["url"] for r in before_api["results"]]
    assert [r["url"] for r in after_api["results"] if f"#message-{new_id}" not in r["url"]] == old_urls
    after_page = bob.get(server.url + "/search?q=heron").text
    assert set(hit_links(after_page)) == set(hit_links(before_page.text)) | {
        next(r["url"] for r in after_api["results"] if f"#message-{new_id}" in r["url"])
    }
    assert Path(index_dir).is_dir()
    assert "Traceback" not in server.log() + indexer.log()


def test_two_servers_and_one_indexer_share_one_index(
    app, people, start_server, start_indexer, members, redis_url, tmp_path, record_property
):
    shared = {"SEARCH_INDEX_DIR": str(tmp_path / "shared-index"), "REDIS_URL": redis_url}
    first, second = start_server(**shared), start_server(**shared)
    indexer = start_indexer(first)
    for server in (first, second):
        wait_for(lambda s=server: message_total(s, people, "anything") is not None, 10, f"search on {server.url}")

    bob = joined(members, second, "bob")
    ack = bob.call("send_message", {"room": "field-notes", "body": "Otter by the weir", "client_id": "otter"})
    assert ack["ok"], ack
    _, lag = wait_for(lambda: message_total(first, people, "otter") == 1, SEARCHABLE_WITHIN, "B's message on A")
    record_property("cross_process_lag_seconds", round(lag, 3))
    found = api_search(first, people, q="otter").json()
    assert [r["message"]["id"] for r in found["results"]] == [ack["message"]["id"]]

    ada = joined(members, first, "ada")
    ack = ada.call("send_message", {"room": "field-notes", "body": "Kingfisher on the bank", "client_id": "kf"})
    assert ack["ok"], ack
    wait_for(lambda: message_total(second, people, "kingfisher") == 1, SEARCHABLE_WITHIN, "A's message on B")
    page = signed_in_session(first.url, "bob").get(first.url + "/search?q=otter&type=messages")
    assert result_count(page.text) == 1
    assert_no_indexing_errors(first, second, indexer)
    code = indexer.stop()
    assert code == 0 and "stopped" in indexer.log(), (code, indexer.log()[-3000:])


def test_an_edited_message_is_found_once_by_the_running_server(people, start_server, start_indexer, members):
    server = start_server()
    indexer = start_indexer(server)
    ada = joined(members, server, "ada")
    ack = ada.call("send_message", {"room": "field-notes", "body": "Badger at dusk", "client_id": "badger"})
    assert ack["ok"], ack
    wait_for(lambda: message_total(server, people, "badger") == 1, SEARCHABLE_WITHIN, "the message searchable")
    edited = ada.call("edit_message", {"id": ack["message"]["id"], "body": "Badger at dusk, with two cubs"})
    assert edited["ok"], edited
    wait_for(lambda: message_total(server, people, "cubs") == 1, SEARCHABLE_WITHIN, "the edit searchable")
    assert all_message_ids(server, people, "badger") == [ack["message"]["id"]]
    assert_no_indexing_errors(server, indexer)


def test_a_server_without_the_indexer_only_writes_the_outbox(app, people, start_server, start_indexer, members):
    server = start_server()
    assert children(server.process.pid) == []
    ada = joined(members, server, "ada")
    ack = ada.call("send_message", {"room": "field-notes", "body": "Stoat in ermine", "client_id": "stoat"})
    assert ack["ok"], ack
    # Nothing indexes: the change waits in the outbox, and there is no index to search yet.
    assert pending(app) >= 1 and message_total(server, people, "stoat") is None
    indexer = start_indexer(server)  # `flask search indexer` builds the missing index, then keeps it up to date
    wait_for(lambda: message_total(server, people, "stoat") == 1, 10, "the message searchable")
    ack = ada.call("send_message", {"room": "field-notes", "body": "Stoat again", "client_id": "stoat-2"})
    assert ack["ok"], ack
    wait_for(lambda: message_total(server, people, "stoat") == 2, SEARCHABLE_WITHIN, "the next one searchable")
    assert pending(app) == 0
    assert_no_indexing_errors(server, indexer)


def test_the_indexer_beside_the_server_is_restarted_if_it_dies_and_stops_with_the_server(people, start_server, members):
    server = start_server(indexer=True)
    first = indexer_child(server)
    os.kill(first, signal.SIGKILL)
    second, _ = wait_for(
        lambda: [pid for pid in children(server.process.pid) if pid != first and "search indexer" in command_line(pid)],
        10,
        "a new indexer",
    )
    wait_for(lambda: server.log().count(INDEXER_READY) == 2, 30, "the new indexer started")
    ada = joined(members, server, "ada")
    ack = ada.call("send_message", {"room": "field-notes", "body": "Pine marten", "client_id": "marten"})
    assert ack["ok"], ack
    wait_for(lambda: message_total(server, people, "marten") == 1, 10, "searchable through the new indexer")
    server.stop()  # SIGTERM: the server stops its indexer before it exits (or, if it was killed, the indexer sees it go)
    wait_for(lambda: not is_running(second[0]), 5, "the indexer stopped")
    assert "search indexer: stopped" in server.log()


def test_the_indexer_beside_a_killed_server_stops_by_itself(people, start_server):
    server = start_server(indexer=True)
    child = indexer_child(server)
    server.process.kill()  # no chance to stop its child: the child notices its parent has gone
    server.process.wait()
    # A bound, not a wait: the child notices within a poll, but runs niced on a machine CI keeps busy.
    wait_for(lambda: not is_running(child), 20, "the orphaned indexer stopped")
