"""services.search end to end on real rows: every operator, facets, highlighting (hostile text too),
ordering, paging and stemming, and a council of several hundred messages in public and private rooms."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from flask_login import AnonymousUserMixin
from markupsafe import Markup

from civicnet.db_types import utcnow
from civicnet.errors import Invalid
from civicnet.extensions import db
from civicnet.rooms import messages
from civicnet.rooms.models import Message
from civicnet.search import results, services
from civicnet.search.highlight import MARK_CLOSE, MARK_OPEN
from tests.factories import make_room, make_user, make_verified

ANONYMOUS = AnonymousUserMixin()


def search(viewer, text: str, **kwargs) -> services.SearchResults:
    return services.search(viewer, text, **kwargs)


def ids(found: services.SearchResults, kind: str) -> list[int]:
    return [hit.item.id for hit in found.hits.get(kind, [])]


def message_ids(viewer, text: str, **kwargs) -> list[int]:
    """Every matching message, page by page, in the order search gives them."""
    found = search(viewer, text, type="messages", **kwargs)
    collected = ids(found, "message")
    for page in range(2, found.pages + 1):
        collected += ids(search(viewer, text, type="messages", page=page, **kwargs), "message")
    return collected


def facet(found: services.SearchResults, name: str) -> dict[str, int]:
    return {option.value: option.count for f in found.facets if f.name == name for option in f.options}


def invalid(viewer, text: str, **kwargs) -> Invalid:
    with pytest.raises(Invalid) as caught:
        search(viewer, text, **kwargs)
    return caught.value


def without_marks(markup: Markup) -> str:
    return str(markup).replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def assert_only_our_markup(markup: Markup) -> None:
    """Every character of text escaped: no tag or quote survives except civicnet's <mark>."""
    assert isinstance(markup, Markup)
    text = without_marks(markup)
    assert "<" not in text and ">" not in text and '"' not in text


def post(room, author, body: str) -> Message:
    return messages.post_message(room, author, body)


def backdate(message: Message, moment: datetime) -> None:
    message.created_at = moment
    db.session.commit()


# --- A council: several hundred messages in public and private rooms ------------------------------

ROOMS = {
    # slug: (name, kind, open to visitors)
    "open-data": ("Open data", "public", True),
    "council-budgets": ("Council budgets", "public", False),
    "digital-services": ("Digital services", "public", True),
    "secret-planning": ("Secret planning", "private", False),
    "procurement-review": ("Procurement review", "private", False),
}
PER_ROOM = 70
TOPICS = (
    ("assessment", "Impact assessment {n} for the spending plan"),
    ("assessed", "We assessed item {n} of the spending plan"),
    ("procurement", "Procurement notes {n} about suppliers"),
    ("update", "Weekly update {n}: nothing to report"),
    ("budget", "Budget question {n} on the spending plan"),
)
ASSESS = {"assessment", "assessed"}
PUBLIC_ROOMS = {"open-data", "council-budgets", "digital-services"}
READS = {
    None: {"open-data", "digital-services"},
    "dan": PUBLIC_ROOMS,
    "bob": PUBLIC_ROOMS | {"secret-planning"},
    "carol": PUBLIC_ROOMS | {"procurement-review"},
    "alice": set(ROOMS),
}


@dataclass
class Posted:
    id: int
    room: str
    author: str
    topic: str
    created_at: datetime


@dataclass
class Council:
    people: dict[str, object]
    rooms: dict[str, object]
    posted: list[Posted] = field(default_factory=list)

    def readable(self, username: str | None) -> set[str]:
        """The rooms each viewer may read, as the dataset was built (None: a visitor)."""
        return READS[username]

    def expected(self, username: str | None, topics=ASSESS, **where) -> set[int]:
        return {
            p.id
            for p in self.posted
            if p.room in self.readable(username)
            and p.topic in topics
            and all(getattr(p, k) == v for k, v in where.items())
        }


