"""Create the benchmark's members, their tokens and the public room "bench" (all of them members) in a fresh
civicnet database.

Usage: DATABASE_URL=sqlite:////tmp/x.db SECRET_KEY=... python bench/seed.py RECEIVERS
Run `flask --app app db upgrade` on that database first. Prints JSON: {"room", "sender", "receivers"}.
It calls the same services as `flask users create`, `flask tokens create` and joining a room, in one
process, because hundreds of separate CLI runs would take minutes."""

import json
import os
import sys
from pathlib import Path

# bench/fanout.py points CIVICNET_ROOT at a snapshot of the working tree, so every run measures one version.
ROOT = Path(os.environ.get("CIVICNET_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))

from civicnet.accounts.access_tokens import create_token  # noqa: E402
from civicnet.accounts.services import register_user  # noqa: E402
from civicnet.extensions import db  # noqa: E402
from civicnet.factory import create_app  # noqa: E402
from civicnet.rooms.services import RoomDetails, create_room, join_room  # noqa: E402

PASSWORD = "bench passphrase one"


def member(username: str):
    """Create a member whose email address counts as confirmed, as `flask users create` does."""
    return register_user(
        username=username,
        email=f"{username}@example.org",
        display_name=username,
        password=PASSWORD,
        verified=True,
    )


def main() -> None:
    receivers = int(sys.argv[1])
    app = create_app()
    with app.app_context():
        sender = member("bench-sender")
        room = create_room(sender, RoomDetails(name="Bench"))
        tokens = {"room": room.slug, "sender": create_token(sender, "bench")[1], "receivers": []}
        for number in range(1, receivers + 1):
            receiver = member(f"bench-{number:03d}")
            join_room(receiver, room)
            tokens["receivers"].append(create_token(receiver, "bench")[1])
        # Close every connection, so SQLite folds its write-ahead log into the file the bench copies.
        db.engine.dispose()
    print(json.dumps(tokens))


if __name__ == "__main__":
    main()
