"""axe-core on every page of civicnet, signed out and signed in, including forms showing their errors,
in light and dark mode, and no page wider than a 375 px phone (conftest.check_page).

Each page is also checked for console errors and Content Security Policy violations, since every
page loads JavaScript."""

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from civicnet.accounts import tokens
from civicnet.accounts.services import find_user_by_username
from civicnet.mentoring import offers, requests
from civicnet.mentoring.offers import OfferDetails
from civicnet.notifications import unsubscribing
from civicnet.rooms import levels, messages
from tests.browser.conftest import EXISTING_TAG_SLUG, check_page, sign_in, submit
from tests.factories import DEFAULT_PASSWORD, make_room, make_user, make_verified

pytestmark = pytest.mark.browser

TAG = f"/tags/{EXISTING_TAG_SLUG}"


def request_reset(page: Page) -> None:
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def export_now(page: Page) -> None:
    page.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Export your data").click()
    expect(page.get_by_role("heading", name="Your export is ready")).to_be_visible()


def upload_an_export(page: Page) -> None:
    data = {
        "sections": {
            "profile": {
                "profile": [{"display_name": "Ada Byron", "visibility": "public"}],
                "skill_tags": [{"kind": "I can help with", "tag": "Open data"}],
            }
        }
    }
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("data.json", json.dumps(data))
    page.get_by_label("Your export from another civicnet (a zip file)").set_input_files(
        files=[{"name": "export.zip", "mimeType": "application/zip", "buffer": archive.getvalue()}]
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what will be imported")


def delete_account(page: Page) -> None:
    page.get_by_role("radio", name="Remove them").check()
    page.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account will be deleted")


def sign_in_while_leaving(page: Page) -> None:
    delete_account(page)
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address or username").fill("ada")
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is being deleted")


def open_suggestions(page: Page) -> None:
    field = page.get_by_role("combobox", name="I can help with")
    field.focus()
    field.press("End")
    field.press_sequentially(", fo")
    expect(page.get_by_role("listbox").get_by_role("option").first).to_be_visible()


def upload_a_photo(page: Page) -> None:
    photo = io.BytesIO()
    Image.new("RGB", (300, 200), (0, 98, 94)).save(photo, "PNG")
    page.get_by_label("Upload a photo").set_input_files(
        files=[{"name": "me.png", "mimeType": "image/png", "buffer": photo.getvalue()}]
    )
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_role("main")).to_contain_text("Your photo has been saved")


def save_notification_settings(page: Page) -> None:
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("main")).to_contain_text("Your notification settings are saved")


def unsubscribe_from_everything(page: Page) -> None:
    page.get_by_role("button", name="Unsubscribe from everything").click()
    expect(page.get_by_role("main")).to_contain_text("only the emails that cannot be turned off")


def established_member() -> None:
    """Ada, some time in: rooms with unread messages (one muted), a mention, a mentoring request, and a
    mentor and a room to suggest on her tags; every first step done."""
    ada = find_user_by_username("ada")
    bob = make_user(username="bob", display_name="Bob Okafor")
    pat = make_verified(username="pat", display_name="Pat Lee", help_tags="FOI requests")
    sam = make_verified(username="sam", display_name="Sam Idowu", help_tags="FOI requests")
    for mentor in (pat, sam):
        offers.save_offer(mentor, OfferDetails(tags=["foi-requests"], description="Ten years of FOI", capacity=3))
    room = make_room(bob, "Open data", members=[ada])
    messages.post_message(room, ada, "Hello, I am new here")
    messages.post_message(room, bob, "Welcome, @ada!")
    messages.post_message(room, bob, "Our data portal is at https://example.org")
    noisy = make_room(bob, "Noisy room", members=[ada])
    levels.set_notify_level(ada, noisy, "mute")
    messages.post_message(noisy, bob, "Chatter")
    make_room(bob, "AI ethics circle", tags="AI ethics")
    requests.ask(ada, offers.offer_of(pat).id, "Could you help me write my first FOI request?")


def new_member() -> None:
    make_user(username="nova", display_name="Nova Reyes")


def take_messages_from_everyone(page: Page) -> str:
    """Grace (in no room with Ada) takes direct messages from everyone; then Ada is signed in again.
    Returns the site's address."""
    base = page.url.split("/", 3)
    base = "/".join(base[:3])
    page.context.clear_cookies()
    sign_in(page, base, "grace")
    page.goto(base + "/account/messages")
    page.get_by_role("radio", name="Everyone").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("main")).to_contain_text("Your direct message settings are saved")
    page.context.clear_cookies()
    sign_in(page, base, "ada")
    return base