@pytest.fixture
def council(ctx, index_now) -> Council:
    """Five rooms of 70 messages each (350), posted by their members through the rooms service."""
    people = {name: make_user(username=name, display_name=name.title()) for name in ("alice", "bob", "carol", "dan")}
    members = {
        "secret-planning": ["alice", "bob"],
        "procurement-review": ["alice", "carol"],
    }
    rooms = {}
    for slug, (name, kind, open_to_public) in ROOMS.items():
        invited = [people[n] for n in members.get(slug, [])[1:]]
        rooms[slug] = make_room(people["alice"], name=name, kind=kind, open_to_public=open_to_public, members=invited)
        assert rooms[slug].slug == slug
    found = Council(people, rooms)
    for slug, room in rooms.items():
        authors = members.get(slug, ["alice", "bob", "carol", "dan"])
        for i in range(PER_ROOM):
            topic, text = TOPICS[i % len(TOPICS)]
            author = authors[i % len(authors)]
            message = post(room, people[author], text.format(n=len(found.posted) + 1))
            found.posted.append(Posted(message.id, slug, author, topic, message.created_at))
    index_now()
    return found


def viewer_of(council: Council, username: str | None):
    return ANONYMOUS if username is None else council.people[username]


def test_counts_results_and_room_facets_across_the_council_follow_the_rooms_each_viewer_reads(council):
    for username, rooms in READS.items():
        viewer = viewer_of(council, username)
        expected = council.expected(username)
        assert len(expected) == len(rooms) * 28
        assert search(viewer, "assess").counts == {
            "people": 0,
            "rooms": 0,
            "messages": len(rooms) * 28,
            "technology": 0,
        }
        assert set(message_ids(viewer, "assess")) == expected
        room_facet = facet(search(viewer, "assess", type="messages"), "room")
        assert room_facet == dict.fromkeys(council.readable(username), 28)
    week = (datetime.now(UTC).date() - timedelta(days=8)).isoformat()
    assert facet(search(council.people["alice"], "assess", type="messages"), "after")[week] == 140


def test_paging_through_the_council_returns_every_match_once_in_either_order(council):
    alice, bob = council.people["alice"], council.people["bob"]
    first = search(alice, "assess", type="messages")
    assert (first.page, first.pages, first.total) == (1, 7, 140)
    assert len(first.hits["message"]) == services.PER_PAGE
    collected = message_ids(alice, "assess")
    assert len(collected) == 140
    assert set(collected) == council.expected("alice")
    beyond = search(alice, "assess", type="messages", page=99)
    assert beyond.page == beyond.pages == 7
    assert ids(beyond, "message") == collected[-20:]
    assert search(alice, "assess", type="messages", page=0).page == 1

    newest = message_ids(bob, "assess", sort="newest")
    created = {p.id: p.created_at for p in council.posted}
    dates = [created[i] for i in newest]
    assert dates == sorted(dates, reverse=True)
    assert len(newest) == 112 and set(newest) == council.expected("bob")
    assert newest[0] == max(council.expected("bob"), key=lambda i: (created[i], i))


def test_in_from_exclusions_and_the_all_tab_narrow_the_council(council):
    alice, bob, carol, dan = (council.people[name] for name in ("alice", "bob", "carol", "dan"))
    in_secret = set(message_ids(bob, "assess in:secret-planning"))
    assert in_secret == council.expected("bob", room="secret-planning") and len(in_secret) == 28
    assert set(message_ids(bob, "assess", filters={"room": "secret-planning"})) == in_secret
    assert search(bob, "in:Secret-Planning").counts == {"people": 0, "rooms": 1, "messages": PER_ROOM, "technology": 0}

    assert set(message_ids(alice, "assess from:bob")) == council.expected("alice", author="bob")
    assert set(message_ids(dan, "assess from:@bob")) == council.expected("dan", author="bob")
    assert council.expected("dan", author="bob") < council.expected("alice", author="bob")

    assert set(message_ids(carol, "assess -impact")) == council.expected("carol", topics={"assessed"})

    found = search(alice, "spending")
    spending = council.expected("alice", topics={"assessment", "assessed", "budget"})
    assert found.counts["messages"] == len(spending) == 210
    assert len(found.hits["message"]) == services.PREVIEW["message"]
    assert set(ids(found, "message")) <= spending
    assert found.everything == found.total == 210


