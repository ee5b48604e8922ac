"""Every change search follows reaches the index once index_now() runs; a rebuild gives the same index
as live indexing; a missing or damaged index is rebuilt; status() and the outbox tell the truth."""

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import inspect, select
from whoosh import query as wq

from civicnet.accounts import services as accounts
from civicnet.db_types import utcnow
from civicnet.errors import Invalid
from civicnet.extensions import db
from civicnet.moderation import filters
from civicnet.moderation import records as tag_records
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.profiles import services as profiles
from civicnet.profiles.models import MEMBERS, PUBLIC
from civicnet.rooms import messages
from civicnet.rooms import services as rooms
from civicnet.search import build, changes, indexer, services
from civicnet.search.index import ANALYZER, index_dir, open_index, writer_lock
from civicnet.search.models import MESSAGE, PERSON, ROOM, TECHNOLOGY, SearchChange
from civicnet.tags import services as tag_services
from tests.factories import make_moderator, make_room, make_user, make_verified

ANONYMOUS = AnonymousUserMixin()


def keeping_objects(run):
    """The indexer ends the session when it finishes: put this test's objects back in a new one, to be
    read afresh there (expired first, so that nothing stale, such as a merged tag, comes back with them)."""
    kept = [obj for obj in db.session.identity_map.values() if not inspect(obj).was_deleted]
    db.session.expire_all()
    result = run()
    for obj in kept:
        db.session.add(obj)
    return result


@pytest.fixture
def index_now(index_now):
    return lambda: keeping_objects(index_now)


def rebuild() -> int:
    return keeping_objects(indexer.rebuild)


# What the index holds, read with a searcher of its own (services caches one between searches).


def indexed(query: wq.Query | None = None) -> set[str]:
    """Keys of the live documents matching a Whoosh query (all of them without one)."""
    ix = open_index()
    try:
        with ix.searcher() as searcher:
            if query is None:
                return {fields["key"] for fields in searcher.all_stored_fields()}
            return {searcher.stored_fields(n)["key"] for n in searcher.docs_for_query(query)}
    finally:
        ix.close()


def words(text: str) -> wq.Query:
    """The documents containing every word of text, in any searched field."""
    stems = [token.text for token in ANALYZER(text)]
    return wq.And([wq.Or([wq.Term(f, stem) for f in build.WORD_FIELDS]) for stem in stems])


def term(field: str, value: str) -> wq.Query:
    return wq.Term(field, value)


def key(kind: str, obj) -> str:
    return f"{kind}:{obj.id}"


def outbox() -> set[tuple[str, int]]:
    return {(c.kind, c.object_id) for c in db.session.scalars(select(SearchChange))}


def search_keys(viewer, text: str, tab: str) -> set[str]:
    kind = {"people": PERSON, "rooms": ROOM, "messages": MESSAGE}[tab]
    found = services.search(viewer, text, type=tab)
    return {f"{kind}:{hit.item.id}" for hit in found.hits.get(kind, [])}


@pytest.fixture
def town(ctx, index_now):
    """An author and a moderator, an open room and a private one, and an index that is up to date."""
    author = make_user(username="author", bio="Cycling advocate", region="London", help_tags="Transport")
    moderator = make_moderator(username="keeper")
    square = make_room(author, name="Town square", description="Anything local", open_to_public=True, tags="Transport")
    back_room = make_room(author, name="Back room", kind="private")
    index_now()
    assert outbox() == set()
    return author, moderator, square, back_room


# Messages


def test_a_posted_message_reaches_the_index_and_its_outbox_row_is_removed(town, index_now):
    author, _, square, _ = town
    message = messages.post_message(square, author, "Potholes on the high street")
    assert outbox() == {(MESSAGE, message.id)}
    assert indexed(words("potholes")) == set()
    assert index_now() == 1
    assert outbox() == set()
    assert indexed(words("potholes")) == {key(MESSAGE, message)}
    assert indexed(term("author", str(author.id)) & term("room", str(square.id))) == {key(MESSAGE, message)}
    assert search_keys(ANONYMOUS, "potholes", "messages") == {key(MESSAGE, message)}


