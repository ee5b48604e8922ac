"""A member's photo in headless Chromium with JavaScript off: the GOV.UK file upload posts with its CSRF
token, the square photo appears beside the name in the people list and on the profile, and removing it
brings back the initials."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.browser


def photo_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (0, 98, 94)).save(out, "PNG")
    return out.getvalue()


def test_a_member_uploads_and_removes_a_photo_without_javascript(browser, live_server):
    with live_server.app.app_context():
        make_user(username="ada", display_name="Ada Lovelace")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1100, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, live_server.url, "ada")
        page.goto(f"{live_server.url}/profile/edit")
        initials = page.locator("#main-content .civicnet-avatar--initials")
        expect(initials).to_have_attribute("data-initials", "AL")
        page.get_by_role("link", name="Add a photo").click()  # a page of its own

        page.get_by_role("button", name="Upload photo").click()  # nothing chosen
        expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a photo to upload")

        page.get_by_label("Upload a photo").set_input_files(
            files=[{"name": "holiday.png", "mimeType": "image/png", "buffer": photo_png()}]
        )
        page.get_by_role("button", name="Upload photo").click()
        expect(page.get_by_role("main")).to_contain_text("Your photo has been saved")

        page.goto(f"{live_server.url}/people")
        listed = page.locator(".civicnet-person img.civicnet-avatar")
        expect(listed).to_have_attribute("alt", "")
        src = listed.get_attribute("src")
        served = page.request.get(live_server.url + src)
        assert served.status == 200 and served.headers["content-type"] == "image/webp"
        assert Image.open(io.BytesIO(served.body())).size == (96, 96)

        page.goto(f"{live_server.url}/profile/edit")
        page.get_by_role("link", name="Change or remove your photo").click()
        page.get_by_role("button", name="Remove photo").click()
        expect(page.get_by_role("main")).to_contain_text("Your initials are shown instead")
        expect(initials).to_have_attribute("data-initials", "AL")
        assert page.request.get(live_server.url + src).status == 404  # its files went with it
    finally:
        context.close()
