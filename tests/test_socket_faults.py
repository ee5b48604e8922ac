"""Faults at the socket, against a real server process: bad frames, binary values, unknown events,
clients that went silent and clients that stopped reading."""

import json
import re
import selectors
import socket
import time

import pytest
import websocket

from tests.factories import make_room, make_user
from tests.servers import signed_in_session


class RawSocket:
    """A signed-in WebSocket speaking Engine.IO and Socket.IO by hand, to send what no library would."""

    def __init__(self, server, username: str, receive_buffer: int | None = None, session=None):
        session = session or signed_in_session(server.url, username)
        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        options = ((socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer),) if receive_buffer else ()
        self.ws = websocket.create_connection(
            server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
            header=[f"Cookie: {cookie}"],
            timeout=5,
            sockopt=options,
        )
        assert self.ws.recv().startswith("0{")  # Engine.IO OPEN
        self.ws.send("40")
        assert self.next_packet().startswith("0{")  # Socket.IO CONNECT accepted
        self._ids = 0

    def next_packet(self) -> str:
        """The next Socket.IO packet, answering Engine.IO pings on the way."""
        while True:
            frame = self.ws.recv()
            if frame == "2":
                self.ws.send("3")
            elif frame.startswith("4"):
                return frame[1:]
            else:
                raise AssertionError(f"unexpected frame {frame!r}")

    def call(self, event: str, data) -> dict:
        self._ids += 1
        self.ws.send(f"42{self._ids}" + json.dumps([event, data]))
        while True:
            packet = self.next_packet()
            if packet.startswith(f"3{self._ids}["):
                return json.loads(packet[len(str(self._ids)) + 1 :])[0]

    def closed_by_server(self, within: float) -> bool:
        """True once the server has closed the TCP connection (EOF), reading whatever came before."""
        raw = self.ws.sock
        deadline = time.monotonic() + within
        try:
            while (remaining := deadline - time.monotonic()) > 0:
                raw.settimeout(remaining)
                if raw.recv(65536) == b"":
                    return True
        except TimeoutError:
            return False
        except ConnectionResetError:
            return True
        return False


def _log_lines_after(server, offset: int) -> list[str]:
    """Log lines written since `offset`, without the HTTP access log."""
    return [line for line in server.log()[offset:].splitlines() if not re.match(r"^127\.0\.0\.1 - ", line)]


@pytest.fixture
def room(app):
    with app.app_context():
        ada = make_user(username="ada")
        return make_room(ada, "Open data", members=[make_user(username="bob")]).slug


def test_binary_values_get_an_invalid_ack(server, room, members):
    ada = members(server.url, "ada").connect()
    ada.call("join_room", {"room": room})
    answer = ada.call("send_message", {"room": room, "body": b"\x00\x01binary", "client_id": "b1"})
    assert answer == {"ok": False, "error": {"code": "invalid", "message": "body is missing or has the wrong type"}}
    # Bytes in a field the event does not use are refused too, not a server error.
    answer = ada.call("send_message", {"room": room, "body": "hello", "client_id": "b2", "extra": b"\x00"})
    assert answer["error"]["code"] == "invalid"
    assert "Traceback" not in server.log()


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"body": "hello", "client_id": "c1", "reply_to": 10**30}, "invalid"),
        ({"body": "nul\x00here", "client_id": "c2"}, "invalid"),
        ({"body": "lone \ud800 surrogate", "client_id": "c3"}, "invalid"),
        ({"body": "x" * 3000, "client_id": "c4", "padding": "y" * 20_000}, "payload_too_large"),
    ],
)
def test_values_no_database_can_store_get_an_error_ack(server, room, members, fields, code):
    ada = members(server.url, "ada").connect()
    answer = ada.call("send_message", {"room": room, **fields})
    assert answer["ok"] is False and answer["error"]["code"] == code
    assert "Traceback" not in server.log()


def test_a_long_message_in_any_script_is_not_too_large(server, room, members):
    # The 16 KB limit counts bytes as sent: 4,000 non-Latin characters fit (escaped they would not).
    ada = members(server.url, "ada").connect()
    answer = ada.call("send_message", {"room": room, "body": "数" * 4000, "client_id": "cjk"})
    assert answer["ok"], answer


def test_unknown_events_get_an_error_ack(server, room, members):
    ada = members(server.url, "ada").connect()
    answer = ada.call("no_such_event", {"room": room})
    assert answer == {
        "ok": False,
        "error": {
            "code": "invalid",
            "message": "Unknown event 'no_such_event': see the list of events in the real-time contract",
        },
    }
    assert ada.call("join_room", {"room": room})["ok"]


BAD_FRAMES = {
    "bad JSON": '42["send_message", {"room": ',
    "an event without a name": "42[]",
    "an event named by a number": "42[5]",
    "an event named by an object": '42[{"a": 1}]',
    "an event that is an object": '42{"a": 1}',
    "an event with no data": "421",
    "50,000-deep arrays": "42" + "[" * 50_000 + "]" * 50_000,
    "20,000-deep arrays": '42["join_room",' + "[" * 20_000 + "]" * 20_000 + "]",
    "100-deep objects": '42["join_room",' + '{"a":' * 100 + "1" + "}" * 100 + "]",
    "a 5,000-digit integer": '421["join_room",{"room":"x","after_id":' + "9" * 5000 + "}]",
    "a client-sent disconnect event": '42["disconnect"]',
    "an unknown Socket.IO packet type": "49[]",
    "an unknown Engine.IO packet type": "9",
    "text that is no Engine.IO packet": "hello",
    "an Engine.IO message that is JSON": "4" + "[" * 20_000 + "]" * 20_000,
    "a binary attachment nobody announced": b"\x00\x01\x02",
    "too many attachments": '4511-["join_room",{"_placeholder":true,"num":0}]',
}


