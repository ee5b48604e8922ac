"""Search in headless Chromium against the live server, with the real background indexer: a member
signs in, searches from the header, reads grouped and highlighted results (hostile HTML shown as
text), narrows them with tabs, facets and sorting, and opens a message in its room; private rooms stay
private; everything works without JavaScript and at phone width; and axe on every state of the page."""

import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from civicnet.extensions import db
from civicnet.rooms import messages
from civicnet.search.index import is_healthy, writer_lock
from civicnet.search.models import SearchChange
from tests.browser.conftest import check_page, open_and_check_with_axe, sign_in
from tests.factories import DEFAULT_PASSWORD, make_room, make_user, make_verified

pytestmark = [pytest.mark.browser, pytest.mark.live_indexer]


# Unusual names, so that finding them on a page means something.
DPO = ("dana-dpo", "Dana Prewitt")  # the verified public servant who knows about DPIAs
SEARCHER = ("ada", "Ada Lovelace")
CAMPAIGNER = ("cyd", "Cy Dlamini")  # a member of the public rooms, not of the private one
PANELLIST = ("ola", "Ola Nwosu")  # runs the private room

POLICING = "Policing and technology"
POLICING_SLUG = "policing-and-technology"
SMART_CITIES = "Smart cities"
PANEL = "Watchlist review panel"

DPIA_BIO = "I review data protection impact assessments for council projects before they start."
FIRST = "Does anyone have the council's facial recognition trial report?"
SECOND = "A facial recognition pilot needs a DPIA before it starts."
HOSTILE = '<img src=x onerror="window.__xss=1">facial recognition'
STATION = "Facial recognition cameras at the station came up again at the forum."
SECRET = "Confidential: the facial recognition watchlist audit is due in March."

QUERY = "facial recognition"
# What Ada (member of both public rooms, not the private one) finds for QUERY.
ADA_COUNTS = {"All": 7, "People": 1, "Rooms": 2, "Messages": 4}
# A visitor finds the public profile and the room open to the public, with its one message.
VISITOR_COUNTS = {"All": 3, "People": 1, "Rooms": 1, "Messages": 1}


def wait_for_index(app, timeout: float = 5) -> None:
    """Poll until the background indexer has a readable index and has handled every recorded change."""
    deadline = time.monotonic() + timeout
    with app.app_context():
        while True:
            pending = db.session.scalar(select(func.count(SearchChange.id)))
            db.session.remove()
            if pending == 0 and is_healthy():
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the search indexer left {pending} change(s) unindexed after {timeout} s")
            time.sleep(0.05)


@pytest.fixture
def seeded(live_server) -> dict[str, int]:
    """The people, rooms and messages every test here searches; the ids the tests need, once indexed."""
    with live_server.app.app_context():
        dana = make_verified(
            organisation="Leeds City Council",
            username=DPO[0],
            display_name=DPO[1],
            job_title="Data protection officer",
            region="Yorkshire and the Humber",
            bio=DPIA_BIO,
            help_tags="Data protection, DPIAs",
        )
        ada = make_user(
            username=SEARCHER[0], display_name=SEARCHER[1], region="London", help_tags="Open data", learn_tags="AI"
        )
        cyd = make_user(
            username=CAMPAIGNER[0],
            display_name=CAMPAIGNER[1],
            region="London",
            bio="Campaigner on facial recognition in public spaces.",
            help_tags="Civil liberties",
        )
        ola = make_user(username=PANELLIST[0], display_name=PANELLIST[1], region="North West")
        policing = make_room(
            ada,
            POLICING,
            description="Body-worn cameras, live facial recognition and the rest of police technology",
            tags="Facial recognition, Policing",
            members=[dana, cyd],
        )
        smart = make_room(
            ola,
            SMART_CITIES,
            description="Facial recognition cameras, sensors and data in town centres",
            tags="Smart cities",
            open_to_public=True,
            members=[ada],
        )
        panel = make_room(ola, PANEL, kind="private", description="Reviewing the watch lists", members=[dana])
        ids = {
            "first": messages.post_message(policing, ada, FIRST).id,
            "second": messages.post_message(policing, dana, SECOND).id,
            "hostile": messages.post_message(policing, cyd, HOSTILE).id,
            "station": messages.post_message(smart, ola, STATION).id,
            "secret": messages.post_message(panel, ola, SECRET).id,
        }
    wait_for_index(live_server.app)
    return ids


