"""A bare Flask-SocketIO relay under gevent: civicnet's fan-out without the database and the checks.

Usage: python bench/flask_relay.py --port 5002   (listens on 127.0.0.1 only)"""

import argparse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()

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
            "author": {
                "username": "sender",
                "display_name": "sender",
                "role": "citizen",
                "verified": False,
                "organisation": None,
            },
            "body_html": f"<p>{data['body']}</p>\n",
            "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "edited_at": None,
            "client_id": data["client_id"],
            "reply_to": None,
            "speaking_for": None,
            "hidden": False,
            "held": False,
        }
        emit("message_posted", message, to=f"room:{data['room']}")
        return {"ok": True, "message": message}

    print(f"flask relay listening on 127.0.0.1:{args.port}", flush=True)
    socketio.run(app, host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
