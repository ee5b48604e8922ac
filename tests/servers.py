"""Real civicnet servers for tests: `python app.py` (gevent) in a subprocess on 127.0.0.1, and
Socket.IO clients that sign in through the real sign-in form."""

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
import socketio

from tests.factories import DEFAULT_PASSWORD
from tests.launcher import SERVERS, ForkedProcess
from tests.sockets import Disconnecting

ROOT = Path(__file__).resolve().parent.parent
INDEXER_READY = "civicnet search indexer: indexing into"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: "subprocess.Popen | ForkedProcess", grace: float = 10) -> int:
    """Ask a process to stop (SIGTERM), kill it after `grace` seconds, and return its exit code."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()


class ServerProcess:
    """One civicnet server process, configured through the environment like a deployment.

    With indexer=True (as `make run`) it starts `flask search indexer` beside itself, logging to the same
    file; with indexer=False it only writes the search outbox, like a server in production.

    It runs app.py as `python app.py` does, forked from tests/forkserver.py so that it need not import
    its libraries again; with fresh=True, as a new `python app.py` process."""

    def __init__(self, database_url: str, log_dir: Path, indexer: bool = True, fresh: bool = False, **settings: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"server-{self.port}.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "BASE_URL": self.url,
            "SECRET_KEY": "server-test-secret",
            "CIVICNET_FAST_PASSWORD_HASHING": "1",
            "SIGN_IN_LIMIT_PER_IP": "10000 per minute",
            "SIGN_IN_LIMIT_PER_ACCOUNT": "10000 per minute",
            "SOCKET_SEND_MESSAGE_LIMIT": "10000 per 10 seconds",
            "SOCKET_TYPING_LIMIT": "10000 per 10 seconds",
            # Test members are minutes old: nobody counts as new unless a test says so.
            "NEW_MEMBER_HOURS": "0",
            "NEW_MEMBER_MESSAGES": "0",
            # Its own index unless told to share one: tests empty the database between them.
            "SEARCH_INDEX_DIR": str(log_dir / f"search-index-{self.port}"),
            "UPLOADS_DIR": str(log_dir / f"uploads-{self.port}"),
            "SEARCH_INDEXER": "1" if indexer else "0",
            # Emails are sent by the request that causes them, as in the in-process tests; the jobs
            # worker and its queue have tests of their own (tests/test_jobs.py).
            "JOBS_IMMEDIATE": "1",
            **settings,
        }
        if "REDIS_URL" not in settings:
            self.env.pop("REDIS_URL", None)
        self.indexer, self.fresh = indexer, fresh
        self.process: subprocess.Popen | ForkedProcess | None = None

    def start(self, timeout: float = 40) -> "ServerProcess":
        self._log = self.log_path.open("w")
        if self.fresh:
            self.process = subprocess.Popen(
                [sys.executable, "app.py"], cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
            )
        else:
            self.process = SERVERS.spawn(["app.py"], self.env, ROOT, self.log_path)
        try:
            return self._wait_until_ready(timeout)
        except BaseException:
            self.stop()  # a server that failed to start must not outlive the test (nor its indexer)
            raise

    def _wait_until_ready(self, timeout: float) -> "ServerProcess":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                # With its indexer, the server is ready once both answer: the indexer says so in the log.
                if requests.get(self.url + "/sign-in", timeout=1).status_code == 200 and (
                    not self.indexer or INDEXER_READY in self.log()
                ):
                    return self
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or busy starting up
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start in {timeout}s:\n{self.log()}")

    def stop(self) -> None:
        if self.process:
            stop_process(self.process)
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""


def signed_in_session(base_url: str, username: str, password: str = DEFAULT_PASSWORD) -> requests.Session:
    """A requests session signed in through the sign-in form (with its CSRF token)."""
    session = requests.Session()
    page = session.get(base_url + "/sign-in").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = session.post(
        base_url + "/sign-in",
        data={"csrf_token": token, "identifier": username, "password": password},
        allow_redirects=False,
    )
    assert response.status_code == 302, f"could not sign in as {username}"
    return session


def csrf_token(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(url).text).group(1)


class Member(Disconnecting):
    """A Socket.IO client that records every event it receives."""

    def __init__(
        self, base_url: str, username: str | None = None, token: str | None = None, headers: dict | None = None
    ):
        self.base_url = base_url
        self.username = username
        self.client = socketio.Client(reconnection=False)
        self.events: list[tuple[str, dict]] = []
        self._arrived = threading.Condition()
        self.client.on("*", self._record)
        self.headers = dict(headers or {})
        if username:
            self.session = signed_in_session(base_url, username)
            self.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.session.cookies.items())
        self.auth = {"token": token} if token else None

    def _record(self, event: str, data=None) -> None:
        with self._arrived:
            self.events.append((event, data))
            self._arrived.notify_all()

    def connect(self) -> "Member":
        self.client.connect(
            self.base_url, headers=self.headers, auth=self.auth, transports=["websocket"], wait_timeout=5
        )
        return self

    @property
    def connected(self) -> bool:
        return self.client.connected

    def disconnect(self) -> None:
        """Leave as a browser tab does: say goodbye and go, without waiting for the socket to drain."""
        if self.client.connected:
            for namespace in self.client.namespaces:
                self.client._send_packet(self.client.packet_class(socketio.packet.DISCONNECT, namespace=namespace))
            self.client.eio.disconnect(abort=True)

    # Bounds, not waits: an answer or event that comes returns at once. They are wide because CI runs
    # three test runs side by side on two cores, where a server can be slow for a few seconds.
    def call(self, event: str, data=None, timeout: float = 15) -> dict:
        return self.client.call(event, data, timeout=timeout)

    def received(self, event: str) -> list[dict]:
        with self._arrived:
            return [data for name, data in self.events if name == event]

    def wait_for(self, event: str, predicate=lambda data: True, timeout: float = 15) -> dict:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for name, data in self.events:
                    if name == event and predicate(data):
                        return data
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"{self.username or 'client'} did not receive {event}; got {[n for n, _ in self.events]}"
                    )
                self._arrived.wait(remaining)
