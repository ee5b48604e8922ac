"""The room's message box in headless Chromium, on a desktop and on a 375 px phone: "@" suggests people
to mention (chosen with the keyboard), Preview shows the server's rendering, and Preview works without
JavaScript too."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import sign_in
from tests.factories import make_room, make_user

pytestmark = pytest.mark.browser

ROOM = "/rooms/open-data"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def room(app, server):
    """Ada and Grace in the public room "Open data"; Gregory, in the directory but not in the room."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        grace = make_user(username="grace", display_name="Grace Hopper")
        make_user(username="gregory", display_name="Gregory Peck")
        make_room(ada, "Open data", members=[grace])
    return server


def open_room(browser: Browser, url: str, viewport: dict, problems: list[str], **options) -> Page:
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" or "Content Security" in m.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, url, "ada")
    page.goto(url + ROOM)
    return page


def no_sideways_scroll(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_mention_a_member_with_the_keyboard_preview_and_preview_without_javascript(browser, room, viewport):
    problems: list[str] = []
    page = open_room(browser, room.url, viewport, problems)
    expect(page.locator("#online")).to_contain_text("Ada Lovelace (you)")
    box = page.get_by_role("textbox", name="Message")
    box.press_sequentially("Thanks @gr")

    listbox = page.get_by_role("listbox", name="People to mention")
    options = listbox.get_by_role("option")
    # The room's member first, then a member of the site who is in the directory; never Ada herself.
    expect(options).to_have_text(["Grace Hopper @grace", "Gregory Peck @gregory"])
    expect(page.get_by_role("status").filter(has_text="suggestions available")).to_have_text("2 suggestions available")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "mention-suggestions-0")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "mention-suggestions-1")
    box.press("ArrowUp")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter" if viewport is DESKTOP else "Tab")  # chooses Grace: it neither sends nor leaves the box
    expect(box).to_have_value("Thanks @grace ")
    expect(box).to_be_focused()
    expect(listbox).to_be_hidden()
    box.press_sequentially("@gre")
    expect(options).to_have_count(1)
    box.press("Escape")
    expect(listbox).to_be_hidden()
    box.fill("Thanks @grace, this is **ready** :tada:")

    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_be_focused()
    expect(preview.locator("strong")).to_have_text("ready")
    expect(preview).to_contain_text("Thanks @grace, this is ready 🎉")
    expect(preview.get_by_role("link", name="@grace")).to_have_attribute("href", "/people/grace")
    expect(page.locator("li.civicnet-message")).to_have_count(0)  # nothing was sent
    if viewport is PHONE:
        no_sideways_scroll(page, PHONE["width"])
    preview.get_by_role("link", name="Edit your message").click()
    expect(box).to_be_focused()
    box.press("End")
    box.press_sequentially("!")  # typing again: the preview is out of date, so it goes
    expect(preview).to_be_hidden()
    box.press("Enter")
    sent = page.locator("li.civicnet-message[data-id]")
    expect(sent.locator(".civicnet-message__body strong")).to_have_text("ready")
    expect(sent).to_contain_text("this is ready 🎉!")

    box.fill("")
    page.get_by_role("button", name="Preview").click()  # an empty box, shown as the form shows errors
    expect(page.locator("#body-error")).to_have_text("Error: Enter a message")
    assert [problem for problem in problems if "status of 400" not in problem] == []  # the refused preview
    page.context.close()

    # Without JavaScript: Preview is the form's second button, and the page comes back with the text kept.
    problems.clear()
    page = open_room(browser, room.url, viewport, problems, java_script_enabled=False)
    box = page.get_by_role("textbox", name="Message")
    box.fill("Also **bold** without scripts :+1:")
    page.get_by_role("button", name="Preview").click()
    expect(page).to_have_url(re.compile(r"/rooms/open-data/preview#preview$"))
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("bold")
    expect(preview).to_contain_text("Also bold without scripts 👍")
    expect(box).to_have_value("Also **bold** without scripts :+1:")
    expect(page.locator("li.civicnet-message")).to_have_count(1)  # still only the message sent above
    if viewport is PHONE:
        no_sideways_scroll(page, PHONE["width"])
    page.get_by_role("button", name="Send message").click()
    expect(page).to_have_url(re.compile(r"/rooms/open-data#message-\d+$"))
    expect(page.locator(".civicnet-message__body strong", has_text="bold")).to_have_count(1)
    assert problems == []
    page.context.close()
