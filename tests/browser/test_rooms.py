"""Rooms in headless Chromium against the real gevent server: live chat, catching up after a dropped
connection, the form that works without JavaScript, live notification counts, and axe on every room page."""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from PIL import Image
from playwright.sync_api import Page, WebSocketRoute, expect

from civicnet.accounts.services import find_user_by_username
from civicnet.rooms import history, messages, reactions
from civicnet.rooms.services import get_readable_room
from tests.browser.chat import (
    ROOM,
    compose,
    go_offline,
    messages_saying,
    online_now,
    read_up_to,
    send,
)
from tests.browser.conftest import check_page, sign_in, submit
from tests.browser.test_accessibility import upload_a_photo
from tests.factories import make_room, make_user

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def test_two_people_chat_live(chat, people, app):
    ada = people.open("ada")
    bob = people.open("bob")
    online_now(bob, "Ada Lovelace", "Bob Okafor (you)")
    online_now(ada, "Bob Okafor")
    expect(bob.locator("#no-messages")).to_be_visible()
    reloads = []
    bob.on("framenavigated", lambda frame: reloads.append(frame.url))

    box = compose(ada)
    box.fill("Hello **Bob**, see the data")
    ada.get_by_role("button", name="Send message").click()

    arrived = messages_saying(bob, "Hello Bob, see the data")
    expect(arrived).to_have_count(1)
    expect(arrived.locator("strong", has_text="Bob")).to_have_count(1)  # rendered Markdown
    expect(arrived.get_by_role("link", name="Reply to Ada Lovelace")).to_have_attribute(
        "href", re.compile(r"/rooms/open-data/messages/(\d+)/thread\?reply_to=\1#compose$")
    )
    expect(arrived.get_by_role("link", name="Edit your message")).to_have_count(0)
    expect(bob.locator("#announcer")).to_contain_text("Ada Lovelace: Hello Bob, see the data")
    expect(bob.locator("#no-messages")).to_be_hidden()
    assert read_up_to(app, "bob") == int(arrived.get_attribute("data-id"))  # Bob's page is in view
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    mine = messages_saying(ada, "Hello Bob, see the data")
    expect(mine).to_have_count(1)
    expect(mine).not_to_have_class(re.compile("civicnet-message--pending"))
    expect(mine.get_by_role("link", name="Edit your message")).to_have_count(1)

    compose(bob).press_sequentially("Thanks")
    expect(ada.locator("#typing")).to_have_text("Bob Okafor is typing…")

    box.fill("Line one")
    box.press("Shift+Enter")  # a new line, not a send (Enter sends, as in Slack and Zulip)
    box.press_sequentially("line two")
    expect(box).to_have_value("Line one\nline two")
    box.press("Control+Enter")
    expect(messages_saying(bob, "line two")).to_have_count(1)
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    expect(ada.locator("#announcer")).not_to_contain_text("Ada Lovelace:")  # one's own messages are not read out
    assert reloads == []
    assert people.problems == []


def markup(page: Page, text: str) -> str:
    """A message's HTML with its whitespace between tags evened out."""
    html = messages_saying(page, text).evaluate("item => item.outerHTML")
    html = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', html)  # signed afresh on each load
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def test_a_live_message_is_the_same_markup_as_the_page_draws(chat, people):
    """Live messages are cloned from the page's own template of _message.html, not built by script,
    with the author's photo (Bob has one) or initials (Ada) beside their name."""
    bob = people.open("bob", "/profile/photo")
    upload_a_photo(bob)
    ada = people.open("ada")
    bob.goto(ada.url)
    online_now(bob, "Ada Lovelace")
    compose(bob).fill("Spending data is **published** monthly, @ada")
    bob.get_by_role("button", name="Send message").click()
    expect(messages_saying(ada, "published monthly").locator(".civicnet-message__body strong")).to_have_text(
        "published"
    )
    live = markup(ada, "published monthly")
    assert 'class="civicnet-avatar civicnet-avatar--s" src="/people/bob/photo/' in live
    ada.reload()
    assert markup(ada, "published monthly") == live
    compose(ada).fill("Thank you")
    ada.get_by_role("button", name="Send message").click()
    expect(messages_saying(bob, "Thank you").locator(".civicnet-avatar--initials")).to_have_attribute(
        "data-initials", "AL"
    )
    mine = markup(bob, "Thank you")
    bob.reload()
    assert markup(bob, "Thank you") == mine
    assert people.problems == []


