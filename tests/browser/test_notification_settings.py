"""A member sets how civicnet tells them things, follows and mutes rooms, follows a tag, receives the
emails that follow (captured), and unsubscribes from an email's link while signed out. The emails' HTML
passes axe too."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from civicnet.accounts.services import find_user_by_username
from civicnet.rooms import services as rooms
from civicnet.rooms.messages import post_message
from tests.browser.conftest import check_page, sign_in, wait_until_connected, watch_socket
from tests.factories import make_room, make_user

pytestmark = pytest.mark.browser
axe = Axe()


@pytest.fixture
def neighbours(live_server):
    with live_server.app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace", help_tags="Open data")
        bob = make_user(username="bob", display_name="Bob Baker")
        make_room(ada, "Open data", members=[bob])
        make_room(ada, "Car parks", members=[bob])
    live_server.app.config["NOTIFY_EMAIL_DELAY"] = 0  # the clock is tested elsewhere: email at once


def post_as_ada(app, room: str, body: str) -> None:
    with app.app_context():
        ada = find_user_by_username("ada")
        post_message(rooms.get_readable_room(ada, room), ada, body)


def test_a_member_sets_preferences_and_unsubscribes_from_an_email_signed_out(
    page: Page, live_server, neighbours, outbox, console_problems
):
    sign_in(page, live_server.url, "bob")
    page.goto(f"{live_server.url}/account/notifications")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    page.get_by_role("radio", name="Someone replies to my message: Off").check()
    page.get_by_role("group", name="How often should civicnet send you a digest?").get_by_label("Daily").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-notification-banner, .civicnet-flash, [role=alert]").first).to_contain_text(
        "Your notification settings are saved"
    )
    expect(page.get_by_role("radio", name="Someone replies to my message: Off")).to_be_checked()

    # Follow one room, mute the other, follow a tag.
    page.goto(f"{live_server.url}/rooms/open-data")
    page.get_by_label("Follow: every new message notifies you").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_label("Follow: every new message notifies you")).to_be_checked()
    page.goto(f"{live_server.url}/rooms/car-parks")
    page.get_by_label("Mute: nothing, not even the unread count").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(f"{live_server.url}/tags/open-data")
    page.get_by_role("button", name="Follow Open data").click()
    expect(page.get_by_role("button", name="Stop following Open data")).to_be_visible()

    # A mention in the muted room tells Bob nothing; one in the followed room is emailed.
    page.goto(f"{live_server.url}/rooms")
    expect(page.get_by_role("row", name=re.compile("Car parks"))).to_contain_text("Muted")
    post_as_ada(live_server.app, "car-parks", "@bob the barrier is broken")
    post_as_ada(live_server.app, "open-data", "@bob the tender is out")
    [email] = outbox
    assert "mentioned you in Open data" in email.subject and "the tender is out" in email.body
    page.goto(f"{live_server.url}/notifications")
    expect(page.get_by_role("main")).to_contain_text("the tender is out")
    expect(page.get_by_role("main")).not_to_contain_text("barrier")
    check_page(page)

    # The email's HTML passes axe (in a blank tab: a mail client has no site around it).
    reader = page.context.new_page()
    try:
        reader.set_content(email.html)
        results = axe.run(reader)
        assert results.violations_count == 0, results.generate_report()
    finally:
        reader.close()

    # Signed out, in another browser: the email's link unsubscribes at once, and offers the rest.
    link = re.search(r"(http://\S+/unsubscribe/\S+)", email.body).group(1)
    stranger = page.context.browser.new_context()
    try:
        other = stranger.new_page()
        other.goto(link)
        expect(other.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
        expect(other.get_by_role("main")).to_contain_text("someone mentions me")
        other.get_by_role("button", name="Unsubscribe from everything").click()
        expect(other.get_by_role("main")).to_contain_text("only the emails that cannot be turned off")
        check_page(other)
    finally:
        stranger.close()
    page.goto(f"{live_server.url}/account/notifications")
    expect(page.get_by_role("radio", name="Someone mentions me: On the site only")).to_be_checked()
    expect(
        page.get_by_role("group", name="How often should civicnet send you a digest?").get_by_label("Never")
    ).to_be_checked()
    assert console_problems == []


def test_the_list_and_the_count_follow_in_every_tab(page: Page, live_server, neighbours, console_problems):
    sign_in(page, live_server.url, "bob")
    tabs, frames = [], []
    try:
        for _ in range(2):  # the same member in two tabs, each watched until its socket is live
            frames.append([])
            tabs.append(page.context.new_page())
            tabs[-1].on("pageerror", lambda error: console_problems.append(f"uncaught: {error}"))
            tabs[-1].on("console", lambda m: m.type == "error" and console_problems.append(f"console: {m.text}"))
            watch_socket(frames[-1])(tabs[-1])
            tabs[-1].goto(f"{live_server.url}/notifications")
            expect(tabs[-1].locator("#no-notifications")).to_be_visible()
            wait_until_connected(tabs[-1], frames[-1])
        post_as_ada(live_server.app, "open-data", "@bob the tender is out")
        for tab in tabs:
            item = tab.locator("[data-notification]").first
            expect(item).to_contain_text("Ada Lovelace mentioned you in Open data")
            expect(item.locator(".civicnet-new")).to_have_text("New")
            expect(tab.locator("#notification-count")).to_have_text("1")
        tabs[0].get_by_role("link", name="Open data").first.click()  # opening it marks it read
        expect(tabs[1].locator("#notification-count")).to_have_text("")
        expect(tabs[1].locator("[data-notification] .civicnet-new")).to_have_count(0)
    finally:
        for tab in tabs:
            tab.close()
    assert console_problems == []
