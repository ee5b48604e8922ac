"""Replying, threads and editing in place, and the "New messages" line for what arrives while a member
is reading further up: at a desktop width and a phone's, with JavaScript and without."""

import pytest
from playwright.sync_api import Page, expect

from civicnet.accounts.services import find_user_by_username
from civicnet.rooms import history, messages
from civicnet.rooms.services import get_readable_room
from tests.browser.chat import ROOM, compose, messages_saying, online_now

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


@pytest.fixture
def busy(chat, app):
    """Open data with a question from Ada among thirty other messages, and a draft of hers."""
    with app.app_context():
        ada, bob = find_user_by_username("ada"), find_user_by_username("bob")
        room = get_readable_room(ada, "open-data")
        for n in range(12):
            messages.post_message(room, bob, f"Earlier note {n}")
        messages.post_message(room, ada, "Who publishes spending data?")
        messages.post_message(room, ada, "Draft wording")
        for n in range(18):
            messages.post_message(room, bob, f"Later note {n}")
    return chat


def scrolled(page: Page) -> float:
    return page.evaluate("window.scrollY")


def into_view(page: Page, text: str):
    """The message saying this, in view, found by its id from then on (its text may change)."""
    found = messages_saying(page, text).first
    found.scroll_into_view_if_needed()
    return page.locator(f"#{found.get_attribute('id')}")


@pytest.mark.parametrize("size", WIDTHS, ids=list(WIDTHS))
def test_a_thread_opens_in_place_and_replies_arrive_live_in_another_browser(busy, people, size, members):
    ada, bob = people.open("ada"), people.open("bob")
    for page in (ada, bob):
        page.set_viewport_size(WIDTHS[size])
    online_now(ada, "Bob Okafor")
    question = into_view(bob, "Who publishes spending data?")
    before = scrolled(bob)
    question.get_by_role("link", name="Reply to Ada Lovelace").click()
    box = bob.get_by_role("textbox", name="Reply to Ada Lovelace")
    expect(box).to_be_focused()
    assert abs(scrolled(bob) - before) <= 2, "replying moved the page"
    box.fill("Monthly, as CSV")
    box.press("Enter")
    thread = question.get_by_role("region", name="Thread: replies to Ada Lovelace")
    expect(thread.locator("li[data-id]", has_text="Monthly, as CSV")).to_have_count(1)
    expect(box).to_be_focused()
    # Ada sees the count arrive, opens the thread where it is, and Bob's next reply arrives in it.
    mine = messages_saying(ada, "Who publishes spending data?").first
    expect(mine.get_by_role("link", name="1 reply to Ada Lovelace")).to_be_visible()
    mine.get_by_role("link", name="1 reply to Ada Lovelace").click()
    opened = mine.get_by_role("region", name="Thread: replies to Ada Lovelace")
    expect(opened).to_contain_text("Monthly, as CSV")
    box.fill("And JSON from April")
    box.press("Enter")
    expect(opened).to_contain_text("And JSON from April")
    expect(mine.get_by_role("link", name="2 replies to Ada Lovelace")).to_have_attribute("aria-expanded", "true")
    # The room lists only the messages that start threads.
    ada.reload()
    expect(ada.locator("#messages > li", has_text="Monthly, as CSV")).to_have_count(0)
    expect(messages_saying(ada, "Who publishes spending data?").get_by_role("link", name="2 replies")).to_be_visible()
    width = ada.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTHS[size]["width"]
    # Ada deletes her question: its replies keep their place under "This message was deleted.", live.
    asked = question.get_attribute("id").removeprefix("message-")
    assert members(busy.url, "ada").connect().call("delete_message", {"id": int(asked)})["ok"]
    expect(question.locator(".civicnet-message__notice")).to_have_text("This message was deleted.")
    expect(question.get_by_role("link", name="2 replies")).to_be_visible()
    expect(question.get_by_role("region", name="Thread: replies to Ada Lovelace")).to_contain_text("Monthly, as CSV")
    assert people.problems == []


@pytest.mark.parametrize("size", WIDTHS, ids=list(WIDTHS))
def test_an_edit_in_place_keeps_the_page_where_it_was_and_the_keyboard_on_the_message(busy, people, size):
    ada, bob = people.open("ada"), people.open("bob")
    ada.set_viewport_size(WIDTHS[size])
    online_now(bob, "Ada Lovelace")
    draft = into_view(ada, "Draft wording")
    before = scrolled(ada)
    edit = draft.get_by_role("link", name="Edit your message")
    edit.click()
    box = ada.get_by_role("textbox", name="Edit your message")
    expect(box).to_be_focused()
    expect(box).to_have_value("Draft wording")
    box.press("Escape")  # changing one's mind puts the message back
    expect(edit).to_be_focused()
    edit.click()
    box.fill("Final **wording**")
    box.press("Enter")
    expect(draft.locator(".civicnet-message__body strong")).to_have_text("wording")
    expect(draft).to_contain_text("(edited)")
    expect(draft.get_by_role("link", name="Edit your message")).to_be_focused()
    assert abs(scrolled(ada) - before) <= 2, "editing moved the page"
    expect(messages_saying(bob, "Final wording").locator(".civicnet-message__body strong")).to_have_count(1)
    assert people.problems == []