def test_an_edited_message_is_found_by_its_new_words_not_its_old_ones(town, index_now):
    author, _, square, _ = town
    message = messages.post_message(square, author, "Potholes on the high street")
    index_now()
    messages.edit_message(author, message.id, "Streetlights on the high street")
    assert outbox() == {(MESSAGE, message.id)}
    assert indexed(words("potholes")) == {key(MESSAGE, message)}  # not yet
    index_now()
    assert indexed(words("potholes")) == set()
    assert indexed(words("streetlights")) == {key(MESSAGE, message)}
    assert search_keys(author, "potholes", "messages") == set()
    assert services.search(author, "potholes").counts["messages"] == 0
    assert search_keys(author, "streetlights", "messages") == {key(MESSAGE, message)}


def test_a_deleted_message_leaves_the_index(town, index_now):
    author, _, square, _ = town
    deleted = messages.post_message(square, author, "Potholes everywhere")
    kept = messages.post_message(square, author, "Potholes fixed")
    index_now()
    messages.delete_message(author, deleted.id)
    index_now()
    assert indexed(words("potholes")) == {key(MESSAGE, kept)}
    assert services.search(author, "potholes").counts["messages"] == 1


def hide(moderator, message) -> None:
    take_action(
        moderator, ActionRequest(kind="hide_message", reason="respect", item_type="message", item_id=message.id)
    )


def test_a_message_a_moderator_hides_leaves_the_index_and_returns_when_restored(town, index_now):
    author, moderator, square, _ = town
    message = messages.post_message(square, author, "Potholes everywhere")
    index_now()
    hide(moderator, message)
    assert outbox() == {(MESSAGE, message.id)}
    index_now()
    assert indexed(words("potholes")) == set()
    take_action(
        moderator, ActionRequest(kind="restore_message", reason="no_breach", item_type="message", item_id=message.id)
    )
    index_now()
    assert indexed(words("potholes")) == {key(MESSAGE, message)}
    assert search_keys(ANONYMOUS, "potholes", "messages") == {key(MESSAGE, message)}


def test_a_message_held_by_the_word_filter_is_indexed_only_once_a_moderator_approves_it(town, index_now):
    author, moderator, square, _ = town
    filters.add_word(moderator, "crypto", "hold")
    message = messages.post_message(square, author, "Crypto potholes")
    index_now()
    assert indexed(words("potholes")) == set()
    take_action(moderator, ActionRequest(kind="dismiss", reason="no_breach", item_type="message", item_id=message.id))
    index_now()
    assert indexed(words("potholes")) == {key(MESSAGE, message)}
    assert search_keys(author, "potholes", "messages") == {key(MESSAGE, message)}


def test_editing_a_message_into_one_the_word_filter_holds_takes_it_out_of_the_index(town, index_now):
    author, moderator, square, _ = town
    filters.add_word(moderator, "crypto", "hold")
    message = messages.post_message(square, author, "Potholes")
    index_now()
    assert indexed(words("potholes")) == {key(MESSAGE, message)}
    messages.edit_message(author, message.id, "Potholes and crypto")
    index_now()
    assert indexed(words("potholes")) == set()


# People


