"""Nobody finds what they could not open, and counts and facets never say it exists: visitors, members,
private rooms' members and outsiders, moderators; members-only and suspended profiles; hidden, held
and deleted messages; membership changes; in: a room you cannot read."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from flask_login import AnonymousUserMixin

from civicnet.accounts import services as accounts
from civicnet.db_types import utcnow
from civicnet.errors import Invalid
from civicnet.moderation import filters
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.profiles.models import MEMBERS
from civicnet.rooms import messages
from civicnet.rooms import services as rooms
from civicnet.search import build, services
from tests.factories import make_moderator, make_room, make_user

ANONYMOUS = AnonymousUserMixin()
WORD = "kestrel"


def search(viewer, text: str = WORD, **kwargs) -> services.SearchResults:
    return services.search(viewer, text, **kwargs)


def found_ids(viewer, kind: str, text: str = WORD, **kwargs) -> set[int]:
    tab = {"person": "people", "room": "rooms", "message": "messages"}[kind]
    found = search(viewer, text, type=tab, **kwargs)
    assert found.pages == 1
    return {hit.item.id for hit in found.hits.get(kind, [])}


def facets(viewer, tab: str, text: str = WORD) -> dict[str, dict[str, int]]:
    found = search(viewer, text, type=tab)
    return {f.name: {o.value: o.count for o in f.options} for f in found.facets}


@dataclass
class World:
    olive: object  # created every room: a member of all three
    mia: object  # invited into the private room
    otto: object  # signed in, in no private room
    mod: object  # a moderator, not in the private room
    pat: object  # a public profile that mentions the word
    meg: object  # a members-only profile that mentions it
    open_room: object
    lounge: object  # public, for signed-in members only
    secret: object  # private: olive and mia
    posted: dict[str, list[int]]

    def viewer(self, name: str):
        return ANONYMOUS if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world(ctx, index_now) -> World:
    olive = make_user(username="olive")
    mia = make_user(username="mia")
    otto = make_user(username="otto")
    mod = make_moderator(username="mod")
    pat = make_user(username="pat", bio=f"{WORD} watcher", region="London", help_tags="Birds")
    meg = make_user(username="meg", bio=f"{WORD} ringer", region="Wales", help_tags="Birds, Owls", visibility=MEMBERS)
    about = f"Where we talk about the {WORD}"
    open_room = make_room(olive, name="Open forum", description=about, open_to_public=True, tags="Birds")
    lounge = make_room(olive, name="Members lounge", description=about, tags="Birds, Hawks")
    secret = make_room(olive, name="Secret planning", kind="private", description=about, members=[mia], tags="Owls")
    posted = {"open-forum": [], "members-lounge": [], "secret-planning": []}
    for room, count in ((open_room, 2), (lounge, 3), (secret, 4)):
        for n in range(count):
            author = mia if room is secret and n % 2 else olive
            posted[room.slug].append(messages.post_message(room, author, f"{WORD} sighting {n}").id)
    index_now()
    return World(olive, mia, otto, mod, pat, meg, open_room, lounge, secret, posted)


# Who finds what. Each viewer's expected people, rooms and rooms whose messages they find.
EXPECTED = {
    "anonymous": ({"pat"}, {"open-forum"}),
    "otto": ({"pat", "meg"}, {"open-forum", "members-lounge"}),
    "mod": ({"pat", "meg"}, {"open-forum", "members-lounge"}),
    "mia": ({"pat", "meg"}, {"open-forum", "members-lounge", "secret-planning"}),
    "olive": ({"pat", "meg"}, {"open-forum", "members-lounge", "secret-planning"}),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_viewer_finds_counts_and_facets_only_what_they_may_open(world, name):
    viewer = world.viewer(name)
    people, readable = EXPECTED[name]
    slugs = {world.open_room.slug: world.open_room, world.lounge.slug: world.lounge, world.secret.slug: world.secret}
    message_ids = {i for slug in readable for i in world.posted[slug]}

    assert search(viewer).counts == {
        "people": len(people),
        "rooms": len(readable),
        "messages": len(message_ids),
        "technology": 0,
    }
    assert found_ids(viewer, "person") == {getattr(world, p).id for p in people}
    assert found_ids(viewer, "room") == {slugs[s].id for s in readable}
    assert found_ids(viewer, "message") == message_ids

    assert facets(viewer, "messages")["room"] == {slug: len(world.posted[slug]) for slug in readable}
    room_tags = {"open-forum": {"birds"}, "members-lounge": {"birds", "hawks"}, "secret-planning": {"owls"}}
    expected_tags: dict[str, int] = {}
    for slug in readable:
        for tag in room_tags[slug]:
            expected_tags[tag] = expected_tags.get(tag, 0) + 1
    assert facets(viewer, "rooms")["tag"] == expected_tags
    people_facets = facets(viewer, "people")
    assert people_facets["region"] == {"London": 1, **({"Wales": 1} if "meg" in people else {})}
    assert people_facets["tag"] == {"birds": len(people), **({"owls": 1} if "meg" in people else {})}


def test_a_visitor_finds_only_open_rooms_messages_and_public_profiles(world):
    found = search(ANONYMOUS, type="messages")
    assert found.total == 2
    assert {hit.item.id for hit in found.hits["message"]} == set(world.posted["open-forum"])
    assert {hit.item.room.slug for hit in found.hits["message"]} == {"open-forum"}
    assert found_ids(ANONYMOUS, "person") == {world.pat.id}


def test_a_word_only_in_a_private_room_gives_outsiders_nothing_to_count(world, index_now):
    messages.post_message(world.secret, world.olive, "the zeppelin plan")
    index_now()
    for viewer in (ANONYMOUS, world.otto, world.mod):
        for tab in ("all", "people", "rooms", "messages"):
            found = search(viewer, "zeppelin", type=tab)
            assert found.counts == {"people": 0, "rooms": 0, "messages": 0, "technology": 0}
            assert found.hits == {} and found.facets == [] and found.total == 0
    assert search(world.mia, "zeppelin").counts == {"people": 0, "rooms": 0, "messages": 1, "technology": 0}


def test_a_moderator_outside_a_private_room_does_not_find_its_messages_or_the_room(world):
    assert found_ids(world.mod, "message", "sighting in:members-lounge") == set(world.posted["members-lounge"])
    assert search(world.mod, "sighting").counts["messages"] == 5
    assert world.secret.id not in found_ids(world.mod, "room")


def test_tag_and_from_do_not_reveal_a_private_rooms_messages(world):
    # Owls is the private room's tag (and meg's); mia posts only in the private room.
    assert search(world.otto, "tag:owls").counts == {"people": 1, "rooms": 0, "messages": 0, "technology": 0}
    assert search(world.mia, "tag:owls").counts == {"people": 1, "rooms": 1, "messages": 4, "technology": 0}
    assert search(world.otto, "from:mia").counts == {"people": 0, "rooms": 0, "messages": 0, "technology": 0}
    assert search(world.olive, "from:mia").counts == {"people": 0, "rooms": 0, "messages": 2, "technology": 0}


def test_the_date_facet_counts_only_readable_messages(world):
    for name, total in (("anonymous", 2), ("otto", 5), ("mia", 9)):
        dates = facets(world.viewer(name), "messages")["after"]
        assert set(dates.values()) == {total}


# Members-only profiles


def test_a_members_only_profile_is_found_by_signed_in_members_but_not_visitors(world):
    assert world.meg.id not in found_ids(ANONYMOUS, "person", "ringer")
    assert search(ANONYMOUS, "ringer").counts == {"people": 0, "rooms": 0, "messages": 0, "technology": 0}
    assert search(ANONYMOUS, "tag:owls", type="people").total == 0
    assert facets(ANONYMOUS, "people", "birds")["tag"] == {"birds": 1}
    for viewer in (world.otto, world.mod, world.meg):
        assert found_ids(viewer, "person", "ringer") == {world.meg.id}
        assert search(viewer, "ringer").counts == {"people": 1, "rooms": 0, "messages": 0, "technology": 0}


# Suspended members


def suspend_for_days(moderator, user, days: int | None) -> None:
    if days is None:
        accounts.suspend_user(None, user, "Repeated spam")
    else:
        take_action(
            moderator, ActionRequest(kind="suspend", reason="no_spam", username=user.username, period=str(days * 24))
        )


@pytest.mark.parametrize("days", [1, 3, 7, 30, None], ids=["1-day", "3-days", "7-days", "30-days", "indefinite"])
def test_a_suspended_members_profile_is_found_by_nobody_not_even_moderators(world, index_now, days):
    sam = make_user(username="sam", bio="spotter", region="Scotland", help_tags="Falcons")
    sid = make_user(username="sid", bio="spotter", region="Wales", help_tags="Owls")
    suspend_for_days(world.mod, sam, days)
    index_now()
    for viewer in (ANONYMOUS, world.otto, world.mia, world.mod):
        assert search(viewer, "spotter").counts == {"people": 1, "rooms": 0, "messages": 0, "technology": 0}
        assert found_ids(viewer, "person", "spotter") == {sid.id}
        assert facets(viewer, "people", "spotter") == {
            "role": {"citizen": 1},
            "region": {"Wales": 1},
            "tag": {"owls": 1},
        }
        assert search(viewer, "tag:falcons").counts["people"] == 0


def test_a_suspended_members_messages_stay_findable(world, index_now):
    accounts.suspend_user(None, world.mia, "Repeated spam")
    index_now()
    assert search(world.olive, "from:mia").counts["messages"] == 2


class _Later(datetime):
    """Four days from now, for code that asks datetime.now()."""

    @classmethod
    def now(cls, tz=None):
        return datetime.now(tz) + timedelta(days=4)


def test_a_timed_suspension_that_has_ended_shows_the_profile_again_without_reindexing(world, index_now, monkeypatch):
    timed = make_user(username="tim", bio="spotter")
    forever = make_user(username="ian", bio="spotter")
    suspend_for_days(world.mod, timed, 3)
    suspend_for_days(world.mod, forever, None)
    index_now()
    assert search(world.otto, "spotter").counts["people"] == 0
    monkeypatch.setattr(build, "datetime", _Later)
    monkeypatch.setattr(accounts, "utcnow", lambda: utcnow() + timedelta(days=4))
    assert search(world.otto, "spotter").counts["people"] == 1
    assert found_ids(world.otto, "person", "spotter") == {timed.id}
    assert found_ids(ANONYMOUS, "person", "spotter") == {timed.id}


# Hidden, held and deleted messages


VIEWERS = ("anonymous", "otto", "mod", "mia", "olive")


def assert_everyone_finds_only(world, text: str, kept: int, room: str) -> None:
    """Each viewer who reads `room` finds, counts and facets exactly the kept message for `text`."""
    for name in VIEWERS:
        found = search(world.viewer(name), text, type="messages")
        readable = room in EXPECTED[name][1]
        assert found.total == (1 if readable else 0), name
        assert {hit.item.id for hit in found.hits.get("message", [])} == ({kept} if readable else set()), name
        room_facet = {o.value: o.count for f in found.facets if f.name == "room" for o in f.options}
        assert room_facet == ({room: 1} if readable else {}), name


def test_a_message_a_moderator_hid_is_found_by_nobody_not_even_moderators_or_its_author(world, index_now):
    hidden = messages.post_message(world.open_room, world.olive, "the hidden albatross")
    kept = messages.post_message(world.open_room, world.olive, "the visible albatross")
    take_action(world.mod, ActionRequest(kind="hide_message", reason="respect", item_type="message", item_id=hidden.id))
    index_now()
    assert_everyone_finds_only(world, "albatross", kept.id, "open-forum")


def test_a_message_held_by_the_word_filter_is_found_by_nobody_not_even_its_author(world, index_now):
    filters.add_word(world.mod, "crypto", "hold")
    held = messages.post_message(world.secret, world.mia, "crypto albatross")
    kept = messages.post_message(world.secret, world.mia, "plain albatross")
    assert held.is_held and not kept.is_held
    index_now()
    assert_everyone_finds_only(world, "albatross", kept.id, "secret-planning")
    assert search(world.mia, "from:mia").counts["messages"] == 3


def test_a_deleted_message_is_found_by_nobody(world, index_now):
    deleted = messages.post_message(world.lounge, world.otto, "a deleted albatross")
    kept = messages.post_message(world.lounge, world.otto, "a kept albatross")
    index_now()
    messages.delete_message(world.otto, deleted.id)
    index_now()
    assert_everyone_finds_only(world, "albatross", kept.id, "members-lounge")


def test_a_hidden_message_and_a_suspended_profile_stop_counting_for_a_server_that_searched_before(world, index_now):
    message = messages.post_message(world.open_room, world.olive, "the hidden albatross")
    sam = make_user(username="sam", bio="albatross spotter")
    index_now()
    assert search(world.otto, "albatross").counts == {"people": 1, "rooms": 0, "messages": 1, "technology": 0}
    take_action(
        world.mod, ActionRequest(kind="hide_message", reason="respect", item_type="message", item_id=message.id)
    )
    suspend_for_days(world.mod, sam, None)
    index_now()
    found = search(world.otto, "albatross")
    assert found.counts == {"people": 0, "rooms": 0, "messages": 0, "technology": 0}
    assert found.hits == {}


# Private rooms: membership decides, as it is now


def test_someone_removed_from_a_private_room_stops_finding_its_messages_at_once(world):
    assert search(world.mia).counts["messages"] == 9
    rooms.remove_member(world.olive, world.secret, world.mia)
    found = search(world.mia)
    assert found.counts == {"people": 2, "rooms": 2, "messages": 5, "technology": 0}
    assert facets(world.mia, "messages")["room"] == {"open-forum": 2, "members-lounge": 3}
    assert found_ids(world.mia, "message") == set(world.posted["open-forum"] + world.posted["members-lounge"])


def test_someone_who_leaves_a_private_room_stops_finding_its_messages(world):
    rooms.leave_room(world.mia, world.secret)
    assert search(world.mia).counts["messages"] == 5
    assert world.secret.id not in found_ids(world.mia, "room")


def test_someone_added_to_a_private_room_finds_its_messages_at_once(world):
    assert search(world.otto).counts["messages"] == 5
    rooms.add_member(world.olive, world.secret, "otto")
    assert search(world.otto).counts == {"people": 2, "rooms": 3, "messages": 9, "technology": 0}
    assert found_ids(world.otto, "message", f"{WORD} in:secret-planning") == set(world.posted["secret-planning"])
    assert facets(world.otto, "messages")["room"]["secret-planning"] == 4


# in: a room you cannot read


@pytest.mark.parametrize("name", ["anonymous", "otto", "mod"])
def test_in_a_private_room_you_cannot_read_says_the_same_as_a_room_that_does_not_exist(world, name):
    viewer = world.viewer(name)

    def error_for(**kwargs) -> Invalid:
        with pytest.raises(Invalid) as caught:
            search(viewer, **kwargs)
        return caught.value

    hidden = error_for(text=f"{WORD} in:secret-planning")
    missing = error_for(text=f"{WORD} in:no-such-room")
    assert hidden.field == missing.field == "q"
    assert hidden.message == missing.message.replace("no-such-room", "secret-planning")
    assert hidden.message.startswith("There is no room “secret-planning” that you can read")
    filtered = error_for(text=WORD, filters={"room": "secret-planning"})
    assert filtered.message == hidden.message


def test_in_a_private_room_works_for_its_members(world):
    for member in (world.mia, world.olive):
        assert found_ids(member, "message", f"{WORD} in:secret-planning") == set(world.posted["secret-planning"])


def test_in_a_members_only_room_is_refused_to_visitors_but_not_to_members(world):
    with pytest.raises(Invalid, match="There is no room “members-lounge” that you can read"):
        search(ANONYMOUS, f"{WORD} in:members-lounge")
    assert found_ids(world.otto, "message", f"{WORD} in:members-lounge") == set(world.posted["members-lounge"])


def test_the_in_error_never_names_a_room_the_searcher_cannot_read(ctx, index_now):
    owner = make_user(username="owner")
    outsider = make_user(username="outsider")
    make_room(owner, name="Whistleblowers", kind="private")  # the oldest room
    make_room(owner, name="Town hall", open_to_public=True)
    index_now()
    for viewer in (outsider, ANONYMOUS):
        with pytest.raises(Invalid) as caught:
            search(viewer, "budget in:nowhere")
        assert "whistleblowers" not in caught.value.message
