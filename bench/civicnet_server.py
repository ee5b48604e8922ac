"""Run civicnet's own `python app.py`, optionally with simple-websocket instead of gevent-websocket.

Usage: python bench/civicnet_server.py [--websocket gevent-websocket|simple-websocket] [--no-persistence]
(everything else, such as DATABASE_URL, HOST and PORT, comes from the environment as usual).

Hiding the gevent-websocket package before app.py runs is the same as uninstalling it: Flask-SocketIO
then serves plain gevent pywsgi and Engine.IO answers WebSocket upgrades through simple-websocket.
civicnet's code is not changed.

--no-persistence is an experiment, not a way to run civicnet: it replaces the posting service with one
that stores nothing and renders nothing (the body is only escaped), so the run shows the ceiling that
civicnet's socket path would reach if persisting and rendering a message cost no CPU at all."""

import argparse
import os
import runpy
import sys
from pathlib import Path

# bench/fanout.py points CIVICNET_ROOT at a snapshot of the working tree, so every run measures one version.
ROOT = Path(os.environ.get("CIVICNET_ROOT") or Path(__file__).resolve().parent.parent)


def skip_persistence() -> None:
    """Swap post_message for a stand-in that builds the message in memory and broadcasts it."""
    from gevent import monkey

    monkey.patch_all()  # before civicnet imports anything, as app.py does

    from html import escape
    from itertools import count

    from sqlalchemy.orm.attributes import set_committed_value

    from civicnet import realtime
    from civicnet.db_types import utcnow
    from civicnet.rooms import messages
    from civicnet.rooms.models import Message
    from civicnet.rooms.payloads import message_payload

    ids = count(1)

    def post_message(room, actor, body, client_id=None, reply_to_id=None):
        message = Message(id=next(ids), body=body, body_html=f"<p>{escape(body)}</p>\n", client_id=client_id)
        message.created_at = utcnow()
        for name, value in (("room", room), ("author", actor), ("reply_to", None)):
            set_committed_value(message, name, value)  # no cascade into the session: nothing is stored
        realtime.emit_to_room(room, "message_posted", message_payload(message))
        return message

    messages.post_message = post_message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--websocket", choices=("gevent-websocket", "simple-websocket"), default="gevent-websocket")
    parser.add_argument("--no-persistence", action="store_true")
    args = parser.parse_args()
    if args.websocket == "simple-websocket":
        for name in ("geventwebsocket", "geventwebsocket.handler", "geventwebsocket.websocket"):
            sys.modules[name] = None
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    sys.argv = [str(ROOT / "app.py")]
    if args.no_persistence:
        skip_persistence()
    runpy.run_path(str(ROOT / "app.py"), run_name="__main__")


if __name__ == "__main__":
    main()