# --- Words, phrases, exclusions, stemming ----------------------------------------------------------


@pytest.fixture
def room_of_words(ctx):
    author = make_user(username="writer")
    room = make_room(author, name="Policy lab", open_to_public=True)
    return author, room


def test_plain_words_must_all_appear(room_of_words, index_now):
    author, room = room_of_words
    both = post(room, author, "The budget needs an impact assessment")
    post(room, author, "The budget is agreed")
    post(room, author, "An impact assessment of parking")
    index_now()
    assert message_ids(author, "budget assessment") == [both.id]


def test_a_phrase_needs_its_words_together_in_order(room_of_words, index_now):
    author, room = room_of_words
    together = post(room, author, "We need an impact assessment")
    plural = post(room, author, "Three impact assessments are due")
    post(room, author, "Assessment of the impact on parking")
    post(room, author, "Impact is high; the assessment is late")
    index_now()
    assert set(message_ids(author, '"impact assessment"')) == {together.id, plural.id}


def test_a_hyphenated_word_is_searched_as_its_parts_side_by_side(room_of_words, index_now):
    author, room = room_of_words
    hit = post(room, author, "Read the data protection guidance")
    post(room, author, "Protection of the data centre")
    index_now()
    assert message_ids(author, "data-protection") == [hit.id]


def test_excluded_words_and_phrases_take_messages_out(room_of_words, index_now):
    author, room = room_of_words
    keep = post(room, author, "Council budget for libraries")
    post(room, author, "Council budget for crypto")
    post(room, author, "Council budget for the smart city")
    index_now()
    assert message_ids(author, 'council -crypto -"smart city"') == [keep.id]


@pytest.mark.parametrize("text", ["assess", "assessments", "assessing", "assessed", "ASSESSMENT"])
def test_english_stemming_finds_other_endings(room_of_words, index_now, text):
    author, room = room_of_words
    found = {post(room, author, body).id for body in ("We assess it", "Two assessments", "It was assessed")}
    post(room, author, "An asset register")
    index_now()
    assert set(message_ids(author, text)) == found


def test_markdown_and_html_in_a_message_are_searched_as_the_words_a_reader_sees(room_of_words, index_now):
    author, room = room_of_words
    message = post(room, author, "**Bold** plan with a [link](https://example.org/budget)")
    index_now()
    assert message_ids(author, "bold plan") == [message.id]
    assert message_ids(author, "strong") == []  # the tag name is not a word of the message


# --- Operators -------------------------------------------------------------------------------------


def people_tags(user, help_tags: str = "", learn_tags: str = "", **profile) -> None:
    from civicnet.profiles import services as profiles

    profiles.update_profile(
        user,
        user,
        profiles.ProfileChanges(display_name=user.display_name, help_tags=help_tags, learn_tags=learn_tags, **profile),
    )


def test_tag_finds_people_with_it_in_either_list_rooms_with_it_and_their_messages(ctx, index_now):
    helper = make_user(username="helper", help_tags="Data Protection, Open data")
    learner = make_user(username="learner", learn_tags="data protection")
    make_user(username="other", help_tags="Budgets")
    tagged = make_room(helper, name="GDPR clinic", tags="Data protection")
    untagged = make_room(helper, name="Coffee")
    in_tagged = post(tagged, helper, "Any questions?")
    post(untagged, helper, "Any questions?")
    index_now()
    for text in ("tag:data-protection", 'tag:"Data Protection"', "tag:DATA-PROTECTION"):
        found = search(learner, text)
        assert found.counts == {"people": 2, "rooms": 1, "messages": 1, "technology": 0}
        assert set(ids(found, "person")) == {helper.id, learner.id}
        assert ids(found, "room") == [tagged.id]
        assert ids(found, "message") == [in_tagged.id]