def test_files_sent_live_arrive_live_and_stay_out_of_reach_of_others(chat, people, browser):
    """Bob attaches an image and a PDF: they go up first, then the message names them; Ada sees both live,
    in the page's own markup, the thumbnail linking to the full image. A signed-out visitor gets 404 (the
    room is for members)."""
    image = io.BytesIO()
    Image.new("RGB", (800, 400), (0, 98, 94)).save(image, "PNG")
    ada, bob = people.open("ada"), people.open("bob")
    online_now(bob, "Ada Lovelace")
    ada.set_viewport_size(PHONE)  # Ada reads on a phone
    compose(bob).fill("The spending chart and the minutes")
    bob.get_by_label("Attach files (optional)").set_input_files(
        files=[
            {"name": "chart.png", "mimeType": "image/png", "buffer": image.getvalue()},
            {"name": "minutes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"},
        ]
    )
    bob.get_by_role("button", name="Send message").click()
    arrived = messages_saying(ada, "spending chart")
    thumbnail = arrived.locator("img.civicnet-attachment__thumbnail")
    expect(thumbnail).to_have_attribute("width", "400")
    expect(arrived.get_by_role("link", name="minutes.pdf")).to_be_visible()
    expect(bob.get_by_label("Attach files (optional)")).to_have_value("")
    thumbnail.scroll_into_view_if_needed()
    for _ in range(100):  # it loads, for Ada (a lazy image, once in view)
        if thumbnail.evaluate("img => img.complete && img.naturalWidth") == 400:
            break
        ada.wait_for_timeout(50)
    else:
        raise AssertionError("the thumbnail did not load")
    full = arrived.get_by_role("link", name="chart.png").get_attribute("href")
    live = markup(ada, "spending chart")
    assert ada.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ada.reload()
    assert markup(ada, "spending chart") == live
    check_page(ada)

    visitor = people.open(None, "/rooms")
    for url in (full, thumbnail.get_attribute("src")):
        assert ada.request.get(chat.url + url).status == 200
        assert visitor.request.get(chat.url + url).status == 404
    assert people.problems == []


def test_edits_and_deletions_show_live(chat, people, members):
    bob = people.open("bob")
    online_now(bob, "Bob Okafor (you)")
    ada = members(chat.url, "ada").connect()
    sent = ada.call("send_message", {"room": "open-data", "body": "Teh data", "client_id": "typo"})["message"]
    arrived = bob.locator(f"#message-{sent['id']}")
    expect(arrived).to_contain_text("Teh data")
    expect(arrived).not_to_contain_text("(edited)")

    assert ada.call("edit_message", {"id": sent["id"], "body": "The *data*"})["ok"]
    expect(arrived.locator(".civicnet-message__body em")).to_have_text("data")
    expect(arrived.locator(".civicnet-message__meta")).to_contain_text("(edited)")
    assert ada.call("delete_message", {"id": sent["id"]})["ok"]
    expect(arrived).to_have_count(0)
    expect(bob.locator("#no-messages")).to_be_visible()
    assert people.problems == []