def test_a_profile_edit_reaches_every_searched_field(town, index_now):
    author, _, _, _ = town
    profiles.update_profile(
        author,
        author,
        profiles.ProfileChanges(
            display_name="Rosalind Quill",
            organisation="Harbour Trust",
            job_title="Lock keeper",
            region="Wales",
            bio="Canals and towpaths",
            help_tags="Waterways",
            learn_tags="Heritage",
        ),
    )
    assert outbox() >= {(PERSON, author.id)}
    index_now()
    person = key(PERSON, author)
    for text in ("Rosalind", "Harbour Trust", "lock keeper", "towpaths", "waterways", "heritage"):
        assert indexed(words(text)) == {person}, text
    for text in ("cycling", "advocate"):
        assert person not in indexed(words(text)), text
    assert indexed(term("region", "Wales")) == {person}
    assert indexed(term("tags", "waterways")) == {person}
    assert indexed(term("tags", "heritage")) == {person}
    assert person not in indexed(term("tags", "transport"))
    assert search_keys(ANONYMOUS, "towpaths", "people") == {person}
    assert search_keys(ANONYMOUS, "tag:heritage", "people") == {person}


def test_making_a_profile_members_only_hides_it_from_visitors_once_indexed(town, index_now):
    author, _, _, _ = town
    other = make_user(username="other", bio="Cycling too")
    profiles.update_profile(author, author, profiles.ProfileChanges(display_name="Author", visibility=MEMBERS))
    profiles.update_profile(other, other, profiles.ProfileChanges(display_name="Other", bio="Cycling too"))
    index_now()
    assert indexed(term("access", "members")) == {key(PERSON, author)}
    assert search_keys(ANONYMOUS, "author", "people") == set()
    assert search_keys(other, "author", "people") == {key(PERSON, author)}


def test_making_a_profile_public_again_shows_it_to_visitors(town, index_now):
    author, _, _, _ = town
    profiles.update_profile(author, author, profiles.ProfileChanges(display_name="Author", visibility=MEMBERS))
    index_now()
    assert key(PERSON, author) not in indexed(term("access", "open"))
    profiles.update_profile(author, author, profiles.ProfileChanges(display_name="Author", visibility=PUBLIC))
    index_now()
    assert key(PERSON, author) in indexed(term("access", "open"))
    assert services.search(ANONYMOUS, "author").counts["people"] == 1


def test_a_role_change_and_a_verification_reach_the_index(town, index_now):
    author, _, _, _ = town
    servant = make_verified(username="servant", bio="Highways")
    accounts.set_role(None, author, "public_servant")
    index_now()
    assert indexed(term("role", "public_servant")) == {key(PERSON, author), key(PERSON, servant)}
    assert search_keys(ANONYMOUS, "is:verified", "people") == {key(PERSON, servant)}
    assert search_keys(ANONYMOUS, "role:public-servant", "people") == {key(PERSON, author), key(PERSON, servant)}


def test_a_verification_ending_reaches_the_index(town, index_now):
    servant = make_verified(username="servant", bio="Highways")
    index_now()
    assert indexed(wq.Every("verified_until")) == {key(PERSON, servant)}
    servant.verified_until = servant.verified_organisation = None  # as civicnet.verification.end leaves it
    db.session.commit()
    index_now()
    assert indexed(wq.Every("verified_until")) == set()
    assert services.search(ANONYMOUS, "highways is:verified").counts["people"] == 0


def test_a_suspension_and_its_lifting_reach_the_index(town, index_now):
    author, _, _, _ = town
    accounts.suspend_user(None, author, "Spam", until=utcnow() + timedelta(days=3))
    index_now()
    assert indexed(wq.Every("suspended_until")) == {key(PERSON, author)}
    accounts.lift_suspension(None, author)
    index_now()
    assert indexed(wq.Every("suspended_until")) == set()
    assert search_keys(ANONYMOUS, "cycling", "people") == {key(PERSON, author)}


# Tags