def test_an_unknown_tag_is_a_message_not_an_error(ctx, index_now):
    viewer = make_user()
    index_now()
    error = invalid(viewer, "tag:quantum-gravity")
    assert error.field == "q"
    assert error.message == "There is no skill tag called “quantum-gravity”. Check the spelling or browse all tags"


def test_from_finds_only_that_authors_messages(room_of_words, index_now):
    author, room = room_of_words
    other = make_user(username="someone-else")
    mine = post(room, author, "Budget draft one")
    post(room, other, "Budget draft two")
    index_now()
    assert message_ids(other, "budget from:writer") == [mine.id]
    assert message_ids(other, "from:WRITER") == [mine.id]
    assert search(other, "from:writer").counts == {"people": 0, "rooms": 0, "messages": 1, "technology": 0}
    error = invalid(other, "from:nobody-here")
    assert (error.field, error.message) == ("q", "No member has the username “nobody-here”")


def test_in_finds_only_that_rooms_messages_and_an_unknown_room_is_a_message(room_of_words, index_now):
    author, room = room_of_words
    elsewhere = make_room(author, name="Elsewhere", open_to_public=True)
    here = post(room, author, "Budget here")
    post(elsewhere, author, "Budget there")
    index_now()
    assert message_ids(author, "budget in:policy-lab") == [here.id]
    error = invalid(author, "in:no-such-room")
    assert error.field == "q"
    assert error.message.startswith(
        "There is no room “no-such-room” that you can read. Use the end of the room’s web address"
    )


def test_is_verified_finds_only_public_servants_verified_now(ctx, index_now):
    verified = make_verified(username="vera", bio="planning officer")
    expired = make_verified(username="exa", bio="planning officer")
    expired.verified_until = utcnow() - timedelta(days=1)
    db.session.commit()
    unverified = make_user(username="unverified", role="public_servant", bio="planning officer")
    citizen = make_user(username="citizen", bio="planning officer")
    index_now()
    found = search(ANONYMOUS, "planning is:verified")
    assert found.counts == {"people": 1, "rooms": 0, "messages": 0, "technology": 0}
    assert ids(found, "person") == [verified.id]
    assert search(ANONYMOUS, "planning").counts["people"] == 4
    assert set(ids(search(ANONYMOUS, "planning -is:verified"), "person")) == {expired.id, unverified.id, citizen.id}


def test_role_finds_people_with_that_role(ctx, index_now):
    servant = make_user(username="servant", role="public_servant")
    make_user(username="citizen")
    moderator = make_user(username="keeper", role="moderator")
    index_now()
    assert ids(search(ANONYMOUS, "role:public-servant"), "person") == [servant.id]
    assert ids(search(ANONYMOUS, "role:Public_Servant"), "person") == [servant.id]
    assert ids(search(ANONYMOUS, "role:moderator"), "person") == [moderator.id]
    error = invalid(ANONYMOUS, "role:mayor")
    assert error.field == "q"
    assert error.message == (
        "There is no role called “mayor”. Use role:citizen, role:public-servant, role:moderator, role:admin"
    )


@pytest.fixture
def dated(room_of_words):
    """Messages on either side of 1 November 2026 (UTC)."""
    author, room = room_of_words
    moments = {
        "oct31-late": datetime(2026, 10, 31, 23, 30, tzinfo=UTC),
        "nov1-midnight": datetime(2026, 11, 1, 0, 0, tzinfo=UTC),
        "nov1-noon": datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
        "nov2-midnight": datetime(2026, 11, 2, 0, 0, tzinfo=UTC),
        "nov2-morning": datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
    }
    made = {}
    for name, moment in moments.items():
        made[name] = post(room, author, f"Budget note {name}")
        backdate(made[name], moment)
    return author, {name: message.id for name, message in made.items()}


def test_before_finds_messages_sent_before_that_day(dated, index_now):
    author, made = dated
    index_now()
    assert message_ids(author, "before:2026-11-01") == [made["oct31-late"]]
    assert search(author, "before:2026-11-01").counts == {"people": 0, "rooms": 0, "messages": 1, "technology": 0}


