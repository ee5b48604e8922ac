"""A member's own data in headless Chromium: they read what civicnet holds about them, see a moderator's
look appear with its purpose, export everything, download the zip and open its page in the browser
(which passes axe offline), then delete their account, keep it after all, and delete it again."""

import zipfile

import pytest
from playwright.sync_api import Page, expect

from civicnet.extensions import db
from civicnet.moderation import reports
from civicnet.rooms.messages import post_message
from tests.browser.conftest import check_page, sign_in
from tests.factories import DEFAULT_PASSWORD, make_moderator, make_room, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def reported(live_server) -> int:
    """Ada's message in a private room, reported by Bob; Moe moderates."""
    with live_server.app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        bob = make_user(username="bob", display_name="Bob Reporter")
        make_moderator(username="moe")
        room = make_room(ada, "Budget worries", kind="private", members=[bob])
        message = post_message(room, ada, "The budget is wrong")
        report = reports.report(bob, "message", message.id, "spam")
        db.session.commit()
        return message.id, report.id


def test_a_member_sees_a_moderators_look_and_exports_and_reads_their_data(
    page: Page, live_server, reported, tmp_path, console_problems
):
    message_id, report_id = reported
    sign_in(page, live_server.url, "ada")
    page.goto(f"{live_server.url}/account")
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    expect(page.get_by_role("main")).to_contain_text("Reports and moderation")
    page.get_by_role("link", name="See every look at your data").click()
    expect(page.get_by_role("main")).to_contain_text("Nobody acting in a role has looked at your data.")

    # A moderator opens the report: the look appears, with its purpose, and nobody is named.
    moderator = page.context.browser.new_context()
    try:
        moe = moderator.new_page()
        sign_in(moe, live_server.url, "moe")
        assert moe.request.get(f"{live_server.url}/moderation/items/message/{message_id}").status == 200
    finally:
        moderator.close()
    page.reload()
    row = page.get_by_role("row").nth(1)
    expect(row).to_contain_text("A moderator")
    expect(row).to_contain_text(f"Handling a report (report #{report_id})")
    expect(row).to_contain_text("Messages in private rooms")
    expect(page.get_by_role("main")).not_to_contain_text("Bob")
    expect(page.locator("#notification-count")).to_have_text("1")

    # Export: the password first, then the archive.
    page.get_by_role("link", name="Your data").click()
    page.get_by_role("button", name="Export your data").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your password")
    page.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Export your data").click()
    expect(page.get_by_role("heading", name="Your export is ready")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data (zip)").click()
    archive_path = tmp_path / "export.zip"
    download.value.save_as(archive_path)
    with zipfile.ZipFile(archive_path) as archive:
        archive.extractall(tmp_path / "export")

    # The archive's page opens in a browser with nothing else, and reads as the member's data.
    page.goto((tmp_path / "export" / "index.html").as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data from civicnet")
    rooms = page.get_by_role("region", name="Rooms and messages")
    expect(rooms).to_contain_text("The budget is wrong")
    expect(page.get_by_role("region", name="Looks at your data")).to_contain_text("Handling a report")
    check_page(page)

    # The download itself is in the list, as the member's own export.
    page.goto(f"{live_server.url}/account/data/access")
    expect(page.get_by_role("row").nth(1)).to_contain_text("You")
    expect(page.get_by_role("row").nth(1)).to_contain_text("Exported")

    # Leave, change their mind by signing in, and leave again.
    page.goto(f"{live_server.url}/account/data")
    page.get_by_role("link", name="Delete your account").click()
    page.get_by_role("radio", name="Keep them, shown as written by a former member").check()
    page.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account will be deleted")
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address or username").fill("ada")
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is being deleted")
    page.get_by_role("button", name="Keep my account").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your account is no longer being deleted")
    page.get_by_role("link", name="Delete your account").click()
    page.get_by_role("radio", name="Remove them").check()
    page.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account will be deleted")
    assert console_problems == []