def test_reconnecting_page_gets_each_missed_message_exactly_once(chat, people):
    ada = people.open("ada")
    bob = people.open("bob")
    online_now(ada, "Bob Okafor")
    send(ada, "Before the tunnel")
    expect(messages_saying(bob, "Before the tunnel")).to_have_count(1)

    go_offline(bob)
    expect(ada.locator("#online")).not_to_contain_text("Bob Okafor")  # the server saw him go
    for n in range(1, 4):
        send(ada, f"Missed number {n}")
    expect(messages_saying(bob, "Missed number")).to_have_count(0)

    bob.context.set_offline(False)
    online_now(bob, "Ada Lovelace")
    for n in range(1, 4):
        expect(messages_saying(bob, f"Missed number {n}")).to_have_count(1)
    send(ada, "After the tunnel")
    expect(messages_saying(bob, "After the tunnel")).to_have_count(1)
    expect(bob.locator("li.civicnet-message")).to_have_count(5)
    assert people.problems == []


def test_edits_and_deletions_made_while_offline_appear_after_reconnecting(chat, people, app):
    ada = people.open("ada")
    bob = people.open("bob")
    send(ada, "Keep me but fix me")
    send(ada, "Delete me later")
    expect(messages_saying(bob, "Delete me later")).to_have_count(1)

    go_offline(bob)
    with app.app_context():
        author = find_user_by_username("ada")
        room = get_readable_room(author, "open-data")
        page = history.page(author, room)
        by_body = {message.body: message.id for message in page.messages}
        messages.edit_message(author, by_body["Keep me but fix me"], "Kept and fixed")
        messages.delete_message(author, by_body["Delete me later"])
    expect(messages_saying(bob, "Kept and fixed")).to_have_count(0)

    bob.context.set_offline(False)
    expect(messages_saying(bob, "Kept and fixed")).to_have_count(1)
    expect(messages_saying(bob, "Delete me later")).to_have_count(0)
    assert people.problems == []


def test_message_written_offline_is_delivered_once_after_reconnecting(chat, people, app):
    ada = people.open("ada")
    bob = people.open("bob")
    online_now(ada, "Bob Okafor")

    go_offline(bob)
    send_box = compose(bob)
    send_box.fill("Written in the tunnel")
    send_box.press("Control+Enter")
    waiting = bob.locator(".civicnet-message--pending")
    expect(waiting).to_contain_text("Written in the tunnel")
    expect(waiting).to_contain_text("Sending…")
    expect(send_box).to_have_value("")

    bob.context.set_offline(False)
    expect(messages_saying(ada, "Written in the tunnel")).to_have_count(1)
    expect(waiting).to_have_count(0)  # the pending copy made way for the stored one
    expect(messages_saying(bob, "Written in the tunnel").and_(bob.locator("[data-id]"))).to_have_count(1)
    with app.app_context():
        room = get_readable_room(find_user_by_username("ada"), "open-data")
        stored = history.page(find_user_by_username("ada"), room).messages
        assert [m.body for m in stored] == ["Written in the tunnel"]
    assert people.problems == []


def test_page_signed_out_elsewhere_falls_back_to_the_form(chat, people):
    bob = people.open("bob")
    online_now(bob, "Bob Okafor (you)")
    other_tab = bob.context.new_page()
    other_tab.goto(chat.url + "/rooms")
    other_tab.get_by_role("button", name="Sign out").click()
    expect(other_tab.get_by_role("navigation").get_by_role("link", name="Sign in")).to_be_visible()

    bob.context.set_offline(True)
    compose(bob).fill("Am I still here?")
    compose(bob).press("Control+Enter")
    expect(bob.locator(".civicnet-message--pending")).to_have_count(1)
    bob.context.set_offline(False)  # reconnecting without a session: the server says no
    expect(bob.locator("#online")).to_have_text("Not connected. Reload the page to see who is online.")
    expect(bob.locator(".civicnet-message--pending")).to_have_count(0)
    expect(compose(bob)).to_have_value("Am I still here?")
    expect(bob.locator("#body-error")).to_have_text("Error: Your message was not sent. Send it again")

    bob.get_by_role("button", name="Send message").click()  # a plain form post now
    expect(bob).to_have_url(re.compile(r"/sign-in\?next="))
    assert people.problems == []