def test_renaming_a_tag_reindexes_the_people_and_rooms_that_hold_it(town, index_now):
    author, moderator, square, _ = town
    learner = make_user(username="learner", learn_tags="transport")
    index_now()
    tag = tag_services.get_tag("transport")
    tag_records.rename_tag(moderator, tag, "Public transport", "housekeeping")
    index_now()
    holders = {key(PERSON, author), key(PERSON, learner), key(ROOM, square)}
    assert indexed(term("tags", "public-transport")) == holders
    assert indexed(term("tags", "transport")) == set()
    assert indexed(words('"public transport"')) == holders
    found = services.search(learner, "tag:public-transport")
    assert found.counts == {"people": 2, "rooms": 1, "messages": 0, "technology": 0}
    with pytest.raises(Invalid, match="There is no skill tag called “transport”"):
        services.search(learner, "tag:transport")


def test_merging_tags_reindexes_everyone_and_every_room_that_held_either(town, index_now):
    author, moderator, square, _ = town
    both = make_user(username="both", help_tags="Buses, Transport")
    bus_fan = make_user(username="busfan", learn_tags="Buses")
    bus_room = make_room(bus_fan, name="Bus stop", tags="Buses")
    index_now()
    tag_records.merge_tags(moderator, tag_services.get_tag("buses"), tag_services.get_tag("transport"), "housekeeping")
    index_now()
    expected = {key(PERSON, author), key(PERSON, both), key(PERSON, bus_fan), key(ROOM, square), key(ROOM, bus_room)}
    assert indexed(term("tags", "transport")) == expected
    assert indexed(term("tags", "buses")) == set()
    assert indexed(words("buses")) == set()
    found = services.search(moderator, "tag:transport")
    assert found.counts == {"people": 3, "rooms": 2, "messages": 0, "technology": 0}


# Rooms


def test_a_room_edit_reaches_the_index(town, index_now):
    author, _, square, _ = town
    rooms.update_room(
        author,
        square,
        rooms.RoomDetails(name="Market square", description="Stalls and fairs", open_to_public=True, tags="Markets"),
    )
    assert (ROOM, square.id) in outbox()
    index_now()
    room = key(ROOM, square)
    assert indexed(words("market stalls")) == {room}
    assert indexed(words("town")) == set()
    assert indexed(term("tags", "markets")) == {room}
    assert room not in indexed(term("tags", "transport"))
    assert search_keys(ANONYMOUS, "fairs", "rooms") == {room}


def test_a_moderators_room_edit_reaches_the_index(town, index_now):
    _, moderator, square, _ = town
    take_action(
        moderator,
        ActionRequest(
            kind="edit_room",
            reason="on_topic",
            item_type="room",
            item_id=square.id,
            name="Village green",
            description="",
        ),
    )
    index_now()
    assert indexed(words("village green")) == {key(ROOM, square)}
    assert indexed(words("anything local")) == set()


def test_closing_a_room_to_visitors_reindexes_its_messages_and_opening_it_again_shows_them(town, index_now):
    author, _, square, _ = town
    posted = {key(MESSAGE, messages.post_message(square, author, f"Potholes {n}")) for n in range(3)}
    index_now()
    assert indexed(term("access", "open") & words("potholes")) == posted
    details = rooms.RoomDetails(name="Town square", description="Anything local", tags="Transport")
    rooms.update_room(author, square, details)
    assert ("room_messages", square.id) in outbox()
    index_now()
    assert indexed(term("access", "members") & words("potholes")) == posted
    assert key(ROOM, square) in indexed(term("access", "members"))
    details.open_to_public = True
    rooms.update_room(author, square, details)
    index_now()
    assert indexed(term("access", "open") & words("potholes")) == posted
    assert search_keys(ANONYMOUS, "potholes", "messages") == posted


def test_closing_a_room_to_visitors_hides_it_and_its_messages_from_them(town, index_now):
    author, _, square, _ = town
    messages.post_message(square, author, "Potholes")
    rooms.update_room(author, square, rooms.RoomDetails(name="Town square", description="Anything local"))
    index_now()
    assert services.search(ANONYMOUS, "potholes").counts == {"people": 0, "rooms": 0, "messages": 0, "technology": 0}
    assert services.search(ANONYMOUS, "town square").counts["rooms"] == 0
    assert services.search(author, "potholes").counts["messages"] == 1


