"""Direct messages in two browsers, one a desktop at 1280 px and one a 375 px phone: Ada writes to Bob
from his profile, they exchange messages live, and only the two of them find the words by search."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.chat import messages_saying, online_now, send, watch
from tests.browser.conftest import sign_in
from tests.browser.test_search import wait_for_index
from tests.factories import make_room, make_user

pytestmark = [pytest.mark.browser, pytest.mark.live_indexer]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
FIRST = "The heron survey starts at dawn on Saturday"
REPLY = "Heron hides are booked for both of us"
LAST = "See you at the heron hide"


@pytest.fixture
def birders(live_server):
    """Ada, Bob and Cy share the room "Birdwatching", so each may message the others."""
    with live_server.app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        bob = make_user(username="bob", display_name="Bob Okafor")
        cyd = make_user(username="cyd", display_name="Cy Dlamini")
        make_room(ada, "Birdwatching", members=[bob, cyd])
    return live_server


def open_as(browser: Browser, contexts: list, problems: list, url: str, username: str, viewport: dict) -> Page:
    context = browser.new_context(viewport=viewport)
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch(page, problems)
    sign_in(page, url, username)
    return page


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"


def hits(page: Page):
    return page.locator("li.civicnet-search-hit")


def test_two_members_message_each_other_live_and_only_they_find_it_by_search(browser, birders):
    url, contexts, problems = birders.url, [], []
    try:
        ada = open_as(browser, contexts, problems, url, "ada", DESKTOP)
        ada.goto(f"{url}/people/bob")
        ada.get_by_role("link", name="Send a message to Bob Okafor").click()
        expect(ada.get_by_role("heading", level=1)).to_have_text("Start a conversation")
        expect(ada.get_by_role("combobox", name="To")).to_have_value("bob")
        ada.get_by_role("textbox", name="Message").fill(FIRST)
        ada.get_by_role("button", name="Send message").click()
        expect(ada.get_by_role("heading", level=1)).to_have_text("Bob Okafor")
        expect(messages_saying(ada, FIRST)).to_have_count(1)
        online_now(ada, "Ada Lovelace (you)")

        bob = open_as(browser, contexts, problems, url, "bob", PHONE)
        bob.goto(f"{url}/messages")
        conversation = bob.get_by_role("link", name="Ada Lovelace", exact=True)
        expect(bob.get_by_role("main")).to_contain_text("1 unread")
        fits(bob)
        conversation.click()
        expect(bob.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
        expect(messages_saying(bob, FIRST)).to_have_count(1)
        online_now(bob, "Bob Okafor (you)", "Ada Lovelace")
        fits(bob)

        send(bob, REPLY)  # from the phone, live to the desktop
        expect(messages_saying(ada, REPLY)).to_have_count(1)
        send(ada, LAST)  # and back
        expect(messages_saying(bob, LAST)).to_have_count(1)
        fits(bob)

        wait_for_index(birders.app)
        ada.goto(f"{url}/search?q=heron&type=messages")
        expect(hits(ada)).to_have_count(3)
        expect(hits(ada).first).to_contain_text("in Bob Okafor")  # named as Ada sees the conversation
        bob.goto(f"{url}/search?q=heron&type=messages")
        expect(hits(bob)).to_have_count(3)
        expect(hits(bob).first).to_contain_text("in Ada Lovelace")
        fits(bob)

        cyd = open_as(browser, contexts, problems, url, "cyd", DESKTOP)
        cyd.goto(f"{url}/search?q=heron+survey")
        expect(cyd.get_by_role("main")).to_contain_text("No results")
        expect(cyd.get_by_role("main")).not_to_contain_text("dawn")
        cyd.goto(f"{url}/messages")
        expect(cyd.get_by_role("main")).to_contain_text("You have no conversations yet")
        assert problems == []
    finally:
        for context in contexts:
            context.close()