@pytest.fixture
def open_page(browser, live_server) -> Iterator[Callable[..., Page]]:
    """Open a page in a browser context of its own, signed in as `username` (None: a visitor); context
    options such as java_script_enabled or viewport are passed on. Every context is closed afterwards."""
    contexts = []

    def open_as(username: str | None, path: str, **options) -> Page:
        context = browser.new_context(**{"viewport": {"width": 1100, "height": 900}, **options})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if username:
            sign_in(page, live_server.url, username)
        page.goto(live_server.url + path)
        return page

    yield open_as
    for context in contexts:
        context.close()


def sign_in_with_the_form(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Email address or username").fill(username)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Menu").get_by_role("button", name="Sign out")).to_be_visible()


def header_search(page: Page, text: str) -> None:
    """Type into the header's search box and press Enter; wait for the search page."""
    box = page.get_by_role("banner").get_by_role("searchbox", name="Search civicnet")
    box.fill(text)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))


def tabs(page: Page):
    return page.get_by_role("navigation", name="Kinds of result").get_by_role("link")


def expect_tabs(page: Page, counts: dict[str, int], current: str) -> None:
    counts = {**counts, "Technology": counts.get("Technology", 0)}  # none of these searches is about one
    expect(tabs(page)).to_have_text([f"{label} ({count})" for label, count in counts.items()])
    expect(page.locator(".civicnet-search-tabs__link[aria-current=page]")).to_have_text(
        f"{current} ({counts[current]})"
    )


def result_count(page: Page):
    return page.locator("#result-count")


def hits(page: Page):
    return page.locator("li.civicnet-search-hit")


def facet_link(page: Page, label: str):
    return page.get_by_role("main").get_by_role("link", name=re.compile(rf"^{re.escape(label)}\s*,?\s*\(\d+\)$"))


def remove_filter(page: Page, text: str):
    return page.get_by_role("list", name="Filters in use").get_by_role(
        "link", name=re.compile(rf"Remove filter {text}")
    )


def marked_words(page: Page) -> set[str]:
    return {text.lower() for text in page.locator("main mark.civicnet-highlight").all_inner_texts()}


# --- 1. The whole journey ----------------------------------------------------------------------------------