@dataclass
class FlakyLink:
    """Relays a page's Socket.IO WebSocket and can cut it at a chosen moment, without the browser
    knowing it is offline: the client's own reconnection has to notice and recover."""

    cut_before: str = ""  # cut the connection instead of passing on the first page frame containing this
    cut_after: str = ""  # pass that frame on, but cut before the server's answer reaches the page
    sent: list[str] = field(default_factory=list)
    cuts: int = 0
    _cutting_answer: bool = False

    def __call__(self, page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()

        def cut() -> None:
            self.cuts += 1
            server_side.close()
            page_side.close(code=4000, reason="cut by the test")

        def from_page(frame) -> None:
            if isinstance(frame, str) and '"send_message"' in frame:
                self.sent.append(frame)
                if self.cut_before and self.cut_before in frame:
                    self.cut_before = ""
                    cut()
                    return
                if self.cut_after and self.cut_after in frame:
                    self.cut_after = ""
                    self._cutting_answer = True
            server_side.send(frame)

        def from_server(frame) -> None:
            if self._cutting_answer and isinstance(frame, str) and frame.startswith(("42", "43")):
                self._cutting_answer = False
                cut()
                return
            page_side.send(frame)

        page_side.on_message(from_page)
        server_side.on_message(from_server)


def client_ids(frames: list[str]) -> list[str]:
    return [re.search(r'"client_id":"([^"]+)"', frame).group(1) for frame in frames]


@pytest.mark.parametrize("lost", ["cut_before", "cut_after"], ids=["send-lost", "answer-lost"])
def test_message_caught_in_a_dropped_connection_is_stored_once(chat, people, lost):
    link = FlakyLink(**{lost: "Caught in the drop"})
    ada = people.open("ada")
    bob = people.open("bob", route=link)
    online_now(ada, "Bob Okafor")
    online_now(bob, "Ada Lovelace")

    compose(bob).fill("Caught in the drop")
    bob.get_by_role("button", name="Send message").click()

    expect(messages_saying(ada, "Caught in the drop")).to_have_count(1)
    expect(messages_saying(bob, "Caught in the drop").and_(bob.locator("[data-id]"))).to_have_count(1)
    expect(bob.locator(".civicnet-message--pending")).to_have_count(0)
    send(ada, "Still here")
    expect(messages_saying(bob, "Still here")).to_have_count(1)
    expect(messages_saying(ada, "Caught in the drop")).to_have_count(1)
    assert link.cuts == 1
    if lost == "cut_before":  # never reached the server: sent again, with the same client_id
        assert len(link.sent) == 2 and len(set(client_ids(link.sent))) == 1
    else:  # stored, but the answer was lost: catching up on reconnecting brought it, no resend needed
        assert len(link.sent) == 1
    assert people.problems == []


def test_form_works_without_javascript_and_reaches_live_pages(chat, people, app):
    with app.app_context():
        ada = find_user_by_username("ada")
        room = get_readable_room(ada, "open-data")
        for n in range(55):
            messages.post_message(room, ada, f"Seed message {n:02d}")
    ada_live = people.open("ada")
    online_now(ada_live, "Ada Lovelace (you)")
    bob = people.open("bob", java_script_enabled=False)
    expect(bob.locator("#online")).to_have_text("Turn on JavaScript to see who is online.")
    expect(messages_saying(bob, "Seed message 04")).to_have_count(0)

    bob.get_by_role("link", name="Older messages").click()
    expect(messages_saying(bob, "Seed message 04")).to_have_count(1)
    bob.get_by_role("link", name="Newest messages").click()

    compose(bob).fill("Sent the old-fashioned way")
    bob.get_by_role("button", name="Send message").click()
    expect(bob).to_have_url(re.compile(r"/rooms/open-data#message-\d+$"))
    expect(messages_saying(bob, "Sent the old-fashioned way")).to_have_count(1)
    expect(messages_saying(ada_live, "Sent the old-fashioned way")).to_have_count(1)
    expect(ada_live.locator("#announcer")).to_contain_text("Bob Okafor: Sent the old-fashioned way")

    # Ada is reading from the top: the new message must not pull her away. At the bottom, it stays in view.
    expect(messages_saying(ada_live, "Sent the old-fashioned way")).not_to_be_in_viewport()
    ada_send = ada_live.get_by_role("button", name="Send message")
    ada_send.scroll_into_view_if_needed()
    compose(bob).fill("And once more")
    bob.get_by_role("button", name="Send message").click()
    expect(messages_saying(ada_live, "And once more")).to_be_in_viewport(ratio=1)
    expect(ada_send).to_be_in_viewport(ratio=1)
    assert people.problems == []


def test_mention_updates_the_header_count_live(chat, people):
    frames: list[str] = []

    def watch_socket(page: Page) -> None:
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))

    cy = people.open("cyd", "/people", setup=watch_socket)
    count = cy.locator("#notification-count")
    expect(count).to_have_text("")
    for _ in range(100):  # wait for Socket.IO's CONNECT answer ("40{...}")
        if any(frame.startswith("40") for frame in frames):
            break
        cy.wait_for_timeout(50)
    ada = people.open("ada")
    online_now(ada, "Ada Lovelace (you)")

    send(ada, "What do you think, @cyd?")
    expect(count).to_have_text("1")
    send(ada, "And @cyd, one more thing")
    expect(count).to_have_text("2")
    assert people.problems == []