def suggest_people(page: Page) -> None:
    page.goto(take_messages_from_everyone(page) + "/messages/new")
    page.get_by_role("combobox", name="To").press_sequentially("gr")
    expect(page.get_by_role("option", name="Grace Hopper (@grace)")).to_be_visible()


def start_a_conversation(page: Page) -> None:
    suggest_people(page)
    field = page.get_by_role("combobox", name="To")
    field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value("grace, ")
    page.get_by_role("textbox", name="Message").fill("Hello Grace")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Hopper")
    expect(page.locator("#online")).to_contain_text("(you)")  # the live page, as people use it


@dataclass
class Case:
    id: str
    path: str
    who: str | None = None  # None (signed out), "citizen", "unverified", "moderator" or a seeded username
    action: Callable[[Page], None] | None = None
    status: int = 200
    seed: Callable[[], None] | None = None  # more data, made in an app context before signing in
    shows: tuple[str, ...] = ()  # what the page must show (so that axe checks the page meant)


CASES = [
    # Signed out
    Case("home", "/"),
    Case("about", "/about"),
    Case("accessibility", "/accessibility"),
    Case("privacy", "/privacy"),
    Case("register", "/register"),
    Case("register-errors", "/register", action=submit("Create account")),
    Case("sign-in", "/sign-in"),
    Case("sign-in-errors", "/sign-in", action=submit("Sign in")),
    Case("reset-request", "/reset-password"),
    Case("reset-request-errors", "/reset-password", action=submit("Send reset link")),
    Case("reset-sent", "/reset-password", action=request_reset),
    Case("reset-password", "/reset-password/{reset_token}"),
    Case("reset-password-errors", "/reset-password/{reset_token}", action=submit("Set new password")),
    Case("link-problem", "/verify-email/not-a-real-token", status=400),
    Case("people", "/people"),
    Case("people-by-tag", f"/people?tag={EXISTING_TAG_SLUG}"),
    Case("people-unknown-tag", "/people?tag=no-such-tag"),
    Case("profile", "/people/ada"),
    Case("tags", "/tags"),
    Case("tag", TAG),
    Case("not-found", "/no-such-page", status=404),
    Case("technology", "/technology"),
    Case("technology-data", "/technology/data"),
    Case("unsubscribed", "/unsubscribe/{unsubscribe_token}"),
    Case("unsubscribed-everything", "/unsubscribe/{unsubscribe_token}", action=unsubscribe_from_everything),
    Case("unsubscribe-link-broken", "/unsubscribe/not-a-real-token", status=404),
    # Signed in as a citizen
    Case(
        "home-signed-in",
        "/",
        "citizen",
        seed=established_member,
        shows=(
            "2 unread",
            "Muted",
            "Bob Okafor mentioned you in",
            "Your request to Pat Lee",
            "AI ethics circle",
            "Sam Idowu",
        ),
    ),
    Case("home-new-member", "/", "nova", seed=new_member, shows=("First steps", "You have completed 1 of 7 steps")),
    Case("check-email-confirmed", "/register/check-email", "citizen"),
    Case("account", "/account", "citizen"),
    Case("change-password", "/account/password", "citizen"),
    Case("change-password-errors", "/account/password", "citizen", submit("Change password")),
    Case("change-email", "/account/email", "citizen"),
    Case("change-email-errors", "/account/email", "citizen", submit("Send confirmation link")),
    Case("profile-edit", "/profile/edit", "citizen"),
    Case("profile-edit-errors", "/profile/edit", "citizen", submit("Save profile", clear="Display name")),
    Case("profile-edit-suggestions", "/profile/edit", "citizen", open_suggestions),
    Case("profile-photo", "/profile/photo", "citizen"),
    Case("profile-photo-errors", "/profile/photo", "citizen", submit("Upload photo")),
    Case("profile-photo-uploaded", "/profile/photo", "citizen", upload_a_photo),
    Case("own-profile", "/people/ada", "citizen"),
    Case("people-signed-in", "/people", "citizen"),
    Case("tag-signed-in", TAG, "citizen"),
    Case("forbidden", f"{TAG}/edit", "citizen", status=403),
    Case("your-data", "/account/data", "citizen"),
    Case("your-data-errors", "/account/data", "citizen", submit("Export your data")),
    Case("export-ready", "/account/data", "citizen", export_now),
    Case("import", "/account/data/import", "citizen"),
    Case("privacy-settings", "/account/privacy", "citizen"),
    Case("leave", "/account/data/leave", "citizen"),
    Case("leave-errors", "/account/data/leave", "citizen", submit("Delete my account")),
    Case("left", "/account/data/leave", "citizen", delete_account),
    Case("sign-in-while-leaving", "/account/data/leave", "citizen", sign_in_while_leaving),
    Case("import-errors", "/account/data/import", "citizen", submit("Upload and preview")),
    Case("import-preview", "/account/data/import", "citizen", upload_an_export),
    Case("data-access", "/account/data/access", "citizen"),
    Case("data-access-filtered", "/account/data/access?category=email", "citizen"),
    Case("technology-new", "/technology/new", "citizen"),
    Case("technology-new-errors", "/technology/new", "citizen", submit("Save")),
    Case("technology-review", "/technology/review", "citizen"),
    Case("notification-settings", "/account/notifications", "citizen"),
    Case("notification-settings-saved", "/account/notifications", "citizen", save_notification_settings),
    Case("notifications", "/notifications", "citizen"),
    Case("direct-messages", "/messages", "citizen"),
    Case("direct-messages-start-errors", "/messages/new", "citizen", submit("Send message")),
    Case("direct-messages-suggestions", "/messages/new", "citizen", suggest_people),
    Case("direct-messages-conversation", "/messages/new", "citizen", start_a_conversation),
    Case("direct-messages-settings", "/account/messages", "citizen"),
    Case("profile-of-another-member", "/people/grace", "citizen"),
    # Signed in before confirming an email address
    Case("check-email-unconfirmed", "/register/check-email", "unverified"),
    Case("home-unconfirmed", "/", "unverified", shows=("Confirm your email address", "Cannot start yet")),
    # Signed in as a moderator
    Case("tag-moderator", TAG, "moderator"),
    Case("tag-edit", f"{TAG}/edit", "moderator"),
    Case("tag-edit-rename-errors", f"{TAG}/edit", "moderator", submit("Rename tag", clear="New name")),
    Case("tag-edit-merge-errors", f"{TAG}/edit", "moderator", submit("Merge tags")),
]