def test_member_finds_the_dpia_expert_and_the_facial_recognition_discussion(
    seeded, page: Page, live_server, console_problems
):
    url = live_server.url
    sign_in_with_the_form(page, url, SEARCHER[0])

    # From another page, the header's search box leads to /search.
    page.goto(f"{url}/rooms")
    header_search(page, "data protection impact assessments")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(
        page.get_by_role("searchbox", name="Search people, rooms, messages and the technology register")
    ).to_have_value("data protection impact assessments")
    expect_tabs(page, {"All": 1, "People": 1, "Rooms": 0, "Messages": 0}, "All")
    person = hits(page).filter(has_text=DPO[1])
    expect(person).to_contain_text("Verified")
    expect(person).to_contain_text("Can help with: Data protection, DPIAs")
    assert marked_words(page) == {"data protection impact assessments", "data protection"}
    expect(person.locator("mark").first).to_be_visible()

    # The discussion half remembered, typed into the header of a room page this time.
    page.goto(f"{url}/rooms/{POLICING_SLUG}")
    header_search(page, QUERY)
    expect(page).to_have_title(f"Search: {QUERY} – civicnet")
    expect_tabs(page, ADA_COUNTS, "All")
    expect(result_count(page)).to_have_text("7 results")
    expect(page.get_by_role("main").get_by_role("heading", level=2)).to_have_text(
        ["People (1)", "Rooms (2)", "Messages (4)"]
    )
    assert marked_words(page) == {"facial recognition"}
    # The hostile message is shown as the text it is, and runs nothing.
    hostile = hits(page).filter(has_text="onerror")
    expect(hostile.locator(".civicnet-search-hit__snippet")).to_have_text(HOSTILE)
    expect(hostile.locator("mark")).to_have_text(["facial recognition"])
    expect(page.locator("main img")).to_have_count(0)
    assert page.evaluate("typeof window.__xss") == "undefined"
    expect(page.get_by_role("main")).not_to_contain_text(SECRET)

    # Messages only, then one room's, newest first.
    tabs(page).filter(has_text="Messages").click()
    expect(page).to_have_url(re.compile(r"type=messages"))
    expect_tabs(page, ADA_COUNTS, "Messages")
    expect(result_count(page)).to_have_text("4 results")
    expect(page.get_by_role("heading", name="Narrow results")).to_be_visible()
    facet_link(page, POLICING).click()
    expect(page).to_have_url(re.compile(rf"room={POLICING_SLUG}"))
    expect(result_count(page)).to_have_text("3 results")
    expect(hits(page)).to_have_count(3)
    expect(hits(page).filter(has_text=STATION)).to_have_count(0)
    expect(page.get_by_role("main").locator("strong", has_text=f"{POLICING} (3)")).to_be_visible()

    page.get_by_role("link", name="newest first").click()
    expect(page).to_have_url(re.compile(r"sort=newest"))
    expect(page.locator("p", has_text="Sort by:").locator("strong")).to_have_text("newest first")
    expect(hits(page).locator(".civicnet-search-hit__snippet")).to_have_text([HOSTILE, SECOND, FIRST])

    # Removing the room filter keeps the tab and the order: the other room's message is the newest.
    remove_filter(page, "Room").click()
    expect(page).not_to_have_url(re.compile(r"room="))
    expect(page).to_have_url(re.compile(r"type=messages.*sort=newest"))
    expect(result_count(page)).to_have_text("4 results")
    expect(hits(page).locator(".civicnet-search-hit__snippet")).to_have_text([STATION, HOSTILE, SECOND, FIRST])
    expect(page.get_by_role("list", name="Filters in use")).to_have_count(0)

    # A result opens the room at that message.
    second = seeded["second"]
    hits(page).filter(has_text=SECOND).get_by_role("link", name=f"{DPO[1]} in {POLICING}").click()
    expect(page).to_have_url(re.compile(rf"/rooms/{POLICING_SLUG}\?before={second + 1}#message-{second}$"))
    expect(page.locator(f"#message-{second}")).to_be_visible()
    expect(page.locator(f"#message-{second}")).to_be_in_viewport()
    expect(page.locator(f"#message-{second}")).to_contain_text(SECOND)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert console_problems == []


HEADER_PAGES = [
    "/",
    "/about",
    f"/people/{DPO[0]}",
    "/tags",
    "/tags/data-protection",
    "/mentoring",
    "/notifications",
    "/account",
    "/no-such-page",
]


def test_header_search_box_works_on_every_kind_of_page(seeded, page: Page, live_server, console_problems):
    sign_in(page, live_server.url, SEARCHER[0])
    for path in HEADER_PAGES:
        page.goto(live_server.url + path)
        header_search(page, "DPIA")
        expect(page).to_have_url(f"{live_server.url}/search?q=DPIA")
        expect_tabs(page, {"All": 2, "People": 1, "Rooms": 0, "Messages": 1}, "All")
    page.goto(f"{live_server.url}/search?q=DPIA")
    expect(page.get_by_role("banner").get_by_role("searchbox")).to_have_count(0)  # the page's own box is enough
    assert [p for p in console_problems if "status of 404" not in p] == []


