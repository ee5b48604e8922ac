"""`flask search reindex | status | update`, run through the CLI runner."""

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from civicnet.accounts.models import User
from civicnet.accounts.services import find_user_by_username
from civicnet.extensions import db
from civicnet.rooms.messages import delete_message, edit_message, post_message
from civicnet.rooms.models import Message, Room
from civicnet.search import services
from civicnet.search.index import open_index
from civicnet.search.models import SearchChange
from tests.factories import make_room, make_user

STATUS_ROW = re.compile(r"^(person|room|message)\s+(\d+)\s+(\d+)$", re.M)


def index_keys(app) -> set[str]:
    with app.app_context():
        ix = open_index()
        with ix.searcher() as searcher:
            keys = {fields["key"] for fields in searcher.all_stored_fields()}
        ix.close()
    return keys


def database_keys(app) -> set[str]:
    with app.app_context():
        people = db.session.scalars(select(User.id))
        rooms = db.session.scalars(select(Room.id))
        messages = db.session.scalars(select(Message.id).where(Message.deleted_at.is_(None)))
        return {f"person:{i}" for i in people} | {f"room:{i}" for i in rooms} | {f"message:{i}" for i in messages}


def status_rows(output: str) -> dict[str, tuple[int, int]]:
    """`flask search status` rows: {type: (in the index, in the database)}."""
    return {kind: (int(indexed), int(stored)) for kind, indexed, stored in STATUS_ROW.findall(output)}


def pending(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(SearchChange.id)))


def invoke(runner, *args: str) -> str:
    result = runner.invoke(args=["search", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def talk(app):
    """Ada and Bob, a public and a private room, and some messages, one deleted (not indexed yet)."""
    with app.app_context():
        ada, bob = make_user(username="ada"), make_user(username="bob")
        public = make_room(ada, "Open data", tags="Open data")
        private = make_room(ada, "Private notes", kind="private", members=[bob])
        ids = [post_message(public, ada, f"Open data note {n}").id for n in range(4)]
        ids.append(post_message(private, bob, "A private reply").id)
        delete_message(ada, ids[0])
        return ids


def test_reindex_builds_an_index_that_matches_the_database(app, runner, talk):
    output = invoke(runner, "reindex")
    expected = database_keys(app)
    assert len(expected) == 2 + 2 + 4  # the deleted message is not in it
    assert "Indexing people, rooms and messages" in output
    assert f"Indexed {len(expected)} documents." in output
    assert index_keys(app) == expected
    assert pending(app) == 0  # everything waiting is in the new index


def test_reindex_replaces_a_stale_or_damaged_index(app, runner, talk):
    invoke(runner, "reindex")
    path = Path(app.config["SEARCH_INDEX_DIR"])
    with app.app_context():
        # Changes the outbox never heard of (as if written by a bulk UPDATE): only a rebuild notices them.
        db.session.execute(Message.__table__.delete().where(Message.id == talk[1]))
        db.session.execute(SearchChange.__table__.delete())
        db.session.commit()
    assert f"message:{talk[1]}" in index_keys(app)
    invoke(runner, "reindex")
    assert index_keys(app) == database_keys(app) and f"message:{talk[1]}" not in index_keys(app)

    for file in path.iterdir():
        file.write_bytes(b"damaged")
    assert "Indexed 7 documents." in invoke(runner, "reindex")
    assert index_keys(app) == database_keys(app)
    shutil.rmtree(path)
    assert "Indexed 7 documents." in invoke(runner, "reindex")
    assert index_keys(app) == database_keys(app)


def test_status_reports_documents_per_type_and_changes_waiting(app, runner, talk):
    before = invoke(runner, "status")
    assert "The search index is missing or damaged" in before and "flask search reindex" in before
    assert status_rows(before) == {"person": (0, 2), "room": (0, 2), "message": (0, 4)}
    waiting = pending(app)
    assert waiting > 0
    assert re.search(rf"Changes waiting to be indexed: {waiting}, the oldest \d+\.\d s ago", before)

    invoke(runner, "reindex")
    after = invoke(runner, "status")
    assert "missing or damaged" not in after
    assert status_rows(after) == {"person": (2, 2), "room": (2, 2), "message": (4, 4)}
    assert "Changes waiting to be indexed: 0\n" in after

    with app.app_context():
        room = db.session.scalar(select(Room).where(Room.slug == "open-data"))
        post_message(room, find_user_by_username("bob"), "A new note")
    lagging = invoke(runner, "status")
    assert status_rows(lagging)["message"] == (4, 5)
    assert re.search(r"Changes waiting to be indexed: 1, the oldest \d+\.\d s ago", lagging)


def test_update_indexes_the_changes_waiting(app, runner, talk):
    invoke(runner, "reindex")
    with app.app_context():
        room = db.session.scalar(select(Room).where(Room.slug == "open-data"))
        bob = find_user_by_username("bob")
        new = [post_message(room, bob, f"Procurement update {n}").id for n in range(3)]
    assert pending(app) == 3
    assert "Indexed 3 changed documents." in invoke(runner, "update")
    assert pending(app) == 0
    assert index_keys(app) == database_keys(app)
    with app.test_request_context():
        found = services.search(find_user_by_username("ada"), "procurement", type="messages")
        assert sorted(hit.item.id for hit in found.hits["message"]) == new
    assert "Indexed 0 changed documents." in invoke(runner, "update")

    with app.app_context():
        delete_message(find_user_by_username("bob"), new[0])
    assert "Indexed 1 changed documents." in invoke(runner, "update")
    assert f"message:{new[0]}" not in index_keys(app)


def test_update_rebuilds_a_missing_index(app, runner, talk):
    output = invoke(runner, "update")
    assert "Indexed 8 changed documents." in output
    assert index_keys(app) == database_keys(app) and pending(app) == 0


def test_status_counts_stay_right_after_edits_and_deletions(app, runner, talk):
    invoke(runner, "reindex")
    with app.app_context():
        ada = find_user_by_username("ada")
        edit_message(ada, talk[1], "An edited note")
        delete_message(ada, talk[2])
    invoke(runner, "update")
    assert index_keys(app) == database_keys(app)  # the index itself is right
    assert status_rows(invoke(runner, "status"))["message"] == (3, 3)