def test_membership_changes_need_no_reindexing(town, index_now):
    author, _, _, back_room = town
    guest = make_user(username="guest")
    message = messages.post_message(back_room, author, "Potholes plan")
    index_now()
    assert search_keys(guest, "potholes", "messages") == set()
    rooms.add_member(author, back_room, "guest")
    assert outbox() == set()
    assert search_keys(guest, "potholes", "messages") == {key(MESSAGE, message)}
    rooms.remove_member(author, back_room, guest)
    assert outbox() == set()
    assert search_keys(guest, "potholes", "messages") == set()
    assert services.search(guest, "potholes").counts["messages"] == 0


# Rebuilding gives the index live indexing gave


def index_contents() -> dict:
    """Each (field, term) with the keys of the live documents holding it: the whole index, comparably."""
    contents = {}
    ix = open_index()
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            keys = {n: searcher.stored_fields(n)["key"] for n in reader.all_doc_ids()}
            for field in ix.schema.names():
                for btext in reader.lexicon(field):
                    holders = {keys[n] for n in reader.postings(field, btext).all_ids() if not reader.is_deleted(n)}
                    if holders:
                        contents[(field, btext)] = holders
    finally:
        ix.close()
    return contents


def searches(viewers) -> dict:
    answers = {}
    for name, viewer in viewers.items():
        for text in ("potholes", "cycling", "tag:transport", "from:author", "in:town-square", "budget -crypto"):
            for tab in ("people", "rooms", "messages"):
                try:
                    found = services.search(viewer, text, type=tab)
                except Invalid as error:
                    answers[(name, text, tab)] = error.message
                    continue
                hits = {hit.item.id for kind_hits in found.hits.values() for hit in kind_hits}
                for page in range(2, found.pages + 1):  # every page: ties may be ordered differently
                    later = services.search(viewer, text, type=tab, page=page)
                    hits |= {hit.item.id for kind_hits in later.hits.values() for hit in kind_hits}
                answers[(name, text, tab)] = (found.counts, hits, found.groups)  # groups: the raw facet counts
    return answers


def test_a_rebuild_gives_the_same_index_and_answers_as_live_indexing(town, index_now):
    author, moderator, square, back_room = town
    filters.add_word(moderator, "crypto", "hold")
    people = [make_user(username=f"neighbour{n}", bio=f"budget cycling {n}", help_tags="Transport") for n in range(6)]
    people[0].profile.visibility = MEMBERS
    db.session.commit()
    rooms.add_member(author, back_room, people[1].username)
    lanes = make_room(people[2], name="Bus lanes", tags="Buses, Transport")
    posted = []
    for n in range(60):
        room = (square, back_room, lanes)[n % 3]
        writer = (author, people[1], people[n % 6])[n % 3]
        posted.append(messages.post_message(room, writer, f"budget potholes {n}" + (" crypto" if n % 17 == 0 else "")))
    index_now()
    for message in posted[1:10:3]:
        messages.edit_message(message.author, message.id, f"edited budget {message.id}")
    messages.delete_message(posted[10].author, posted[10].id)
    hide(moderator, posted[11])
    hide(moderator, posted[12])
    index_now()
    take_action(
        moderator, ActionRequest(kind="restore_message", reason="no_breach", item_type="message", item_id=posted[12].id)
    )
    profiles.update_profile(
        people[3], people[3], profiles.ProfileChanges(display_name="Renamed", bio="potholes", learn_tags="Buses")
    )
    tag_records.rename_tag(moderator, tag_services.get_tag("transport"), "Transport planning", "housekeeping")
    index_now()
    tag_records.merge_tags(
        moderator, tag_services.get_tag("buses"), tag_services.get_tag("transport-planning"), "housekeeping"
    )
    rooms.update_room(author, square, rooms.RoomDetails(name="Town square", description="Closed now"))
    accounts.suspend_user(None, people[4], "Spam")
    accounts.suspend_user(None, people[5], "Spam", until=utcnow() + timedelta(days=2))
    make_verified(username="officer", bio="potholes")
    index_now()

    live = index_contents()
    viewers = {"visitor": ANONYMOUS, "author": author, "member": people[1], "outsider": people[2], "mod": moderator}
    live_answers = searches(viewers)
    held = [posted[n] for n in range(0, 60, 17)]
    gone = {key(MESSAGE, m) for m in (*held, posted[10], posted[11])}  # held, deleted, still hidden
    assert indexed(term("type", MESSAGE)) == {key(MESSAGE, m) for m in posted} - gone
    assert rebuild() == len(indexed())
    assert live == index_contents()
    assert live_answers == searches(viewers)