def test_after_finds_messages_sent_after_that_day(dated, index_now):
    author, made = dated
    index_now()
    assert set(message_ids(author, "after:2026-11-01")) == {made["nov2-midnight"], made["nov2-morning"]}


def test_before_and_after_together_give_a_date_range_and_work_as_filters(dated, index_now):
    author, made = dated
    index_now()
    expected = {made["nov1-midnight"], made["nov1-noon"]}
    assert set(message_ids(author, "budget after:2026-10-31 before:2026-11-02")) == expected
    assert set(message_ids(author, "budget", filters={"after": "2026-10-31", "before": "2026-11-02"})) == expected
    error = invalid(author, "budget", filters={"after": "last week"})
    assert (error.field, error.message) == (
        "q",
        "Write the date after after: as year-month-day, for example after:2026-11-01",
    )


def test_newest_first_is_the_default_when_only_filters_are_given(dated, index_now):
    author, made = dated
    index_now()
    found = search(author, "from:writer", type="messages")
    assert found.sort == services.NEWEST
    assert ids(found, "message") == [
        made[name] for name in ("nov2-morning", "nov2-midnight", "nov1-noon", "nov1-midnight", "oct31-late")
    ]


# --- People and rooms: what is searched, facets and filters ---------------------------------------


@pytest.mark.parametrize(
    ("text", "profile"),
    [
        ("Wilhelmina", {"display_name": "Wilhelmina Ortiz"}),
        ("wortiz", {}),
        ("hydrology", {"bio": "I study **hydrology** and rivers"}),
        ("Environment Agency", {"organisation": "Environment Agency"}),
        ('"flood risk officer"', {"job_title": "Flood risk officer"}),
        ("cartography", {"help_tags": "Cartography, Maps"}),
        ("beekeeping", {"learn_tags": "Beekeeping"}),
    ],
)
def test_people_are_found_by_each_profile_field(ctx, index_now, text, profile):
    person = make_user(username="wortiz", **profile)
    make_user(username="someone", bio="rivers and maps in general")
    index_now()
    found = search(ANONYMOUS, text)
    assert found.counts == {"people": 1, "rooms": 0, "messages": 0, "technology": 0}
    assert ids(found, "person") == [person.id]


@pytest.mark.parametrize(
    ("text", "details"),
    [
        ("observatory", {"name": "Night sky observatory"}),
        ("telescopes", {"description": "Sharing telescopes between libraries"}),
        ("astronomy", {"tags": "Astronomy, Science"}),
    ],
)
def test_rooms_are_found_by_name_description_and_tags(ctx, index_now, text, details):
    creator = make_user()
    room = make_room(creator, **{"name": "Night club", "open_to_public": True, **details})
    make_room(creator, name="Science fair", open_to_public=True)
    index_now()
    found = search(ANONYMOUS, text)
    assert found.counts == {"people": 0, "rooms": 1, "messages": 0, "technology": 0}
    assert ids(found, "room") == [room.id]


@pytest.fixture
def planners(ctx, index_now):
    """Four people who mention planning, with roles, regions and tags to count."""
    people = {
        "ann": make_verified(username="ann", bio="planning", region="London", help_tags="Housing, Transport"),
        "ben": make_user(username="ben", role="public_servant", bio="planning", region="London", help_tags="Housing"),
        "cat": make_user(username="cat", bio="planning", region="Wales", learn_tags="Housing"),
        "dev": make_user(username="dev", bio="planning", region="Scotland", help_tags="Transport"),
    }
    make_user(username="eve", bio="gardening", region="London", help_tags="Housing")
    index_now()
    return people