def test_an_empty_edit_is_refused_in_place(busy, people):
    ada = people.open("ada")
    online_now(ada, "Ada Lovelace (you)")
    draft = into_view(ada, "Draft wording")
    draft.get_by_role("link", name="Edit your message").click()
    ada.get_by_role("textbox", name="Edit your message").fill(" ")
    ada.get_by_role("button", name="Save changes").click()
    expect(draft.locator(".govuk-error-message")).to_have_text("Error: Enter a message")
    assert people.problems == []


def test_messages_that_arrive_while_reading_further_up_come_after_a_new_messages_line(busy, people):
    ada, bob = people.open("ada"), people.open("bob")
    online_now(ada, "Bob Okafor")
    ada.evaluate("window.scrollTo(0, 0)")
    compose(bob).fill("Fresh news while Ada reads back")
    bob.get_by_role("button", name="Send message").click()
    line = ada.locator("#first-unread")
    expect(line).to_have_text("New messages")
    expect(line.locator("xpath=following-sibling::li[1]")).to_contain_text("Fresh news while Ada reads back")
    assert people.problems == []


def test_without_javascript_a_reply_is_written_on_the_threads_page(busy, people):
    bob = people.open("bob", java_script_enabled=False)
    question = messages_saying(bob, "Who publishes spending data?")
    question.get_by_role("link", name="Reply to Ada Lovelace").click()
    expect(bob.get_by_role("heading", level=1)).to_have_text("Thread")
    bob.get_by_role("textbox", name="Reply").fill("Our council does")
    bob.get_by_role("button", name="Send reply").click()
    expect(bob.get_by_role("heading", level=1)).to_have_text("Thread")
    expect(messages_saying(bob, "Our council does")).to_have_count(1)
    bob.get_by_role("link", name="Back to Open data").click()
    expect(messages_saying(bob, "Who publishes spending data?").get_by_role("link", name="1 reply")).to_be_visible()
    assert bob.url.endswith(f"{ROOM}#{question.get_attribute('id')}")


def test_a_threads_own_page_takes_replies_live_and_quotes_a_reply_answered_from_it(busy, people, app):
    with app.app_context():
        ada = find_user_by_username("ada")
        room = get_readable_room(ada, "open-data")
        question = next(m for m in history.page(ada, room).messages if m.body == "Who publishes spending data?")
    ada_page = people.open("ada", f"{ROOM}/messages/{question.id}/thread")
    ada_page.set_viewport_size(WIDTHS["phone"])
    bob = people.open("bob")
    online_now(ada_page, "Bob Okafor")
    messages_saying(bob, "Who publishes spending data?").get_by_role("link", name="Reply to Ada Lovelace").click()
    box = bob.get_by_role("textbox", name="Reply to Ada Lovelace")
    box.fill("The treasury does")
    box.press("Enter")
    reply = messages_saying(ada_page, "The treasury does")
    expect(reply).to_have_count(1)
    expect(ada_page.locator("#no-messages")).to_be_hidden()
    # Answering that reply from the thread's page quotes it, without a reload.
    reply.get_by_role("link", name="Reply to Bob Okafor").click()
    expect(ada_page.locator("#replying-to")).to_contain_text("Replying to Bob Okafor: The treasury does")
    expect(ada_page.get_by_role("textbox", name="Reply")).to_be_focused()
    ada_page.get_by_role("textbox", name="Reply").fill("Which department?")
    ada_page.get_by_role("button", name="Send reply").click()
    answer = messages_saying(ada_page, "Which department?").and_(ada_page.locator("[data-id]"))
    expect(answer.locator(".civicnet-message__quote")).to_contain_text("Replying to @bob: The treasury does")
    expect(ada_page.locator("#replying-to")).to_have_count(0)
    assert ada_page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]["width"]
    assert people.problems == []


def test_the_conversation_comes_before_the_rooms_settings(busy, people):
    """At a desktop width the messages start right under the title; on a phone the message box comes
    before the room's links and notification settings, not after them."""
    ada = people.open("ada")
    ada.set_viewport_size(WIDTHS["desktop"])
    heading = ada.get_by_role("heading", name="Messages", exact=True)
    title = ada.get_by_role("heading", level=1)
    assert heading.bounding_box()["y"] - title.bounding_box()["y"] < 200
    ada.set_viewport_size(WIDTHS["phone"])
    settings = ada.get_by_role("group", name="Notifications for this room")
    assert compose(ada).bounding_box()["y"] < settings.bounding_box()["y"]
    assert people.problems == []


def test_on_a_touch_screen_enter_starts_a_new_line_unless_the_member_chose(busy, people):
    phone = people.open("ada", is_mobile=True, has_touch=True)
    setting = phone.get_by_role("checkbox", name="Enter starts a new line")
    expect(setting).to_be_checked()
    compose(phone).press("Enter")
    expect(compose(phone)).to_have_value("\n")  # a line, not a send
    setting.uncheck()  # chosen: kept, whatever the screen
    phone.reload()
    expect(phone.get_by_role("checkbox", name="Enter starts a new line")).not_to_be_checked()
    assert people.problems == []
