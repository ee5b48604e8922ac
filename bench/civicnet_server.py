"""Run civicnet's own `python app.py` for the benchmark, optionally with posting stubbed out.

Usage: python bench/civicnet_server.py [--no-persistence]
(everything else, such as DATABASE_URL, HOST and PORT, comes from the environment as usual).

--no-persistence is an experiment, not a way to run civicnet: it replaces the posting service with one
that stores nothing and renders nothing (the body is only escaped), so the run shows the ceiling that
civicnet's socket path would reach if persisting and rendering a message cost no CPU at all."""

import argparse
import inspect
import os
import runpy
import sys
from pathlib import Path

# bench/fanout.py points CIVICNET_ROOT at a snapshot of civicnet, so every run measures one version.
ROOT = Path(os.environ.get("CIVICNET_ROOT") or Path(__file__).resolve().parent.parent)
NEEDED = ("room", "actor", "body", "client_id")  # what the stand-in reads from the real service's arguments


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

    real = inspect.signature(messages.post_message)
    if missing := [name for name in NEEDED if name not in real.parameters]:
        sys.exit(f"--no-persistence: civicnet's post_message no longer takes {', '.join(missing)}; update the stand-in")
    ids = count(1)

    def post_message(*args, **kwargs):
        # Whatever the real service takes: read the arguments by name through its own signature.
        given = real.bind(*args, **kwargs).arguments
        room, actor, body = given["room"], given["actor"], given["body"]
        message = Message(id=next(ids), body=body, body_html=f"<p>{escape(body)}</p>\n", client_id=given["client_id"])
        message.created_at = utcnow()
        for name, value in (("room", room), ("author", actor), ("reply_to", None)):
            set_committed_value(message, name, value)  # no cascade into the session: nothing is stored
        realtime.emit_to_room(room, "message_posted", message_payload(message))
        return message

    messages.post_message = post_message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-persistence", action="store_true")
    args = parser.parse_args()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    sys.argv = [str(ROOT / "app.py")]
    if args.no_persistence:
        skip_persistence()
    runpy.run_path(str(ROOT / "app.py"), run_name="__main__")


if __name__ == "__main__":
    main()