def test_people_directory_and_tag_pages_use_the_same_search(seeded, page: Page, live_server, console_problems):
    url = live_server.url
    page.goto(f"{url}/people")
    page.get_by_label("Search people").fill("impact assessments")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("main p[role=status]")).to_have_text("1 person matching “impact assessments”")
    expect(hits(page)).to_have_count(1)
    expect(hits(page)).to_contain_text(DPO[1])
    assert marked_words(page) == {"impact assessments"}

    page.goto(f"{url}/tags/data-protection")
    page.get_by_role("searchbox", name="Search people, rooms and messages about Data protection").fill("impact")
    page.get_by_role("searchbox", name="Search people, rooms and messages about Data protection").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?tag=data-protection&q=impact$"))
    expect(remove_filter(page, "Tag")).to_have_text(re.compile(r"Tag: Data protection"))
    expect_tabs(page, {"All": 1, "People": 1, "Rooms": 0, "Messages": 0}, "All")
    expect(hits(page)).to_contain_text(DPO[1])
    assert console_problems == []


# --- 2. Private rooms stay private --------------------------------------------------------------------------


def test_private_room_messages_are_found_only_by_its_members(seeded, open_page, live_server):
    outsider = open_page(CAMPAIGNER[0], "/search?q=watchlist+audit")
    expect(outsider.get_by_role("main")).to_contain_text("No results")
    expect_tabs(outsider, {"All": 0, "People": 0, "Rooms": 0, "Messages": 0}, "All")
    expect(outsider.get_by_role("main")).not_to_contain_text("Confidential")
    outsider.goto(f"{live_server.url}/search?q=watchlist&type=rooms")
    expect(result_count(outsider)).to_have_text("0 results")
    outsider.goto(f"{live_server.url}/search?q={QUERY}&type=messages")
    expect(result_count(outsider)).to_have_text("4 results")  # every public room's, none of the private one's
    expect(outsider.get_by_role("main")).not_to_contain_text(PANEL)

    visitor = open_page(None, f"/search?q={QUERY}")
    expect_tabs(visitor, VISITOR_COUNTS, "All")
    expect(hits(visitor).filter(has_text=POLICING)).to_have_count(0)  # open only to members
    expect(visitor.get_by_role("main")).not_to_contain_text(PANEL)

    member = open_page(DPO[0], "/search?q=watchlist+audit")
    expect_tabs(member, {"All": 1, "People": 0, "Rooms": 0, "Messages": 1}, "All")
    expect(hits(member)).to_have_count(1)
    expect(hits(member)).to_contain_text(f"{PANELLIST[1]} in {PANEL}")
    expect(hits(member).locator(".civicnet-search-hit__snippet")).to_have_text(SECRET)
    hits(member).get_by_role("link").first.click()
    expect(member.locator(f"#message-{seeded['secret']}")).to_be_visible()


@pytest.mark.parametrize("tab", ["people", "rooms"])
def test_people_and_rooms_tabs_list_results_without_a_region_or_tag(tab, seeded, page: Page, live_server):
    with live_server.app.app_context():
        host = make_user(
            username="vic",
            display_name="Vic Cyclist",
            region="London",
            bio="Counts cycle lanes.",
            help_tags="Transport",
        )
        make_user(username="wyn", display_name="Wyn Walker", bio="Maps cycle lanes too.")  # no region, no tags
        make_room(host, "Cycling", description="Cycle lanes and the council", tags="Transport")
        make_room(host, "Streets", description="Cycle lanes, pavements and crossings")  # no tags
    wait_for_index(live_server.app)
    sign_in(page, live_server.url, SEARCHER[0])

    response = page.goto(f"{live_server.url}/search?q=cycle+lanes&type={tab}")

    assert response.status == 200
    expect(result_count(page)).to_have_text("2 results")
    expect(page.get_by_role("heading", name="Narrow results")).to_be_visible()


def test_region_facet_offers_only_regions_members_gave(seeded, page: Page, live_server):
    with live_server.app.app_context():
        make_user(
            username="vic",
            display_name="Vic Cyclist",
            region="London",
            bio="Counts cycle lanes.",
            help_tags="Transport",
        )
        make_user(username="wyn", display_name="Wyn Walker", bio="Maps cycle lanes too.", help_tags="Transport")
    wait_for_index(live_server.app)
    sign_in(page, live_server.url, SEARCHER[0])
    page.goto(f"{live_server.url}/search?q=cycle+lanes&type=people")
    expect(result_count(page)).to_have_text("2 results")

    regions = page.locator("h3", has_text="Region").locator("xpath=following-sibling::ul[1]").get_by_role("link")

    expect(regions).to_have_count(1)
    expect(regions).to_have_text(re.compile(r"^London\W*\(1\)$"))