@pytest.mark.parametrize("frame", BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
def test_a_malformed_frame_closes_that_connection_with_one_log_line(server, room, members, frame):
    bystander = members(server.url, "bob").connect()
    assert bystander.call("join_room", {"room": room})["ok"]
    raw = RawSocket(server, "ada")
    offset = len(server.log())
    if isinstance(frame, bytes):
        raw.ws.send_binary(frame)
    else:
        raw.ws.send(frame)
    assert raw.closed_by_server(within=5)
    # The server keeps serving everyone else.
    sent = bystander.call("send_message", {"room": room, "body": "still here", "client_id": f"s{offset}"})
    assert sent["ok"], sent
    lines = _log_lines_after(server, offset)
    assert len(lines) <= 1, lines
    assert "Traceback" not in server.log()


def test_announced_attachments_that_never_come_hold_nothing_else_up(server, room, members):
    raw = RawSocket(server, "ada")
    body = {"_placeholder": True, "num": 0}
    raw.ws.send("451-" + json.dumps(["send_message", {"room": room, "body": body, "client_id": "z"}]))
    bystander = members(server.url, "bob").connect()
    assert bystander.call("join_room", {"room": room})["ok"]
    offset = len(server.log())
    # Text where the attachment should be: the connection is closed, the server goes on.
    raw.ws.send("42" + json.dumps(["join_room", {"room": room}]))
    assert raw.closed_by_server(within=5)
    assert bystander.call("send_message", {"room": room, "body": "on", "client_id": "on"})["ok"]
    assert len(_log_lines_after(server, offset)) <= 1
    assert "Traceback" not in server.log()


def test_a_binary_attachment_is_read_and_refused_as_invalid(server, room):
    raw = RawSocket(server, "ada")
    body = {"_placeholder": True, "num": 0}
    raw.ws.send("451-7" + json.dumps(["send_message", {"room": room, "body": body, "client_id": "z"}]))
    raw.ws.send_binary(b"\x00binary body")
    packet = raw.next_packet()
    assert packet.startswith("37[")
    assert json.loads(packet[2:])[0]["error"]["code"] == "invalid"


@pytest.fixture
def quick_pings(start_server):
    return start_server(SOCKETIO_PING_INTERVAL="1", SOCKETIO_PING_TIMEOUT="1")


def _closed_at(raws: list[RawSocket], within: float) -> dict[RawSocket, float]:
    """When the server closed each connection (EOF on its TCP socket), watching them all at once."""
    selector = selectors.DefaultSelector()
    for raw in raws:
        raw.ws.sock.setblocking(False)
        selector.register(raw.ws.sock, selectors.EVENT_READ, raw)
    closed = {}
    deadline = time.monotonic() + within
    while len(closed) < len(raws) and (remaining := deadline - time.monotonic()) > 0:
        for key, _ in selector.select(remaining):
            try:
                data = key.fileobj.recv(65536)
            except ConnectionResetError:
                data = b""
            if data == b"":
                closed[key.data] = time.monotonic()
                selector.unregister(key.fileobj)
    return closed


def test_clients_that_stop_answering_pings_are_dropped_within_the_ping_timeout(quick_pings, room, members):
    server = quick_pings
    live = members(server.url, "bob").connect()  # answers every ping: must stay
    assert live.call("join_room", {"room": room})["ok"]
    session = signed_in_session(server.url, "ada")
    silent, silent_since = [], {}
    for _ in range(20):
        raw = RawSocket(server, "ada", session=session)
        assert raw.call("join_room", {"room": room})["ok"]
        silent.append(raw)
        silent_since[raw] = time.monotonic()  # from here on it neither answers pings nor sends anything
    limit = 1 + 1 + 1.5  # ping interval + ping timeout + a margin for a loaded machine
    closed = _closed_at(silent, within=limit + 5)
    assert len(closed) == len(silent), f"{len(silent) - len(closed)} silent connections still open"
    slowest = max(closed[raw] - silent_since[raw] for raw in silent)
    assert slowest < limit, f"a silent connection was dropped only after {slowest:.1f} s"
    # Every one of Ada's connections went, so the room heard she left; Bob, answering pings, stayed.
    live.wait_for("member_left", lambda data: data["user"]["username"] == "ada")
    assert live.client.connected
    assert live.call("send_message", {"room": room, "body": "still here", "client_id": "live"})["ok"]
    assert "Traceback" not in server.log()


def test_a_client_that_stops_reading_is_disconnected_not_buffered(start_server, room, members):
    server = start_server(SOCKETIO_MAX_QUEUED_PACKETS="50")
    sender = members(server.url, "bob").connect()
    assert sender.call("join_room", {"room": room})["ok"]
    reader = RawSocket(server, "ada", receive_buffer=4096)
    assert reader.call("join_room", {"room": room})["ok"]
    sender.wait_for("member_joined", lambda data: data["user"]["username"] == "ada")
    # From here on Ada reads nothing while the room floods.
    body = "flood " * 600
    for n in range(1000):
        assert sender.call("send_message", {"room": room, "body": body, "client_id": f"f{n}"})["ok"]
        if any(data["user"]["username"] == "ada" for data in sender.received("member_left")):
            break
    else:
        raise AssertionError("a client that never reads was still connected after 1,000 messages")
    assert n < 500, f"disconnected only after {n} messages"
    assert reader.closed_by_server(within=5)
    log = server.log()
    assert log.count("packets wait unsent") == 1
    assert "Traceback" not in log