def test_people_facets_count_roles_regions_and_tags_of_the_matches(planners):
    found = search(ANONYMOUS, "planning", type="people")
    assert found.total == 4
    assert facet(found, "role") == {"public-servant": 2, "citizen": 2}
    assert facet(found, "region") == {"London": 2, "Wales": 1, "Scotland": 1}
    assert facet(found, "tag") == {"housing": 3, "transport": 2}
    labels = {f.name: [o.label for o in f.options] for f in found.facets}
    assert labels == {
        "role": ["Citizen", "Public servant"],
        "region": ["London", "Scotland", "Wales"],
        "tag": ["Housing", "Transport"],
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"role": "public-servant"}, {"ann", "ben"}),
        ({"region": "London"}, {"ann", "ben"}),
        ({"tag": "housing"}, {"ann", "ben", "cat"}),
        ({"tag": "transport", "region": "Scotland"}, {"dev"}),
    ],
)
def test_choosing_a_people_facet_narrows_to_its_count(planners, filters, expected):
    found = search(ANONYMOUS, "planning", type="people", filters=filters)
    assert set(ids(found, "person")) == {planners[name].id for name in expected}
    assert found.total == len(expected)


def test_an_unknown_region_filter_is_a_message_on_the_region(planners):
    error = invalid(ANONYMOUS, "planning", filters={"region": "Atlantis"})
    assert (error.field, error.message) == ("region", "Choose a region from the list")


def test_the_room_tag_facet_counts_tags_of_matching_rooms(ctx, index_now):
    creator = make_user()
    make_room(creator, name="Housing one", tags="Housing, Planning")
    make_room(creator, name="Housing two", tags="Housing")
    make_room(creator, name="Gardens", tags="Planning")
    index_now()
    found = search(creator, "housing", type="rooms")
    assert found.total == 2
    assert facet(found, "tag") == {"housing": 2, "planning": 1}


def test_people_and_rooms_without_words_are_listed_a_to_z(ctx, index_now):
    for name in ("Zoe Zed", "adam Ant", "Ben Bow"):
        make_user(display_name=name, help_tags="Housing")
    index_now()
    found = search(ANONYMOUS, "tag:housing", type="people")
    assert [hit.item.display_name for hit in found.hits["person"]] == ["adam Ant", "Ben Bow", "Zoe Zed"]


# --- Highlighting ----------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
MARK = '<mark class="civicnet-highlight">{}</mark>'


def test_a_message_snippet_marks_the_matched_words_and_escapes_html_in_the_text(room_of_words, index_now):
    author, room = room_of_words
    post(room, author, f"{SCRIPT} budget {IMAGE}")
    index_now()
    snippet = search(author, "budget").hits["message"][0].snippet
    assert str(snippet) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; "
        + MARK.format("budget")
        + " &#34;&gt;&lt;img src=x onerror=alert(1)&gt;"
    )
    assert_only_our_markup(snippet)


@pytest.mark.parametrize("text", ["alert", "script", "img onerror", "src"])
def test_matching_words_inside_hostile_text_still_escapes_it(room_of_words, index_now, text):
    author, room = room_of_words
    post(room, author, f"{SCRIPT} {IMAGE}")
    index_now()
    hit = search(author, text).hits["message"][0]
    assert MARK_OPEN in hit.snippet
    assert_only_our_markup(hit.snippet)
    assert (
        without_marks(hit.snippet)
        == "&lt;script&gt;alert(1)&lt;/script&gt; &#34;&gt;&lt;img src=x onerror=alert(1)&gt;"
    )


def test_a_hostile_display_name_bio_and_tag_are_shown_as_text(ctx, index_now):
    person = make_user(
        username="hostile",
        display_name=f"{IMAGE} Mallory",
        bio=f"{SCRIPT} I break budgets",
        organisation=f"{IMAGE} Ltd",
        help_tags="<b>budgets</b>",
    )
    index_now()
    hit = search(ANONYMOUS, "budgets mallory").hits["person"][0]
    assert hit.item.id == person.id
    assert str(hit.title) == "&#34;&gt;&lt;img src=x onerror=alert(1)&gt; " + MARK.format("Mallory")
    assert str(hit.snippet) == (
        "&#34;&gt;&lt;img src=x onerror=alert(1)&gt; Ltd · &lt;script&gt;alert(1)&lt;/script&gt; I break "
        + MARK.format("budgets")
    )
    assert str(hit.skills["help"]) == "&lt;b&gt;" + MARK.format("budgets") + "&lt;/b&gt;"
    for markup in (hit.title, hit.snippet, *hit.skills.values()):
        assert_only_our_markup(markup)


