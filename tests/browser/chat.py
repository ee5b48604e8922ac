"""What the room tests in the browser share: several people at once, each in a browser context of
their own, in the room "Open data" on a real server."""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from civicnet.accounts.services import find_user_by_username
from civicnet.extensions import db
from civicnet.rooms.models import Membership
from civicnet.rooms.services import get_readable_room
from tests.browser.conftest import sign_in
from tests.factories import make_room, make_user

ROOM = "/rooms/open-data"


def watch(page: Page, problems: list[str]) -> None:
    """Collect console errors, CSP violations and uncaught exceptions (as the console_problems fixture does)."""

    def on_console(message) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            problems.append(f"console {message.type}: {message.text} ({page.url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error} ({page.url})"))


@dataclass
class Browsers:
    """Browser contexts for several people at once, each signed in through the form."""

    browser: Browser
    url: str
    problems: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)

    def open(
        self,
        username: str | None,
        path: str = ROOM,
        *,
        route: Callable[[WebSocketRoute], None] | None = None,
        setup: Callable[[Page], None] | None = None,
        **options,
    ) -> Page:
        context = self.browser.new_context(viewport={"width": 1100, "height": 900}, **options)
        self.contexts.append(context)
        if route:
            context.route_web_socket(re.compile(r"/socket\.io/"), route)
        page = context.new_page()
        page.set_default_timeout(10_000)
        watch(page, self.problems)
        if setup:
            setup(page)
        if username:
            sign_in(page, self.url, username)
        page.goto(self.url + path)
        return page


@pytest.fixture
def people(browser, server):
    opened = Browsers(browser, server.url)
    yield opened
    for context in opened.contexts:
        context.close()


@pytest.fixture
def chat(app, server):
    """Ada and Bob, members of the public room "Open data"; Cy, signed up but not in it."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        bob = make_user(username="bob", display_name="Bob Okafor", role="public_servant")
        make_user(username="cyd", display_name="Cy Dlamini")
        make_room(ada, "Open data", members=[bob])
    return server


def messages_saying(page: Page, text: str):
    return page.locator("li.civicnet-message", has_text=text)


def compose(page: Page):
    return page.get_by_role("textbox", name="Message")


def send(page: Page, text: str) -> None:
    """Type a message and press Send; wait until the server has it (no longer pending)."""
    compose(page).fill(text)
    page.get_by_role("button", name="Send message").click()
    expect(messages_saying(page, text).and_(page.locator("[data-id]"))).to_have_count(1)


def read_up_to(app, username: str, timeout: float = 5) -> int:
    """Wait (up to `timeout`) for the member to have a read mark in "Open data"; return it (0: none)."""
    deadline = time.monotonic() + timeout
    with app.app_context():
        room = get_readable_room(find_user_by_username("ada"), "open-data")
        user_id = find_user_by_username(username).id
        while True:
            db.session.expire_all()
            last_read = db.session.get(Membership, (room.id, user_id)).last_read_id
            if last_read or time.monotonic() > deadline:
                return last_read
            time.sleep(0.05)


def go_offline(page: Page) -> None:
    """Cut the page's network and wait until it knows it is reconnecting."""
    page.context.set_offline(True)
    expect(page.locator("#online")).to_have_text("Reconnecting…")


def online_now(page: Page, *names: str) -> None:
    """Wait until the page has joined the room live and shows these people online."""
    for name in names:
        expect(page.locator("#online")).to_contain_text(name)
