"""Guards at the Socket.IO socket: unreadable frames, dead and slow connections, unknown events.

Whatever a client sends, the answer is an error ack or a closed connection with one log line, never a
traceback; and no connection holds the server's memory or greenlets for longer than the ping timeout."""

import contextlib
import json
import logging
import re
import socket
import weakref

from flask import Flask
from socketio import packet

from civicnet.extensions import socketio
from civicnet.realtime import error_ack

log = logging.getLogger(__name__)

MAX_DEPTH = 32  # civicnet's events are flat objects; nothing honest nests deeper than this
MAX_INTEGER_DIGITS = 100  # as python-engineio's own json module (Python itself refuses over 4,300)
MAX_ATTACHMENTS = 10
SEND_BUFFER_BYTES = 128 * 1024  # ample for chat: 1 MB/s to a client 100 ms away
RESERVED_EVENTS = {"connect", "disconnect", "connect_error"}  # sent by clients, these would reach our handlers

# What a client may send in one Engine.IO text frame: close, ping/pong (with "probe" while upgrading),
# upgrade, noop, or a message carrying a Socket.IO packet (whose type is one digit too).
ENGINEIO_FRAME = re.compile(r"[1-356]|[23]probe|4[0-6].*", re.DOTALL)


class BadPacket(ValueError):
    """A frame civicnet cannot read: the connection is closed."""


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise BadPacket("an integer is too long")
    return int(text)