def test_compose_box_is_keyboard_usable(chat, people, app):
    with app.app_context():
        bob = find_user_by_username("bob")
        messages.post_message(get_readable_room(bob, "open-data"), bob, "Anyone around?")
    ada = people.open("ada")
    bob_page = people.open("bob")
    online_now(ada, "Bob Okafor")

    # The last link in the newest message's menu; the compose box comes straight after it.
    ada.get_by_role("link", name="Propose for the register from this message by Bob Okafor").focus()
    ada.keyboard.press("Tab")
    expect(compose(ada)).to_be_focused()
    ada.keyboard.type("Yes, I am")
    ada.keyboard.press("Tab")
    expect(ada.get_by_label("Attach files (optional)")).to_be_focused()  # the form's fields, then its button
    ada.keyboard.press("Tab")
    send_button = ada.get_by_role("button", name="Send message")
    expect(send_button).to_be_focused()
    ada.keyboard.press("Enter")
    expect(messages_saying(bob_page, "Yes, I am")).to_have_count(1)
    expect(compose(ada)).to_be_focused()
    assert people.problems == []


def test_the_message_box_is_one_tab_away_and_says_when_the_page_is_offline(chat, people):
    ada = people.open("ada")
    online_now(ada, "Ada Lovelace (you)")
    ada.keyboard.press("Tab")
    skip = ada.get_by_role("link", name="Skip to the message box")
    expect(skip).to_be_focused()
    ada.keyboard.press("Enter")
    expect(compose(ada)).to_be_focused()

    banner = ada.locator("#offline")
    expect(banner).to_be_hidden()
    go_offline(ada)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("You are offline.")
    # Beside the box: straight above it, where a phone shows it too.
    assert ada.evaluate("document.getElementById('offline').nextElementSibling.contains(document.activeElement)")
    ada.context.set_offline(False)
    expect(banner).to_be_hidden()
    assert people.problems == []


def test_enter_sends_and_shift_enter_starts_a_line_unless_the_member_chooses_otherwise(chat, people):
    ada = people.open("ada")
    bob = people.open("bob")
    online_now(ada, "Bob Okafor")
    box = compose(ada)
    expect(ada.locator("#compose-keys")).to_have_text("Enter sends; Shift+Enter starts a new line.")
    box.fill("Two lines:")
    box.press("Shift+Enter")
    box.press_sequentially("the second")
    expect(box).to_have_value("Two lines:\nthe second")
    box.press("Enter")
    expect(messages_saying(bob, "the second")).to_have_count(1)

    ada.get_by_label("Enter starts a new line").check()
    expect(ada.locator("#compose-keys")).to_have_text("Enter starts a new line; Ctrl+Enter sends.")
    box.fill("Longer thoughts")
    box.press("Enter")
    expect(box).to_have_value("Longer thoughts\n")
    box.press("Control+Enter")
    expect(messages_saying(bob, "Longer thoughts")).to_have_count(1)
    ada.reload()  # the choice is kept in this browser
    expect(ada.get_by_label("Enter starts a new line")).to_be_checked()
    assert people.problems == []