def links(app) -> dict[str, str]:
    """The tokens some pages are reached by, for Ada."""
    with app.app_context():
        user = find_user_by_username("ada")
        return {
            "reset_token": tokens.make_token(tokens.RESET_PASSWORD, {"uid": user.id, "pw": user.password_hash[-16:]}),
            "unsubscribe_token": unsubscribing.link(user.id, ["mention"]).rsplit("/", 1)[1],
        }


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_page_has_no_axe_violations(case: Case, page: Page, live_server, site, console_problems):
    if case.seed:
        with live_server.app.app_context():
            case.seed()
    if case.who:
        sign_in(page, live_server.url, getattr(site, case.who, case.who))
    path = case.path.format(**links(live_server.app)) if "{" in case.path else case.path
    response = page.goto(live_server.url + path)
    assert response.status == case.status
    if case.action:
        case.action(page)
    for text in case.shows:
        expect(page.get_by_role("main")).to_contain_text(text)

    check_page(page)

    if case.status >= 400:  # Chromium reports the page's own error status on the console
        console_problems[:] = [problem for problem in console_problems if "Failed to load resource" not in problem]
    assert console_problems == []


def test_dark_mode_follows_the_device_and_keeps_the_yellow_focus(page: Page, live_server):
    """The dark colours apply only when the device asks for them, and only on screen; focus stays GOV.UK yellow."""
    page.goto(live_server.url + "/sign-in")
    body = page.locator("body")
    field = page.get_by_label("Email address or username")
    expect(page.locator('meta[name="color-scheme"]')).to_have_attribute("content", "light dark")
    expect(body).to_have_css("background-color", "rgb(255, 255, 255)")

    page.emulate_media(color_scheme="dark")
    expect(body).to_have_css("background-color", "rgb(17, 26, 26)")
    expect(page.get_by_role("link", name="Forgotten your password?")).to_have_css("color", "rgb(111, 209, 201)")
    field.focus()
    expect(field).to_have_css("outline-color", "rgb(255, 221, 0)")

    page.emulate_media(media="print", color_scheme="dark")  # paper stays light: dark text
    expect(page.get_by_role("heading", level=1)).to_have_css("color", "rgb(0, 0, 0)")
