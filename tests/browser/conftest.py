"""Helpers shared by the browser tests: seeded members, signing in through the form, console watching."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe, AxeResults
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD, make_user

EXISTING_TAG = "Data protection"
EXISTING_TAG_SLUG = "data-protection"


@dataclass
class Site:
    """The members every browser test can rely on, by username."""

    citizen: str = "ada"
    moderator: str = "grace"
    unverified: str = "newbie"


@pytest.fixture
def site(live_server) -> Site:
    """A citizen with a full profile and skill tags, a moderator and a member yet to confirm their email."""
    names = Site()
    with live_server.app.app_context():
        make_user(
            username=names.citizen,
            display_name="Ada Lovelace",
            pronouns="she/her",
            organisation="Camden Council",
            job_title="Data analyst",
            region="London",
            bio="I run **workshops** on [open data](https://example.org/open-data).",
            help_tags=f"{EXISTING_TAG}, AI ethics",
            learn_tags="FOI requests",
        )
        make_user(username=names.moderator, role="moderator", display_name="Grace Hopper")
        make_user(username=names.unverified, display_name="New Member", verified=False)
    return names


def sign_in(page: Page, base_url: str, identifier: str, password: str = DEFAULT_PASSWORD) -> None:
    """Post the sign-in form (with its CSRF token) from the page's browser context, sharing its cookies.

    Quicker than typing into the form; test_journeys signs in by hand once, and that is enough."""
    form = page.request.get(f"{base_url}/sign-in").text()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = page.request.post(
        f"{base_url}/sign-in",
        form={"csrf_token": token, "identifier": identifier, "password": password},
        max_redirects=0,
    )
    assert response.status == 302, f"could not sign in as {identifier}"


@pytest.fixture
def console_problems(page: Page) -> Iterator[list[str]]:
    """Console errors, CSP violations and uncaught exceptions seen by `page` during the test."""
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            problems.append(f"console {message.type}: {message.text} ({page.url})")

    def on_error(error) -> None:
        problems.append(f"uncaught: {error} ({page.url})")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    yield problems
    # The tab goes on to the next test (tests/conftest.py, Tab).
    page.remove_listener("console", on_console)
    page.remove_listener("pageerror", on_error)


def submit(button: str, *, clear: str | None = None) -> Callable[[Page], None]:
    """Empty a field (if asked), press the button and wait for the error summary."""

    def action(page: Page) -> None:
        if clear:
            page.get_by_label(clear, exact=True).fill("")
        page.get_by_role("button", name=button).click()
        expect(page.locator(".govuk-error-summary")).to_be_focused()

    return action


axe = Axe()

PHONE_WIDTH = 375

# Dark mode changes colours only (the same DOM, other custom properties), so the second axe run asks
# only the rules that read colours, of the axe the first run left in the page: a whole second run,
# injected again, would repeat ~90 rules to the same answers (measured: 0.1-0.4 s a page, half of it
# parsing axe again).
RUN_COLOUR_RULES = """() => axe.run(document, {
  runOnly: {type: "rule", values: ["color-contrast", "link-in-text-block"]},
  resultTypes: ["violations"],
})"""

WIDER_THAN_THE_SCREEN = """width => [...document.querySelectorAll("body *")]
  .filter(el => el.getBoundingClientRect().right > width + 0.5 && el.children.length === 0)
  .slice(0, 5)
  .map(el => `<${el.tagName.toLowerCase()} class="${el.getAttribute("class")}"> ${Math.round(el.getBoundingClientRect().right)} px`)"""


def check_page(page: Page) -> None:
    """Check the page as it stands in one visit: axe in light mode, axe's colour rules in dark mode
    (prefers-color-scheme), then at a 375 px phone width nothing may scroll sideways."""
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    viewport = page.viewport_size
    page.emulate_media(color_scheme="dark")
    try:
        results = AxeResults(page.evaluate(RUN_COLOUR_RULES))
        assert results.violations_count == 0, "In dark mode:\n" + results.generate_report()
        page.set_viewport_size({"width": PHONE_WIDTH, "height": viewport["height"]})
        width = page.evaluate("document.documentElement.scrollWidth")
        widest = page.evaluate(WIDER_THAN_THE_SCREEN, PHONE_WIDTH) if width > PHONE_WIDTH else []
        assert width <= PHONE_WIDTH, f"{page.url} is {width} px wide at {PHONE_WIDTH} px: {widest}"
    finally:
        page.emulate_media(color_scheme="light")
        page.set_viewport_size(viewport)


def open_and_check_with_axe(page: Page, base_url: str, case, seeded: dict, console_problems: list, allowed) -> None:
    """The page-by-page accessibility check: sign in as case.who, open case.path, wait for case.ready,
    run case.action (e.g. submit a form empty), then check_page must pass, and the console may only hold
    what `allowed` matches (the error statuses forms answer with, which Chromium logs)."""
    if case.who:
        sign_in(page, base_url, case.who)
    response = page.goto(base_url + case.path.format(**seeded))
    assert response.status == 200
    asked = page.get_by_role("heading", level=1).text_content().startswith("Why do you need to see")
    if asked and not case.path.startswith("/access/purpose"):
        # A screen of a member's data asks staff for the purpose first (civicnet.access_purpose).
        page.get_by_role("radio", name="A support request from you").check()
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("main")).to_contain_text(case.ready)
    if case.path.startswith("/rooms/"):
        from tests.browser.chat import online_now

        online_now(page, "(you)")  # the live page, as people use it
    if case.action:
        case.action(page)
    check_page(page)
    assert [p for p in console_problems if not (case.action and allowed.match(p))] == []


def watch_socket(frames: list[str]) -> Callable[[Page], None]:
    def setup(page: Page) -> None:
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))

    return setup


def wait_until_connected(page: Page, frames: list[str], since: int = 0) -> None:
    """Wait for Socket.IO's CONNECT answer ("40{...}") after frame number `since`: the page is live."""
    for _ in range(200):
        if any(frame.startswith("40") for frame in frames[since:]):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"the page never connected live: {frames}")


from tests.browser.chat import chat, people  # noqa: E402, F401  (fixtures for the room tests)
