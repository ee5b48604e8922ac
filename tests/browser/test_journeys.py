"""Whole journeys through civicnet in headless Chromium, clicking and typing as a person would."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import EXISTING_TAG, EXISTING_TAG_SLUG, sign_in
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

VERIFY_LINK = re.compile(r"https?://\S+/verify-email/\S+")


def test_new_member_registers_and_confirms_their_email(page: Page, live_server, outbox, console_problems):
    page.goto(live_server.url)
    page.get_by_role("button", name="Create an account").click()
    expect(page).to_have_title(re.compile(r"^Create an account"))

    page.get_by_label("Email address").fill("Lin@Example.org")
    page.get_by_label("Username").fill("lin_w")
    page.get_by_label("Display name").fill("Lin Wei")
    page.get_by_label("Create a password").fill("correct horse battery staple")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_role("main")).to_contain_text("lin@example.org")
    [message] = outbox
    assert message.recipients == ["lin@example.org"]
    link = VERIFY_LINK.search(message.body).group(0)

    page.goto(link)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your email address is confirmed")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your profile")
    expect(page.get_by_text("Confirm your email address to take part fully")).to_have_count(0)
    page.goto(f"{live_server.url}/register/check-email")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your email address is confirmed")
    assert console_problems == []


def test_member_fills_in_profile_and_finds_themselves_by_skill_tag(page: Page, live_server, site, console_problems):
    sign_in(page, live_server.url, site.unverified)
    page.goto(live_server.url)
    page.get_by_role("link", name="Your profile").click()
    page.get_by_role("link", name="Edit your profile").click()

    page.get_by_label("Display name").fill("Sam Okafor")
    page.get_by_label("Pronouns (optional)").fill("they/them")
    page.get_by_label("Organisation (optional)").fill("Leeds City Council")
    page.get_by_label("Job title (optional)").fill("Service designer")
    page.get_by_label("Region (optional)").select_option(label="Yorkshire and the Humber")
    page.get_by_label("About you (optional)").fill(
        "I help teams with **accessible** forms.\n\n- research\n- prototyping"
    )

    helps = page.get_by_role("combobox", name="I can help with")
    helps.press_sequentially("data p")
    suggestion = page.get_by_role("option", name=EXISTING_TAG)
    expect(suggestion).to_be_visible()
    helps.press("ArrowDown")
    expect(suggestion).to_have_attribute("aria-selected", "true")
    helps.press("Enter")
    expect(helps).to_have_value(f"{EXISTING_TAG}, ")
    expect(page.get_by_role("listbox")).to_be_hidden()
    helps.press_sequentially("Accessible forms")

    learns = page.get_by_role("combobox", name="I want to learn about")
    learns.press_sequentially("Machine learning, Open standards")
    learns.press("Escape")
    page.get_by_role("button", name="Save profile").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your profile has been saved")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Okafor")
    main = page.get_by_role("main")
    expect(main).to_contain_text("they/them")
    expect(main).to_contain_text("Service designer, Leeds City Council")
    expect(main).to_contain_text("Yorkshire and the Humber")
    expect(main.locator(".civicnet-bio strong")).to_have_text("accessible")
    expect(main.locator(".civicnet-bio li")).to_have_text(["research", "prototyping"])
    helped = page.get_by_role("list", name="I can help with").get_by_role("link")
    expect(helped).to_have_text([EXISTING_TAG, "Accessible forms"])
    expect(helped.first).to_have_attribute("href", f"/tags/{EXISTING_TAG_SLUG}")
    learnt = page.get_by_role("list", name="I want to learn about").get_by_role("link")
    expect(learnt).to_have_text(["Machine learning", "Open standards"])

    helped.first.click()
    expect(page).to_have_url(f"{live_server.url}/tags/{EXISTING_TAG_SLUG}")
    expect(page.get_by_role("heading", name="Who can help (2)")).to_be_visible()
    expect(page.get_by_role("link", name="Sam Okafor")).to_be_visible()

    page.get_by_role("link", name=f"Filter the people directory by {EXISTING_TAG}").click()
    expect(page).to_have_url(f"{live_server.url}/people?tag={EXISTING_TAG_SLUG}")
    expect(page.locator("p[role=status]")).to_have_text(f"2 people with the skill tag “{EXISTING_TAG}”")
    expect(page.get_by_role("link", name="Sam Okafor")).to_be_visible()

    # The directory's own filter form, with the autocomplete in single-tag mode.
    page.get_by_role("link", name="People", exact=True).click()
    tag_filter = page.get_by_role("combobox", name="Skill tag")
    tag_filter.press_sequentially("acc")
    page.get_by_role("option", name="Accessible forms").click()
    expect(tag_filter).to_have_value("Accessible forms")
    page.get_by_label("Region").select_option(label="Yorkshire and the Humber")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("p[role=status]")).to_have_text("1 person with the skill tag “Accessible forms”")
    expect(page.get_by_role("link", name="Sam Okafor")).to_be_visible()
    expect(page.get_by_role("link", name="Ada Lovelace")).to_have_count(0)
    assert console_problems == []


def test_member_signs_out_and_back_in_and_is_told_about_a_wrong_password(
    page: Page, live_server, site, console_problems
):
    sign_in(page, live_server.url, site.citizen)
    page.goto(live_server.url)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")
    menu_sign_in = page.get_by_role("navigation", name="Menu").get_by_role("link", name="Sign in")
    expect(menu_sign_in).to_be_visible()

    menu_sign_in.click()
    page.get_by_label("Email address or username").fill(site.citizen)
    page.get_by_label("Password", exact=True).fill("not my password at all")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address or username and password")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))

    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_label("Keep me signed in on this device for 30 days").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/")
    remember = [cookie for cookie in page.context.cookies() if cookie["name"] == "remember_token"]
    assert remember and remember[0]["expires"] > 0, "remember me should set a lasting cookie"
    assert console_problems == []


def test_register_with_errors_shows_the_error_summary_and_inline_errors(page: Page, live_server, console_problems):
    page.goto(f"{live_server.url}/register")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_title(re.compile(r"^Error: Create an account"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter an email address", "Enter a username", "Enter a display name", "Enter a password"]
    )
    expect(page.locator(".govuk-error-message")).to_have_count(4)

    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Display name").fill("Kim")
    page.get_by_role("button", name="Create account").click()
    message = "Enter an email address in the correct format, like name@example.com"
    expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(page.locator("#email-error")).to_contain_text(message)
    expect(page.locator("#email")).to_have_class(re.compile(r"govuk-input--error"))
    expect(page.locator("#email")).to_have_value("not-an-email")

    # Following a summary link takes you to the field.
    summary.get_by_role("link", name=message).click()
    expect(page.get_by_label("Email address")).to_be_focused()
    assert console_problems == []


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page, live_server, console_problems):
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()
    assert console_problems == []