def test_each_tab_shows_as_many_results_as_its_count(seeded, page: Page, live_server):
    sign_in(page, live_server.url, SEARCHER[0])
    page.goto(f"{live_server.url}/search?q={QUERY}&type=messages&room={POLICING_SLUG}")
    promised = {re.sub(r"\s+", " ", link.inner_text()).strip(): link.get_attribute("href") for link in tabs(page).all()}

    found = {}
    for label, href in promised.items():
        page.goto(live_server.url + href)
        found[label] = re.sub(r"\s+", " ", page.locator(".civicnet-search-tabs__link[aria-current=page]").inner_text())

    assert found == {label: label for label in promised}


# --- 3. Without JavaScript ------------------------------------------------------------------------------------


def test_search_works_without_javascript(seeded, open_page):
    page = open_page(SEARCHER[0], "/people", java_script_enabled=False)

    header_search(page, QUERY)
    expect_tabs(page, ADA_COUNTS, "All")
    expect(hits(page).filter(has_text="onerror").locator(".civicnet-search-hit__snippet")).to_have_text(HOSTILE)

    tabs(page).filter(has_text="People").click()
    expect_tabs(page, ADA_COUNTS, "People")
    expect(hits(page)).to_contain_text(CAMPAIGNER[1])
    facet_link(page, "London").click()
    expect(page).to_have_url(re.compile(r"region=London"))
    expect(result_count(page)).to_have_text("1 result")

    tabs(page).filter(has_text="Messages").click()  # a new tab drops the other tab's facets
    expect(page).not_to_have_url(re.compile(r"region="))
    facet_link(page, SMART_CITIES).click()
    expect(result_count(page)).to_have_text("1 result")
    expect(hits(page)).to_contain_text(STATION)
    remove_filter(page, "Room").click()
    expect(result_count(page)).to_have_text("4 results")

    # A date range typed in, then a ready-made one.
    page.get_by_label("Before (YYYY-MM-DD)").fill("2000-01-01")
    page.get_by_role("button", name="Apply dates").click()
    expect(result_count(page)).to_have_text("0 results")
    expect(page.get_by_role("main")).to_contain_text("No results. Try fewer words")
    remove_filter(page, "Before").click()
    expect(result_count(page)).to_have_text("4 results")
    facet_link(page, "Past week").click()
    expect(page).to_have_url(re.compile(r"after=\d{4}-\d\d-\d\d"))
    expect(result_count(page)).to_have_text("4 results")
    remove_filter(page, "After").click()
    expect(page).not_to_have_url(re.compile(r"after="))

    # The page's own box keeps the tab.
    page.get_by_role("searchbox", name="Search people, rooms, messages and the technology register").fill("DPIA")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=DPIA&type=messages"))
    expect(result_count(page)).to_have_text("1 result")
    expect(hits(page)).to_contain_text(SECOND)


# --- 4. axe on every state of the page ----------------------------------------------------------------------


@dataclass
class Case:
    id: str
    path: str
    who: str | None  # a username, or None for a visitor
    ready: str = ""  # text the page shows once it is what the case is about
    action: Callable[[Page], None] | None = None


