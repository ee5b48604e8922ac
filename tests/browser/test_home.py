"""A signed-in member's home in Chromium, on a desktop and a 375 px phone: a room with unread messages
links straight to the first of them."""

import pytest
from playwright.sync_api import Page, expect

from civicnet.accounts.services import find_user_by_username
from civicnet.rooms import messages
from civicnet.rooms.services import get_readable_room
from tests.browser.conftest import sign_in
from tests.factories import make_room, make_user

pytestmark = pytest.mark.browser


def test_a_room_on_the_home_page_opens_at_the_first_unread_message(live_server, page: Page, console_problems):
    app = live_server.app
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        bob = make_user(username="bob", display_name="Bob Okafor")
        make_room(bob, "Open data", members=[ada])
    sign_in(page, live_server.url, "ada")
    for width in (1280, 375):
        with app.app_context():
            room = get_readable_room(find_user_by_username("bob"), "open-data")
            bob = find_user_by_username("bob")
            # Read messages first, so the first unread one is well below the fold.
            read = [messages.post_message(room, bob, f"Read at {width} px, part {n}") for n in range(20)]
            messages.mark_read(find_user_by_username("ada"), room, read[-1].id)
            for n in range(30):
                messages.post_message(room, bob, f"At {width} px, part {n}")
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server.url + "/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing scrolls sideways
        mine = page.locator("#my-rooms")
        expect(mine.get_by_role("listitem")).to_contain_text("30 unread")
        mine.get_by_role("link", name="Open data").click()
        marker = page.locator("#first-unread")
        expect(marker).to_have_text("New messages")
        expect(page).to_have_url(live_server.url + "/rooms/open-data#first-unread")
        expect(marker).to_be_in_viewport()
        assert page.evaluate("window.scrollY") > 0
        expect(marker.locator("xpath=following-sibling::li[1]")).to_contain_text(f"At {width} px, part 0")
        page.goto("about:blank")  # an open room page would read the next messages as they arrive
    assert console_problems == []