def test_a_hostile_room_name_and_description_are_shown_as_text(ctx, index_now):
    creator = make_user()
    room = make_room(creator, name=f"{IMAGE} budgets", description=f"{SCRIPT} budgets", open_to_public=True)
    post(room, creator, "budgets")
    index_now()
    found = search(ANONYMOUS, "budgets")
    room_hit, message_hit = found.hits["room"][0], found.hits["message"][0]
    assert str(room_hit.title) == "&#34;&gt;&lt;img src=x onerror=alert(1)&gt; " + MARK.format("budgets")
    assert str(room_hit.snippet) == "&lt;script&gt;alert(1)&lt;/script&gt; " + MARK.format("budgets")
    assert str(message_hit.title) == "&#34;&gt;&lt;img src=x onerror=alert(1)&gt; budgets"
    for markup in (room_hit.title, room_hit.snippet, message_hit.title, message_hit.snippet):
        assert_only_our_markup(markup)


def test_a_long_message_snippet_starts_near_the_first_match(room_of_words, index_now):
    author, room = room_of_words
    post(room, author, ("filler " * 100) + "the budget <b>matters</b> " + ("padding " * 100))
    index_now()
    snippet = search(author, "budget").hits["message"][0].snippet
    text = without_marks(snippet)
    assert text.startswith("…") and text.endswith("…")
    assert MARK.format("budget") in str(snippet)
    assert "&lt;b&gt;matters&lt;/b&gt;" in str(snippet)
    assert len(Markup(text).unescape()) <= 302
    assert_only_our_markup(snippet)


def test_only_searched_words_are_marked_not_excluded_ones(room_of_words, index_now):
    author, room = room_of_words
    post(room, author, "budget for housing")
    index_now()
    snippet = search(author, "budget -crypto").hits["message"][0].snippet
    assert str(snippet) == MARK.format("budget") + " for housing"


# --- Ordering ---------------------------------------------------------------------------------------


def test_best_match_and_newest_first_order_messages_differently(room_of_words, index_now):
    author, room = room_of_words
    dense = post(room, author, "assessment assessment assessment")
    backdate(dense, utcnow() - timedelta(days=3))
    middling = post(room, author, "the assessment of several different matters across the whole council area")
    backdate(middling, utcnow() - timedelta(days=2))
    newest = post(room, author, "one assessment among many other words about parking, housing, buses and trains")
    index_now()
    best = search(author, "assessment", type="messages")
    assert best.sort == services.BEST
    assert ids(best, "message")[0] == dense.id
    assert ids(search(author, "assessment", type="messages", sort="best"), "message")[0] == dense.id
    by_date = search(author, "assessment", type="messages", sort="newest")
    assert by_date.sort == services.NEWEST
    assert ids(by_date, "message") == [newest.id, middling.id, dense.id]


# --- Bad requests -----------------------------------------------------------------------------------


def test_nothing_asked_is_no_search(room_of_words, index_now):
    author, _ = room_of_words
    index_now()
    assert search(author, "") is None
    assert search(author, "   ") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-budget", "Enter words to search for, as well as words to leave out"),
        ('-"smart city"', "Enter words to search for, as well as words to leave out"),
        ("the", "Your search only has very common words, like “the”. Add a word that says what you are looking for"),
        (
            "the and of",
            "Your search only has very common words, like “the”. Add a word that says what you are looking for",
        ),
        ("x" * 5000, "Search for 500 characters or fewer"),
        ('"open data', 'Close the quotation mark: phrases go between a pair of double quotes, like "open data"'),
        (
            "**",
            "civicnet does not use wildcards: search for whole words, and it finds their other endings too "
            "(searching for assess finds assessment)",
        ),
        ("is:famous", "is: can only be is:verified (verified public servants)"),
    ],
)
def test_a_bad_search_is_a_message_on_the_search_box(room_of_words, index_now, text, message):
    author, _ = room_of_words
    index_now()
    error = invalid(author, text)
    assert (error.field, error.message) == ("q", message)


