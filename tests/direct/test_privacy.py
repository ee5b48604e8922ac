"""A direct conversation is a private room in every rule, checked rather than assumed: search finds its
messages for its participants only, the export holds a member's own messages in it, a participant's
report reaches the moderators with the message, the moderator's look is in the access log with its
purpose, and erasure takes a member's blocks and setting with them."""

import json
import zipfile

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from civicnet.access_log import AccessEntry
from civicnet.accounts import blocks
from civicnet.accounts.services import find_user_by_username
from civicnet.datarights import exports, leaving
from civicnet.direct import conversations, rules
from civicnet.direct.models import NOBODY, MessagingSetting
from civicnet.errors import Invalid
from civicnet.extensions import db
from civicnet.notifications.models import Notification
from civicnet.rooms import messages
from civicnet.rooms.titles import title_for
from civicnet.search import indexer
from civicnet.search import services as search
from tests.direct.test_routes import client_of
from tests.factories import make_moderator, make_room, make_user

WORD = "kestrel"
ADA_SAYS = f"The {WORD} nest is behind the library"
GRACE_SAYS = f"I will bring the {WORD} camera"


@pytest.fixture
def pair(app) -> dict:
    """Ada and Grace's conversation, two messages in it; Bob shares a room with both; Moe moderates."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        grace = make_user(username="grace", display_name="Grace Hopper")
        bob = make_user(username="bob", display_name="Bob Okafor")
        make_moderator(username="moe", display_name="Moe Moderator")
        make_room(ada, "Lobby", members=[grace, bob])
        room = conversations.start_conversation(ada, "grace")
        first = messages.post_message(room, ada, ADA_SAYS)
        messages.post_message(room, grace, GRACE_SAYS)
        return {"slug": room.slug, "room_id": room.id, "ada_message": first.id, "ada_id": ada.id}


def index_now() -> None:
    """What the background indexer does, now (it ends the session, as in a server)."""
    indexer.process_pending()
    db.session.remove()


def found(viewer, text: str = WORD, **kwargs) -> search.SearchResults:
    return search.search(viewer, text, **kwargs)


def test_search_finds_a_direct_message_for_its_participants_only(app, pair):
    with app.app_context():
        index_now()
        for name, title in (("ada", "Grace Hopper"), ("grace", "Ada Lovelace")):
            viewer = find_user_by_username(name)
            results = found(viewer, type="messages")
            assert results.counts["messages"] == 2
            assert {str(hit.title) for hit in results.hits["message"]} == {title}  # named as they see it
            facets = {f.name: [o.label for o in f.options] for f in results.facets}
            assert facets["room"] == [title]
            assert found(viewer, "conversation").counts["rooms"] == 0  # a conversation is not a room to find
        for viewer in (find_user_by_username("bob"), find_user_by_username("moe"), AnonymousUserMixin()):
            results = found(viewer)
            assert sum(results.counts.values()) == 0 and results.hits == {}
        with pytest.raises(Invalid, match="that you can read"):
            found(find_user_by_username("bob"), f"in:{pair['slug']}")


def test_the_export_holds_the_members_own_direct_messages_and_not_the_others(app, pair):
    with app.app_context():
        ada = find_user_by_username("ada")
        blocks.block(ada, find_user_by_username("bob"))
        rules.set_allow_from(ada, NOBODY)
        with zipfile.ZipFile(exports.build_file(ada)) as archive:
            data = json.loads(archive.read("data.json"))["sections"]
            everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
        assert ADA_SAYS in {m["body"] for m in data["rooms"]["messages"]}
        assert GRACE_SAYS not in everything  # the other side stays theirs, as in a private room
        assert {"room": pair["slug"], "name": "Direct conversation", "kind": "direct"}.items() <= next(
            row for row in data["rooms"]["rooms"] if row["room"] == pair["slug"]
        ).items()
        direct = data["direct_messages"]
        assert direct["direct_message_setting"] == [{"allow_from": "nobody", "means": "Nobody"}]
        assert [row["username"] for row in direct["blocked_members"]] == ["bob"]
        assert direct["direct_conversations"] == [{"room": pair["slug"], "with": "grace"}]
        with zipfile.ZipFile(exports.build_file(find_user_by_username("bob"))) as archive:
            theirs = json.loads(archive.read("data.json"))["sections"]
            everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
        assert ADA_SAYS not in everything and GRACE_SAYS not in everything
        # Ada's block is Ada's data: Bob's export does not say it.
        assert theirs["direct_messages"]["blocked_members"] == [] and "ada" not in json.dumps(theirs["direct_messages"])


def test_a_participants_report_reaches_the_moderators_and_their_look_is_in_the_access_log(app, pair):
    assert client_of(app, "bob").get(f"/report/message/{pair['ada_message']}").status_code == 404
    grace = client_of(app, "grace")
    page = grace.get(f"/rooms/{pair['slug']}").text
    assert f'href="/report/message/{pair["ada_message"]}"' in page
    sent = grace.post(f"/report/message/{pair['ada_message']}", data={"reason": "harassment", "note": "Not nice"})
    assert sent.status_code == 302 and sent.location == f"/rooms/{pair['slug']}#message-{pair['ada_message']}"
    with app.app_context():
        moe = find_user_by_username("moe")
        [notice] = db.session.scalars(select(Notification).where(Notification.user_id == moe.id)).all()
        assert notice.kind == "moderation_report"
        entries_before = db.session.scalar(select(db.func.count(AccessEntry.id)))
    moderator = client_of(app, "moe")
    queue = moderator.get("/moderation").text
    assert "Message in a direct conversation" in queue and ADA_SAYS not in queue  # read on the item page
    item = moderator.get(f"/moderation/items/message/{pair['ada_message']}")
    assert item.status_code == 200 and ADA_SAYS in item.text
    with app.app_context():
        [entry] = db.session.scalars(select(AccessEntry).order_by(AccessEntry.id.desc()).limit(1)).all()
        assert db.session.scalar(select(db.func.count(AccessEntry.id))) == entries_before + 1
        assert (entry.subject_id, entry.role, entry.purpose, entry.categories) == (
            pair["ada_id"],
            "moderator",
            "report",
            "reports,private_messages",
        )
        assert entry.case_ref.startswith("report #")


def test_a_moderator_looking_without_a_report_is_asked_why_first(app, pair):
    moderator = client_of(app, "moe")
    asked = moderator.get(f"/moderation/items/message/{pair['ada_message']}")
    assert asked.status_code == 302 and "/access/purpose?member=ada" in asked.location
    assert moderator.get(f"/rooms/{pair['slug']}").status_code == 404  # and never the conversation itself


def test_erasure_takes_the_members_blocks_and_setting_and_the_conversation_goes_on_without_them(app, pair):
    with app.app_context():
        ada, grace, bob = (find_user_by_username(name) for name in ("ada", "grace", "bob"))
        blocks.block(grace, bob)
        blocks.block(bob, grace)
        blocks.block(ada, bob)
        rules.set_allow_from(grace, NOBODY)
        leaving.erase(grace)
        db.session.expire_all()
        assert [user.username for user, _ in blocks.blocked_by(ada)] == ["bob"]
        assert blocks.blocked_by(bob) == [] and db.session.get(MessagingSetting, grace.id) is None
        room = conversations.find_conversation([ada.id, grace.id])
        assert title_for(ada, room) == "Former member"