def test_a_rebuild_handles_the_changes_waiting_before_it(town, index_now):
    author, _, square, _ = town
    message = messages.post_message(square, author, "Potholes")
    assert outbox() == {(MESSAGE, message.id)}
    rebuild()
    assert outbox() == set()
    assert indexed(words("potholes")) == {key(MESSAGE, message)}
    assert index_now() == 0


def test_indexing_the_same_change_twice_gives_the_same_index(town, index_now):
    author, _, square, _ = town
    message = messages.post_message(square, author, "Potholes")
    index_now()
    before = index_contents()
    changes.mark(MESSAGE, message.id)
    changes.mark(PERSON, author.id)
    db.session.commit()
    assert index_now() == 2
    assert index_contents() == before
    assert len(indexed()) == 2 + 2 + 1 + 0  # two people, two rooms, one message


def test_changes_are_indexed_in_batches_until_the_outbox_is_empty(town, index_now, monkeypatch):
    author, _, square, _ = town
    monkeypatch.setattr(indexer, "BATCH", 3)
    posted = {key(MESSAGE, messages.post_message(square, author, f"Potholes {n}")) for n in range(10)}
    assert len(outbox()) == 10
    assert index_now() == 10
    assert outbox() == set()
    assert indexed(words("potholes")) == posted


def test_the_indexer_leaves_the_outbox_alone_while_another_process_holds_the_lock(town, index_now):
    author, _, square, _ = town
    message = messages.post_message(square, author, "Potholes")
    with writer_lock(wait=False) as mine:
        assert mine
        assert index_now() == 0
    assert outbox() == {(MESSAGE, message.id)}
    assert index_now() == 1
    assert outbox() == set()


# A missing or damaged index


def test_a_missing_index_makes_search_unavailable_until_the_indexer_rebuilds_it(town, index_now):
    author, _, square, _ = town
    message = messages.post_message(square, author, "Potholes")
    index_now()
    import shutil

    shutil.rmtree(index_dir())
    with pytest.raises(services.SearchUnavailable):
        services.search(author, "potholes")
    assert not indexer.status().available
    assert index_now() == 2 + 2 + 1  # everything, rebuilt
    assert indexer.status().available
    assert search_keys(author, "potholes", "messages") == {key(MESSAGE, message)}


def test_search_before_any_index_exists_is_unavailable(ctx):
    make_user()
    with pytest.raises(services.SearchUnavailable):
        services.search(ANONYMOUS, "anything")


def damage(suffixes: tuple[str, ...]) -> None:
    """Overwrite index files with garbage (as new files: a searcher may still have the old ones mapped)."""
    damaged = 0
    for path in index_dir().iterdir():
        if path.suffix in suffixes:
            path.unlink()
            path.write_bytes(b"\x00garbage\xff" * 64)
            damaged += 1
    assert damaged


