"""Pages hold on a 375 px phone: nothing scrolls sideways (issue 16's first list of what broke)."""

import pytest
from playwright.sync_api import Page, expect

from civicnet.accounts.services import find_user_by_username
from civicnet.moderation import reports
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.rooms.messages import post_message
from civicnet.rooms.services import get_readable_room
from tests.browser.conftest import sign_in
from tests.factories import make_room, make_user, make_verified

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def busy(live_server) -> dict:
    """A verified public servant with a long organisation, a room they speak in, reports and decisions."""
    with live_server.app.app_context():
        servant = make_verified(
            organisation="Royal Borough of Kensington and Chelsea Council", username="priya", display_name="Priya Shah"
        )
        ada = make_user(username="ada", display_name="Ada Lovelace")
        make_user(username="rootadmin", role="admin", display_name="Root Admin")
        moderator = make_user(username="grace", role="moderator", display_name="Grace Hopper")
        room = make_room(servant, "Procurement of algorithmic decision-making systems", members=[ada])
        message = post_message(room, servant, "Our framework contract is at https://example.org/" + "x" * 80)
        reports.report(ada, "message", message.id, "misinformation", "Checking the framework contract number")
        take_action(moderator, ActionRequest(kind="warn", reason="respect", username="ada", note="Please stay civil"))
        return {"room": room.slug}


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (None, "/people"),
        ("ada", "/people"),
        ("ada", "/rooms"),
        ("ada", "/rooms/{room}"),
        ("rootadmin", "/moderation/audit"),
        (None, "/transparency"),
    ],
)
def test_no_page_scrolls_sideways_at_375_px(who, path, page: Page, live_server, busy):
    page.set_viewport_size(PHONE)
    if who:
        sign_in(page, live_server.url, who)
    assert page.goto(live_server.url + path.format(**busy)).status == 200
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width} px wide at {PHONE['width']} px"


def test_the_menu_folds_behind_a_button_on_a_phone_and_opens_with_it(page: Page, live_server, busy):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "ada")
    page.goto(live_server.url + "/people")
    menu = page.get_by_role("button", name="Menu")
    rooms = page.get_by_role("navigation", name="Menu").get_by_role("link", name="Rooms")
    expect(menu).to_be_visible()
    expect(rooms).to_be_hidden()
    # The page's heading is near the top, not under a block of links (it was about 240 px down).
    assert page.get_by_role("heading", level=1).bounding_box()["y"] < 240
    # Ada's unread notification (the warning) shows on the button too, and the count stays live there.
    expect(menu).to_have_accessible_name("Menu 1 unread notification")
    with live_server.app.app_context():
        priya = find_user_by_username("priya")
        post_message(get_readable_room(priya, busy["room"]), priya, "Thanks @ada")
    expect(menu).to_have_accessible_name("Menu 2 unread notifications")
    expect(menu.locator("#menu-count")).to_have_text("2")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#notification-count")).to_have_text("2")
    rooms.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rooms")


def test_every_link_is_in_one_row_on_a_desktop(page: Page, live_server, busy):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, "grace")  # a moderator: the longest menu, with two counts
    page.goto(live_server.url + "/people")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    tops = page.locator(".govuk-service-navigation__item").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(tops) >= 9 and len(set(tops)) == 1, tops