PAGES = [
    ("empty", "/search", "How to search"),
    ("results", f"/search?q={QUERY}", "results"),
    ("people", f"/search?q={QUERY}&type=people", "Narrow results"),
    ("people-filtered", f"/search?q={QUERY}&type=people&region=London", "Remove filter"),
    ("rooms", f"/search?q={QUERY}&type=rooms", "Narrow results"),
    ("messages", f"/search?q={QUERY}&type=messages", "Sent between"),
    ("messages-newest", f"/search?q={QUERY}&type=messages&sort=newest", "Sort by"),
    ("unclosed-quote", "/search?q=%22abc", "Close the quotation mark"),
    ("unknown-operator", "/search?q=foo:bar", "does not know the filter"),
    ("bad-date", f"/search?q={QUERY}&type=messages&after=tomorrow", "Write the date after after:"),
    ("no-results", "/search?q=zyzzogeton", "No results"),
]
CASES = [
    Case(f"{name}-{'signed-in' if who else 'signed-out'}", path, who, ready)
    for name, path, ready in PAGES
    for who in (SEARCHER[0], None)
]
NOTHING = re.compile(r"^$")


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_search_pages_pass_axe(case: Case, seeded, page: Page, live_server, console_problems):
    open_and_check_with_axe(page, live_server.url, case, seeded, console_problems, NOTHING)


@pytest.mark.parametrize("who", [SEARCHER[0], None], ids=["signed-in", "signed-out"])
def test_search_being_rebuilt_passes_axe(who, seeded, page: Page, live_server, console_problems):
    app = live_server.app
    if who:
        sign_in(page, live_server.url, who)
    # Holding the indexer's lock keeps the index missing while the page is read (the indexer would
    # otherwise rebuild it within a second).
    with app.app_context(), writer_lock(wait=True):
        shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
        response = page.goto(f"{live_server.url}/search?q={QUERY}")
        assert response.status == 503
        expect(page.get_by_role("main").get_by_role("status")).to_contain_text("Search is being rebuilt")
        expect(page.get_by_role("link", name="browse rooms")).to_be_visible()
        check_page(page)
    assert [p for p in console_problems if "status of 503" not in p] == []

    # Once the lock is free, the indexer rebuilds the index and search answers again.
    wait_for_index(app)
    page.goto(f"{live_server.url}/search?q={QUERY}")
    expect(tabs(page).first).to_have_text(f"All ({ADA_COUNTS['All'] if who else VISITOR_COUNTS['All']})")


# --- 5. At phone width ----------------------------------------------------------------------------------------

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def phone(open_page) -> Callable[[str], Page]:
    """Ada, signed in, on a phone-sized window (not is_mobile: a mobile viewport widens to fit what overflows)."""
    return lambda path: open_page(SEARCHER[0], path, viewport=PHONE, has_touch=True)


def overflow(page: Page) -> int:
    """How far the document is wider than the window (0 or less: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_search_is_usable_at_phone_width(seeded, phone):
    page = phone("/people")
    box = page.get_by_role("banner").get_by_role("searchbox", name="Search civicnet")
    expect(box).to_be_in_viewport()
    assert box.bounding_box()["width"] >= 200, "the header search box is too narrow to type in"
    assert overflow(page) <= 0
    header_search(page, QUERY)
    expect_tabs(page, ADA_COUNTS, "All")
    expect(hits(page).first).to_be_visible()
    assert overflow(page) <= 0

    for tab in ("People", "Rooms", "Messages"):
        tabs(page).filter(has_text=tab).click()
        expect(page.locator(".civicnet-search-tabs__link[aria-current=page]")).to_contain_text(tab)
        expect(hits(page).first).to_be_visible()
        assert overflow(page) <= 0, f"the {tab} tab scrolls sideways"
        for hit in hits(page).all():
            edges = hit.bounding_box()
            assert edges["x"] >= 0 and edges["x"] + edges["width"] <= PHONE["width"], f"a {tab} result is too wide"
    facet_link(page, POLICING).click()
    expect(result_count(page)).to_have_text("3 results")
    assert overflow(page) <= 0


def test_search_page_box_leaves_room_to_type_at_phone_width(seeded, phone):
    page = phone(f"/search?q={QUERY}")

    field = page.get_by_role(
        "searchbox", name="Search people, rooms, messages and the technology register"
    ).bounding_box()
    button = page.get_by_role("main").get_by_role("button", name="Search").bounding_box()

    assert field["width"] >= 2 * button["width"], f"query box {field['width']}px, button {button['width']}px"