def test_a_member_jumps_to_the_first_message_they_have_not_read(chat, people, app):
    with app.app_context():
        bob = find_user_by_username("bob")
        room = get_readable_room(bob, "open-data")
        messages.mark_read(find_user_by_username("ada"), room, messages.post_message(room, bob, "Seen before").id)
        for n in range(30):
            messages.post_message(room, bob, f"Catching up, part {n}")
    ada = people.open("ada")
    ada.get_by_role("link", name="Jump to the first unread message").click()
    marker = ada.locator("#first-unread")
    expect(marker).to_have_text("New messages")
    expect(marker).to_be_in_viewport()
    expect(marker.locator("xpath=following-sibling::li[1]")).to_contain_text("Catching up, part 0")
    assert people.problems == []


def test_a_reaction_arrives_live_in_a_second_browser_and_the_form_works_without_javascript(chat, people, app, members):
    with app.app_context():
        ada, cy = find_user_by_username("ada"), find_user_by_username("cyd")
        message_id = messages.post_message(get_readable_room(ada, "open-data"), ada, "Shall we publish the budget?").id
        reactions.react(cy, message_id, "thumbs_up")
    ada_page = people.open("ada")
    ada_page.set_viewport_size({"width": 1280, "height": 900})
    bob = people.open("bob")
    bob.set_viewport_size(PHONE)  # Bob reads on a phone
    online_now(ada_page, "Bob Okafor")
    online_now(bob, "Ada Lovelace")
    at_bob = bob.locator(f"#message-{message_id} .civicnet-reactions__list > li")
    expect(at_bob).to_have_text(["👍1thumbs up: 1 reaction from Cy Dlamini"])

    # Ada, with the keyboard only: the thumbs up beside the message, then "heart" from the whole set.
    thumbs = ada_page.get_by_role("button", name="thumbs up: 1 reaction from Cy Dlamini")
    expect(thumbs).to_have_attribute("aria-pressed", "false")
    thumbs.focus()
    ada_page.keyboard.press("Enter")
    mine = ada_page.get_by_role("button", name="thumbs up: 2 reactions from Cy Dlamini and you")
    expect(mine).to_have_attribute("aria-pressed", "true")
    expect(mine).to_be_focused()  # the very button, still under the keyboard
    expect(at_bob).to_have_text(["👍2thumbs up: 2 reactions from Cy Dlamini and Ada Lovelace"])
    expect(at_bob.get_by_role("button")).to_have_attribute("aria-pressed", "false")
    # The names show beside it for sighted keyboard users too (focus), and Escape puts them away.
    who = mine.locator(".civicnet-reaction__who")
    assert who.bounding_box()["width"] > 100
    ada_page.keyboard.press("Escape")
    expect(who).to_have_css("width", "1px")

    ada_page.keyboard.press("Tab")
    expect(ada_page.locator("summary", has_text="React to this message by Ada Lovelace")).to_be_focused()
    ada_page.keyboard.press("Enter")  # opens the whole set
    ada_page.keyboard.press("Tab")
    expect(ada_page.get_by_role("button", name="thumbs up", exact=True)).to_be_focused()
    ada_page.keyboard.press("Tab")
    heart = ada_page.get_by_role("button", name="heart", exact=True)
    expect(heart).to_be_focused()
    ada_page.keyboard.press("Space")
    # The set closes once one is chosen, and the keyboard is back on its toggle.
    toggle = ada_page.locator("summary", has_text="React to this message by Ada Lovelace")
    expect(toggle).to_be_focused()
    folded_heart = ada_page.locator(f"#message-{message_id} .civicnet-reactions__picker button[value=heart]")
    expect(folded_heart).to_be_hidden()
    expect(folded_heart).to_have_attribute("aria-pressed", "true")
    ada_page.keyboard.press("Enter")  # opened again, Escape closes it
    expect(heart).to_be_visible()
    ada_page.keyboard.press("Tab")
    ada_page.keyboard.press("Escape")
    expect(folded_heart).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(at_bob).to_have_text(
        [
            "👍2thumbs up: 2 reactions from Cy Dlamini and Ada Lovelace",
            "❤️1heart: 1 reaction from Ada Lovelace",
        ]
    )

    # Taking one's own away: the button stays under the keyboard (at 0) until focus moves on.
    mine.focus()
    ada_page.keyboard.press("Enter")
    expect(mine).to_have_count(0)
    again = ada_page.get_by_role("button", name="thumbs up: 1 reaction from Cy Dlamini")
    expect(again).to_be_focused()
    expect(at_bob.first).to_have_text("👍1thumbs up: 1 reaction from Cy Dlamini")
    # An edit draws the message again: its reactions stay, and so does the keyboard.
    hearts = ada_page.get_by_role("button", name="heart: 1 reaction from you")
    hearts.focus()
    editor = members(chat.url, "ada").connect()
    assert editor.call("edit_message", {"id": message_id, "body": "Shall we publish the budget? Yes."})["ok"]
    expect(bob.locator(f"#message-{message_id}")).to_contain_text("(edited)")
    expect(ada_page.locator(f"#message-{message_id}")).to_contain_text("(edited)")
    expect(hearts).to_be_focused()
    live = at_bob.evaluate_all("items => items.map(item => item.outerHTML)")
    bob.reload()
    assert at_bob.evaluate_all("items => items.map(item => item.outerHTML)") == live  # as the server draws them

    # Cy without JavaScript: the same buttons are a form that posts and comes back to the message.
    cy_page = people.open("cyd", java_script_enabled=False)
    cy_page.set_viewport_size({"width": 1280, "height": 900})
    cy_page.locator(f"#message-{message_id} summary").click()
    cy_page.locator(f"#message-{message_id}").get_by_role("button", name="eyes", exact=True).click()
    expect(cy_page).to_have_url(re.compile(rf"/rooms/open-data#message-{message_id}$"))
    expect(cy_page.get_by_role("button", name="eyes: 1 reaction from you")).to_have_attribute("aria-pressed", "true")
    cy_page.get_by_role("button", name="thumbs up: 1 reaction from you").click()  # his own, taken away
    expect(cy_page.locator(f"#message-{message_id} .civicnet-reactions__list > li")).to_have_text(
        ["❤️1heart: 1 reaction from Ada Lovelace", "👀1eyes: 1 reaction from you"]
    )
    expect(at_bob).to_have_text(["❤️1heart: 1 reaction from Ada Lovelace", "👀1eyes: 1 reaction from Cy Dlamini"])
    assert bob.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert people.problems == []


