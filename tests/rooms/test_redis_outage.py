"""Redis stopped and started under two server processes: sends are stored and acked meanwhile,
delivery between the processes comes back by itself, and catch-up covers the gap."""

import shutil
import subprocess
import time

import pytest
import redis

from tests.factories import make_room, make_user
from tests.servers import free_port


class RedisServer:
    """A throwaway redis-server of the test's own, which it may stop and start."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis():
    assert shutil.which("redis-server"), "the Redis outage test needs redis-server (apt-get install redis-server)"
    server = RedisServer().start()
    yield server
    server.stop()


def _posted(client, room: str, body: str) -> int:
    answer = client.call("send_message", {"room": room, "body": body, "client_id": body})
    assert answer["ok"], answer
    return answer["message"]["id"]


def test_a_redis_outage_loses_no_message_and_delivery_between_processes_resumes(app, start_server, members, own_redis):
    with app.app_context():
        ada = make_user(username="ada")
        room = make_room(ada, "Open data", members=[make_user(username="bob"), make_user(username="cyd")]).slug
    first = start_server(REDIS_URL=own_redis.url)
    second = start_server(REDIS_URL=own_redis.url)
    ada_client, bob_client = members(first.url, "ada").connect(), members(second.url, "bob").connect()
    for client in (ada_client, bob_client):
        assert client.call("join_room", {"room": room})["ok"]
    before = _posted(ada_client, room, "before")
    bob_client.wait_for("message_posted", lambda m: m["id"] == before)

    own_redis.stop()
    # Members keep sending, joining and connecting on both processes; each send is stored and acked.
    sent = [_posted(ada_client, room, f"ada-{n}") for n in range(5)]
    sent += [_posted(bob_client, room, f"bob-{n}") for n in range(5)]
    cyd_client = members(first.url, "cyd").connect()
    joined = cyd_client.call("join_room", {"room": room})
    assert joined["ok"], joined
    assert "cyd" in {m["username"] for m in joined["members_online"]}  # presence answers from this process
    assert bob_client.call("typing", {"room": room})["ok"]
    # This process's own members still get every event at once.
    sent.append(_posted(ada_client, room, "ada-local"))
    cyd_client.wait_for("message_posted", lambda m: m["id"] == sent[-1])

    own_redis.start()  # empty: it kept nothing
    # Each process tries Redis again a second after its last failure, for publishing and listening
    # alike: delivery resumes in each direction within a bound.
    for sender, receiver, name in ((ada_client, bob_client, "ada"), (bob_client, ada_client, "bob")):
        deadline = time.monotonic() + 15
        for n in range(100):
            after = _posted(sender, room, f"after-{name}-{n}")
            try:
                receiver.wait_for("message_posted", lambda m, after=after: m["id"] == after, timeout=0.5)
                break
            except AssertionError:
                assert time.monotonic() < deadline, f"delivery from {name}'s process did not resume"
    # Both ways, for every message from now on.
    from_bob = _posted(bob_client, room, "from-bob")
    ada_client.wait_for("message_posted", lambda m: m["id"] == from_bob)
    from_ada = _posted(ada_client, room, "from-ada")
    bob_client.wait_for("message_posted", lambda m: m["id"] == from_ada)

    # Catch-up covers what Bob missed while Redis was away: every message is there, once.
    caught_up = bob_client.call("join_room", {"room": room, "after_id": before})
    ids = [m["id"] for m in caught_up["messages"]]
    assert set(sent) <= set(ids) and len(ids) == len(set(ids))
    # Presence is shared again: Bob, on the second process, sees Ada and Cyd on the first. Each process
    # writes its connections back at its first presence call once it retries Redis (every second).
    deadline = time.monotonic() + 10
    while True:
        assert ada_client.call("join_room", {"room": room})["ok"]
        online = {m["username"] for m in bob_client.call("join_room", {"room": room})["members_online"]}
        if online == {"ada", "bob", "cyd"}:
            break
        assert time.monotonic() < deadline, f"presence was not shared again: {online}"
        time.sleep(0.2)

    for server in (first, second):
        log = server.log()
        assert "Traceback" not in log, log
        warnings = [line for line in log.splitlines() if line.startswith("Redis is unreachable")]
        # One line for each use of Redis (rate limits, presence, publishing, receiving), not one per event.
        for use in ("rate limits", "presence", "events reach only", "events from other processes"):
            assert sum(use in line for line in warnings) <= 1, warnings
        assert len(warnings) <= 4, warnings