@pytest.mark.parametrize("suffixes", [(".toc",), (".seg",), (".toc", ".seg")], ids=["toc", "segments", "both"])
def test_a_damaged_index_makes_search_unavailable_until_the_indexer_rebuilds_it(town, index_now, suffixes):
    author, _, square, _ = town
    message = messages.post_message(square, author, "Potholes")
    index_now()
    damage(suffixes)
    with pytest.raises(services.SearchUnavailable):
        services.search(author, "potholes")
    assert not indexer.status().available
    assert index_now() == 5
    assert indexer.status().available
    assert search_keys(author, "potholes", "messages") == {key(MESSAGE, message)}


def test_a_damaged_index_is_rebuilt_by_the_indexer_even_if_no_search_noticed(town, index_now):
    author, _, square, _ = town
    index_now()
    damage((".toc",))
    message = messages.post_message(square, author, "Potholes")
    assert index_now() == 5
    assert outbox() == set()
    assert indexed(words("potholes")) == {key(MESSAGE, message)}


def test_an_index_that_fails_while_being_read_is_rebuilt_on_the_next_indexing(town, index_now, monkeypatch):
    author, _, square, _ = town
    message = messages.post_message(square, author, "Potholes")
    index_now()

    def unreadable(searcher, viewer):
        raise OSError("damaged segment")

    with monkeypatch.context() as patched:
        patched.setattr(build, "visibility", unreadable)
        with pytest.raises(services.SearchUnavailable):
            services.search(author, "potholes")
    assert index_now() == 5  # a rebuild, though nothing was waiting
    assert search_keys(author, "potholes", "messages") == {key(MESSAGE, message)}
    assert index_now() == 0


# status()


def test_status_counts_documents_in_the_index_and_the_database_and_what_is_waiting(town, index_now):
    author, _, square, _ = town
    status = indexer.status()
    assert status.available
    assert status.documents == status.database == {PERSON: 2, ROOM: 2, MESSAGE: 0, TECHNOLOGY: 0}
    assert (status.pending, status.oldest_pending_seconds) == (0, None)
    for n in range(3):
        messages.post_message(square, author, f"Potholes {n}")
    status = indexer.status()
    assert status.documents == {PERSON: 2, ROOM: 2, MESSAGE: 0, TECHNOLOGY: 0}
    assert status.database == {PERSON: 2, ROOM: 2, MESSAGE: 3, TECHNOLOGY: 0}
    assert status.pending == 3
    assert 0 <= status.oldest_pending_seconds < 60
    index_now()
    status = indexer.status()
    assert status.documents == status.database == {PERSON: 2, ROOM: 2, MESSAGE: 3, TECHNOLOGY: 0}
    assert (status.pending, status.oldest_pending_seconds) == (0, None)


def test_status_stops_counting_a_deleted_message(town, index_now):
    author, _, square, _ = town
    deleted = messages.post_message(square, author, "Potholes")
    messages.post_message(square, author, "Potholes too")
    index_now()
    messages.delete_message(author, deleted.id)
    index_now()
    status = indexer.status()
    assert status.database[MESSAGE] == 1
    assert status.documents[MESSAGE] == status.database[MESSAGE]


# A server that searched before a change


def test_a_server_that_searched_before_an_edit_finds_the_message_only_by_its_new_words(town, index_now):
    author, _, square, _ = town
    message = messages.post_message(square, author, "Potholes on the high street")
    index_now()
    assert services.search(author, "potholes").counts["messages"] == 1
    messages.edit_message(author, message.id, "Streetlights on the high street")
    index_now()
    assert services.search(author, "potholes").counts["messages"] == 0
    assert services.search(author, "street").counts["messages"] == 1


def test_a_server_that_searched_before_a_delete_stops_counting_the_message(town, index_now):
    author, _, square, _ = town
    deleted = messages.post_message(square, author, "Potholes")
    messages.post_message(square, author, "Potholes too")
    index_now()
    assert services.search(author, "potholes").counts["messages"] == 2
    messages.delete_message(author, deleted.id)
    index_now()
    assert services.search(author, "potholes").counts["messages"] == 1