# --- axe -----------------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    path: str
    who: str | None = "ada"
    action: Callable[[Page], None] | None = None


def create_token(page: Page) -> None:
    page.get_by_label("Token name").fill("My chat bot")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_be_visible()


def open_thread(page: Page) -> None:
    page.get_by_role("link", name="1 reply to Ada Lovelace").click()
    expect(page.get_by_role("region", name="Thread: replies to Ada Lovelace")).to_contain_text("our portal")


def edit_in_place(page: Page) -> None:
    page.get_by_role("link", name="Edit your message").first.click()
    expect(page.get_by_role("textbox", name="Edit your message")).to_be_focused()


def show_preview(page: Page) -> None:
    compose(page).fill("A **preview** :tada:")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("region", name="Preview").locator("strong")).to_have_text("preview")


def suggest_people(page: Page) -> None:
    compose(page).press_sequentially("Over to @bo")
    expect(page.get_by_role("option", name="Bob Okafor")).to_have_attribute("aria-selected", "true")


def open_reactions(page: Page) -> None:
    """The whole set of reactions, open under the first message, with the names of one shown (focus)."""
    page.locator("summary", has_text="React to this message by Ada Lovelace").click()
    page.get_by_role("button", name="thumbs up: 2 reactions from Bob Okafor and you").focus()


