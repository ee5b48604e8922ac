"""A bare Flask-SocketIO relay under gevent: civicnet's fan-out without the database and the checks.

Usage: python bench/flask_relay.py --port 5002 [--websocket gevent-websocket|simple-websocket]

With --websocket simple-websocket, the gevent-websocket package is hidden before Flask-SocketIO is
imported, so Flask-SocketIO serves plain gevent pywsgi and Engine.IO falls back to simple-websocket."""

import argparse
import sys


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--websocket", choices=("gevent-websocket", "simple-websocket"), default="gevent-websocket")
    return parser.parse_args()


def hide_gevent_websocket() -> None:
    """Make `import geventwebsocket` fail, as if the package were not installed."""
    for name in ("geventwebsocket", "geventwebsocket.handler", "geventwebsocket.websocket"):
        sys.modules[name] = None


def main() -> None:
    args = parse_args()
    if args.websocket == "simple-websocket":
        hide_gevent_websocket()

    # Patch before anything imports socket or threading, as app.py does.
    from gevent import monkey

    monkey.patch_all()

    from datetime import UTC, datetime
    from itertools import count

    from flask import Flask
    from flask_socketio import SocketIO, emit
    from flask_socketio import join_room as enter_room

    app = Flask(__name__)
    app.config["SECRET_KEY"] = "bench-relay"
    socketio = SocketIO(app, async_mode="gevent", cors_allowed_origins=None)
    ids = count(1)

    @socketio.on("join_room")
    def on_join_room(data):
        """Follow a room live."""
        enter_room(f"room:{data['room']}")
        return {"ok": True, "room": {"slug": data["room"]}, "messages": []}

    @socketio.on("send_message")
    def on_send_message(data):
        """Relay a message to everyone following the room."""
        # The same keys as civicnet's message_payload, so every server sends comparable bytes.
        message = {
            "id": next(ids),
            "room": data["room"],
            "author": {"username": "sender", "display_name": "sender", "role": "citizen", "verified": False},
            "body_html": f"<p>{data['body']}</p>\n",
            "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "edited_at": None,
            "client_id": data["client_id"],
            "reply_to": None,
        }
        emit("message_posted", message, to=f"room:{data['room']}")
        return {"ok": True, "message": message}

    print(f"flask relay ({args.websocket}) listening on 127.0.0.1:{args.port}", flush=True)
    socketio.run(app, host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
