"""Socket.IO members of an app in this process: Flask-SocketIO's test client behind the API of
tests.servers.Member, so a test reads the same whether it talks to a real server or to the app.

The member signs in through the app's HTTP test client and the socket carries that client's cookies,
as a browser's would. The handlers run in the caller's thread, so an event is usually there as soon
as the call that caused it returns; waits are still bounded polls for work handed to a background
task (closing a connection after a sign-out, for one)."""

import time

import socketio
from flask import Flask

from civicnet.extensions import socketio as server
from tests.factories import DEFAULT_PASSWORD


class Disconnecting:
    """What both kinds of member share: a bounded wait for the server to close the connection."""

    connected: bool


class LocalMember(Disconnecting):
    def __init__(self, app: Flask, username: str | None = None, token: str | None = None, headers: dict | None = None):
        self.app = app
        self.username = username
        self.session = app.test_client()  # the member's browser, for plain HTTP beside the socket
        self.headers = dict(headers or {})
        self.auth = {"token": token} if token else None
        self.socket = None
        self.events: list[tuple[str, object]] = []
        if username:
            response = self.session.post("/sign-in", data={"identifier": username, "password": DEFAULT_PASSWORD})
            assert response.status_code == 302, f"could not sign in as {username}"

    def connect(self) -> "LocalMember":
        self.socket = server.test_client(self.app, flask_test_client=self.session, headers=self.headers, auth=self.auth)
        if not self.socket.is_connected():
            raise socketio.exceptions.ConnectionError("the server refused the connection")
        return self

    @property
    def connected(self) -> bool:
        return self.socket is not None and self.socket.is_connected()

    def disconnect(self) -> None:
        if self.connected:
            self._collect()
            self.socket.disconnect()

    def _collect(self) -> None:
        """Move what arrived into the record; a closed connection keeps what it got before closing."""
        if self.socket is not None:
            arrived, self.socket.queue = self.socket.queue, []
            self.events.extend((packet["name"], (packet["args"] or [None])[0]) for packet in arrived)

    def call(self, event: str, data=None, timeout: float = 15) -> dict:
        """The ack, at once: the handler runs in this thread (timeout is there for Member's API)."""
        if not self.connected:
            raise socketio.exceptions.BadNamespaceError("/ is not a connected namespace.")
        ack = self.socket.emit(event, data, callback=True)
        self._collect()
        return ack

    def received(self, event: str) -> list:
        self._collect()
        return [data for name, data in self.events if name == event]

    def wait_for(self, event: str, predicate=lambda data: True, timeout: float = 15):
        deadline = time.monotonic() + timeout
        while True:
            for data in self.received(event):
                if predicate(data):
                    return data
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.username or 'client'} did not receive {event}; got {[n for n, _ in self.events]}"
                )
            time.sleep(0.01)

    def wait_until_disconnected(self, timeout: float = 5) -> None:
        deadline = time.monotonic() + timeout
        while self.connected:
            assert time.monotonic() < deadline, f"{self.username or 'client'} is still connected"
            time.sleep(0.01)