CASES = [
    Case("rooms-signed-out", "/rooms", who=None),
    Case("rooms", "/rooms"),
    Case("room-open-to-public-signed-out", ROOM, who=None),
    Case("room-reactions-open", ROOM, action=open_reactions),
    Case("new-room", "/rooms/new"),
    Case("new-room-errors", "/rooms/new", action=submit("Save room")),
    Case("room-settings", f"{ROOM}/edit"),
    Case("members", f"{ROOM}/members"),
    Case("room-preview", ROOM, action=show_preview),
    Case("room-mention-suggestions", ROOM, action=suggest_people),
    Case("edit-message", f"{ROOM}/messages/{{message_id}}/edit"),
    Case("thread", f"{ROOM}/messages/{{message_id}}/thread"),
    Case("thread-signed-out", f"{ROOM}/messages/{{message_id}}/thread", who=None),
    Case("thread-opened-in-place", ROOM, action=open_thread),
    Case("editing-in-place", ROOM, action=edit_in_place),
    Case("notifications", "/notifications"),
    Case("tokens", "/account/tokens"),
    Case("tokens-created", "/account/tokens", action=create_token),
]


@pytest.fixture
def room_with_messages(app, server):
    """The open-to-public room "Open data", with a message from Ada mentioning Bob and his reply."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        bob = make_user(username="bob", display_name="Bob Okafor", role="public_servant")
        room = make_room(ada, "Open data", members=[bob], open_to_public=True, tags="Open data, FOI requests")
        first = messages.post_message(room, ada, "Has anyone published **spending data**, @bob?")
        messages.post_message(room, bob, "We have: see [our portal](https://example.org).", reply_to_id=first.id)
        asked = messages.post_message(room, bob, "Ada, what do you think, @ada?")
        # On messages the room lists (a reply's are in its thread): one's own, pressed, and someone else's.
        for who, message, emoji in [(bob, first, "eyes"), (ada, asked, "thumbs_up"), (bob, asked, "thumbs_up")]:
            reactions.react(who, message.id, emoji)
        return first.id


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_room_pages_have_no_axe_violations(case: Case, room_with_messages, page: Page, server, console_problems):
    if case.who:
        sign_in(page, server.url, case.who)
    response = page.goto(server.url + case.path.format(message_id=room_with_messages))
    assert response.status == 200
    if case.action:
        case.action(page)

    check_page(page)

    assert console_problems == []


def test_live_room_page_has_no_axe_violations(room_with_messages, page: Page, server, members, console_problems):
    sign_in(page, server.url, "ada")
    page.goto(server.url + ROOM)
    online_now(page, "Ada Lovelace (you)")
    bob = members(server.url, "bob").connect()
    assert bob.call("join_room", {"room": "open-data"})["ok"]
    online_now(page, "Bob Okafor")
    bob.call("typing", {"room": "open-data"})
    ack = bob.call("send_message", {"room": "open-data", "body": "A *live* one, @ada", "client_id": "axe-1"})
    assert ack["ok"]
    expect(messages_saying(page, "A live one")).to_have_count(1)
    compose(page).fill("Draft")
    page.get_by_role("button", name="Send message").click()
    expect(messages_saying(page, "Draft").and_(page.locator("[data-id]"))).to_have_count(1)
    compose(page).fill("   ")
    page.get_by_role("button", name="Send message").click()  # the inline error, as GOV.UK shows it
    expect(page.locator("#body-error")).to_have_text("Error: Enter a message")

    check_page(page)

    assert console_problems == []