def test_an_unknown_filter_is_a_message_not_an_error(room_of_words, index_now):
    author, _ = room_of_words
    index_now()
    error = invalid(author, "budget colour:red")
    assert error.field == "q"
    assert error.message.startswith("civicnet does not know the filter “colour:”")


@pytest.mark.parametrize(("kwargs", "field_name"), [({"type": "files"}, "type"), ({"sort": "oldest"}, "sort")])
def test_an_unknown_tab_or_order_is_a_message_on_its_field(room_of_words, index_now, kwargs, field_name):
    author, _ = room_of_words
    index_now()
    assert invalid(author, "budget", **kwargs).field == field_name


# --- Known bugs -------------------------------------------------------------------------------------


def test_a_trailing_star_finds_the_same_as_the_word_without_it(room_of_words, index_now):
    author, room = room_of_words
    found = {post(room, author, body).id for body in ("We assess it", "Two assessments")}
    index_now()
    assert set(message_ids(author, "assess*")) == found


def test_an_excluded_word_leaves_out_a_message_even_when_someone_else_mentions_it(ctx, index_now):
    make_user(username="fan", bio="crypto enthusiast")  # people are indexed before messages
    author = make_user(username="writer")
    room = make_room(author, name="Policy lab", open_to_public=True)
    post(room, author, "council budget for crypto")
    index_now()
    found = search(author, "council -crypto")
    assert found.counts == {"people": 0, "rooms": 0, "messages": 0, "technology": 0}
    assert found.hits == {}


def test_excluding_a_tag_leaves_out_the_messages_of_rooms_with_it(ctx, index_now):
    helper = make_user(username="helper", help_tags="Data Protection")  # indexed before the room's message
    tagged = make_room(helper, name="GDPR clinic", tags="Data protection")
    post(tagged, helper, "Any questions?")
    index_now()
    assert search(helper, "questions -tag:data-protection").counts["messages"] == 0
    assert message_ids(helper, "questions -tag:data-protection") == []


class _NoonToday(datetime):
    """Twelve o'clock UTC today, so the date facet's 'now' is fixed within the day."""

    @classmethod
    def now(cls, tz=None):
        return datetime.combine(datetime.now(UTC).date(), datetime.min.time(), tzinfo=UTC).replace(hour=12)


def test_a_date_facets_count_matches_what_choosing_it_shows(room_of_words, index_now, monkeypatch):
    monkeypatch.setattr(results, "datetime", _NoonToday)
    author, room = room_of_words
    post(room, author, "budget today")
    early = post(room, author, "budget early a week ago")
    noon = _NoonToday.now(UTC)
    backdate(early, noon.replace(hour=6) - timedelta(days=7))  # 6 hours before 'a week ago', the same day
    index_now()
    week = next(o for f in search(author, "budget", type="messages").facets if f.name == "after" for o in f.options)
    assert week.label == "Past week"
    chosen = search(author, "budget", type="messages", filters={"after": week.value})
    assert chosen.total == week.count


@pytest.mark.parametrize("tab", ["people", "rooms"])
def test_results_without_skill_tags_do_not_break_the_tag_facet(ctx, index_now, tab):
    creator = make_user(bio="planning", help_tags="Housing")
    make_user(bio="planning")
    make_room(creator, name="Planning one", tags="Housing")
    make_room(creator, name="Planning two")
    index_now()
    assert facet(search(creator, "planning", type=tab), "tag") == {"housing": 1}


def test_people_without_a_region_are_not_offered_as_a_blank_region(ctx, index_now):
    make_user(bio="planning", region="London")
    make_user(bio="planning")
    make_user(bio="planning")
    index_now()
    assert facet(search(ANONYMOUS, "planning", type="people"), "region") == {"London": 1}