def _too_deep(value) -> bool:
    stack = [(value, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return False


class StrictJSON:
    """The json module for Socket.IO and Engine.IO packets, refusing with a ValueError (never a
    RecursionError) JSON nested deeper than MAX_DEPTH and integers longer than MAX_INTEGER_DIGITS."""

    @staticmethod
    def dumps(value, **kwargs) -> str:
        return json.dumps(value, **kwargs)

    @staticmethod
    def loads(text, **kwargs):
        try:
            value = json.loads(text, parse_int=_integer, **kwargs)
        except RecursionError:
            raise BadPacket("JSON nested too deeply") from None
        # Counting brackets is cheap and spares the walk for nearly every packet.
        if isinstance(text, str) and text.count("[") + text.count("{") > MAX_DEPTH and _too_deep(value):
            raise BadPacket("JSON nested too deeply")
        return value


class Packet(packet.Packet):
    """Socket.IO packets that must have the shape civicnet's handlers expect, or are refused."""

    json = StrictJSON

    def decode(self, encoded_packet):
        attachments = super().decode(encoded_packet)
        if attachments > MAX_ATTACHMENTS:
            raise BadPacket("too many binary attachments")
        if self.packet_type in (packet.EVENT, packet.BINARY_EVENT):
            if not isinstance(self.data, list) or not self.data or not isinstance(self.data[0], str):
                raise BadPacket("an event without a name")
            if self.data[0] in RESERVED_EVENTS:
                raise BadPacket(f"a client may not send {self.data[0]}")
            del self.data[2:]  # civicnet's events take one payload; extra arguments are ignored, as in JS
        elif self.packet_type in (packet.ACK, packet.BINARY_ACK) and not isinstance(self.data, list):
            raise BadPacket("an acknowledgement without arguments")
        return attachments

    def add_attachment(self, attachment):
        if not isinstance(attachment, bytes):
            raise BadPacket("text where a binary attachment was announced")
        try:
            return super().add_attachment(attachment)
        except (IndexError, KeyError, TypeError) as error:
            raise BadPacket(f"a binary placeholder that matches no attachment ({error})") from None


def server_options(app: Flask) -> dict:
    """socketio.init_app arguments for the guards and the ping settings."""
    return {
        "serializer": Packet,
        "json": StrictJSON,
        "ping_interval": app.config["SOCKETIO_PING_INTERVAL"],
        "ping_timeout": app.config["SOCKETIO_PING_TIMEOUT"],
        "max_http_buffer_size": app.config["SOCKETIO_MAX_FRAME_BYTES"],
    }


def install(app: Flask) -> None:
    """Put the guards around the Socket.IO server that socketio.init_app has just built."""
    server = socketio.server
    _guard_packets(server)
    _bound_output(server.eio, app.config["SOCKETIO_MAX_QUEUED_PACKETS"])
    if server.eio.async_mode == "gevent":
        from engineio.async_drivers import gevent as gevent_driver

        if gevent_driver.SimpleWebSocketWSGI is None:  # gevent-websocket serves the WebSockets
            server.eio._async = {**server.eio._async, "websocket": _gevent_websocket_class(gevent_driver)}


def _guard_packets(server) -> None:
    """Close a connection whose packet cannot be read, with one log line instead of a traceback."""
    handle_message = server.eio.handlers["message"]

    def handle_message_guarded(eio_sid, data):
        try:
            return handle_message(eio_sid, data)
        except ValueError as error:  # BadPacket, and python-socketio's own refusals
            log.warning("Closing Socket.IO connection %s: unreadable packet (%s)", eio_sid, str(error)[:200])
            server._binary_packet.pop(eio_sid, None)
            server.eio.disconnect(eio_sid)

    server.eio.on("message", handle_message_guarded)


# The TCP socket under each gevent-websocket connection, to cut off a connection that stopped reading.
_transports: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _bound_output(eio, limit: int) -> None:
    """Disconnect a connection once `limit` packets wait unsent for it, instead of queueing forever."""
    send_packet = eio.send_packet
    dropping: weakref.WeakSet = weakref.WeakSet()

    def send_packet_bounded(sid, pkt):
        connection = eio.sockets.get(sid)
        if connection is not None and connection.queue.qsize() >= limit:
            if connection not in dropping:
                dropping.add(connection)
                log.warning(
                    "Disconnecting Socket.IO connection %s: %d packets wait unsent, it is not reading", sid, limit
                )
                _drop(eio, connection)
            return
        send_packet(sid, pkt)

    eio.send_packet = send_packet_bounded


def _drop(eio, connection) -> None:
    transport = _transports.get(connection)
    if transport is not None:
        # Its reader and writer then fail at once and close the connection in its own greenlet.
        with contextlib.suppress(OSError):  # already closed
            transport.shutdown(socket.SHUT_RDWR)
    else:
        # Not inline: disconnect handlers would run inside the sender's app context.
        eio.start_background_task(connection.close, wait=False, abort=True)


def _gevent_websocket_class(gevent_driver):
    class GeventWebSocket(gevent_driver.WebSocketWSGI):
        """python-engineio's gevent-websocket wrapper, with its TCP socket where engineio looks for it.

        engineio sets a read timeout of ping interval + ping timeout on `ws.socket` or `ws._sock`, but
        gevent-websocket's object has no `settimeout`: a client that went silent (or stopped reading,
        so the writer blocks) kept its connection, reader and writer greenlets and output queue forever."""

        def __init__(self, handler, server):
            super().__init__(handler, server)
            self.connection = handler.__self__  # engineio's Socket, whose _websocket_handler this is

        def __call__(self, environ, start_response):
            websocket = environ.get("wsgi.websocket")
            if websocket is not None:
                self.socket = websocket.handler.socket
                # Linux lets a send buffer grow to 4 MB per connection: a fixed one keeps what the
                # kernel holds for a client that stopped reading small, and our queue's bound meaningful.
                self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
                _transports[self.connection] = self.socket
            return super().__call__(environ, start_response)

        def wait(self):
            frame = super().wait()
            if isinstance(frame, str) and not ENGINEIO_FRAME.fullmatch(frame):
                log.warning("Closing Socket.IO connection %s: unreadable Engine.IO frame", self.connection.sid)
                return None  # engineio closes the connection as if the client had
            return frame

    return GeventWebSocket


@socketio.on("*")
def unknown_event(event: str, *args):
    """Answer an event civicnet has no handler for."""
    return error_ack("invalid", f"Unknown event {event[:64]!r}: see the list of events in the real-time contract")
