"""Verification and mentoring in headless Chromium against the real gevent server: a member verifies an
official address (the link read from the server's mail log) and a moderator attests it; the new mentor
offers mentoring, is suggested first to a citizen whose tags match, accepts the request, and the two
chat live in their private room until the mentee completes it and leaves feedback. Then axe on every
verification and mentoring page, in each state, with and without errors."""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from civicnet.accounts import tokens
from civicnet.accounts.services import find_user_by_username
from civicnet.extensions import db
from civicnet.mentoring import offers, requests
from civicnet.mentoring.models import MentoringRequest
from civicnet.tags.names import tag_slug
from civicnet.verification import services as verification
from civicnet.verification.models import APPROVED, Verification
from tests.browser.chat import compose, messages_saying, online_now, send
from tests.browser.conftest import open_and_check_with_axe, wait_until_connected, watch_socket
from tests.factories import make_user, make_verified

pytestmark = pytest.mark.browser


# Unusual names, so that finding them on a page means something.
MENTOR = ("pat-mentor", "Pat Okonkwo")
MENTEE = ("sam-mentee", "Sam Quayle")
OTHER_MENTOR = ("lee-mentor", "Lee Ravenscroft")
MODERATOR = ("mo-moderator", "Mo Fairweather")
ADMIN = ("ida-admin", "Ida Pennington")

OFFICIAL_ADDRESS = "pat@camden.gov.uk"
ORGANISATION = "Camden Council"
JOB_TITLE = "Head of digital"
HELP_TAGS = "AI ethics, FOI requests, Data protection"
OFFERED = ["AI ethics", "FOI requests"]  # the two tags the mentor offers, in the order pages list them
LEARN_TAGS = "AI ethics, FOI requests"
BADGE = f"Verified: {ORGANISATION}"
OTHER_ORGANISATION = "Leeds City Council"


def seed_others() -> None:
    """The citizen who wants to learn, a moderator, an admin, and another verified mentor whose offer
    matches only one of the citizen's tags, with more places free and recent activity: only the number of
    matching tags puts the new mentor above them."""
    make_user(username=MENTEE[0], display_name=MENTEE[1], learn_tags=LEARN_TAGS)
    make_user(username=MODERATOR[0], display_name=MODERATOR[1], role="moderator")
    make_user(username=ADMIN[0], display_name=ADMIN[1], role="admin")
    other = make_verified(
        organisation=OTHER_ORGANISATION,
        username=OTHER_MENTOR[0],
        display_name=OTHER_MENTOR[1],
        help_tags="FOI requests, Open data",
    )
    offers.save_offer(
        other,
        offers.OfferDetails(
            tags=[tag_slug("FOI requests")], description="I answer FOI requests for a living.", capacity=5
        ),
    )


def confirmation_link(server, address: str, timeout: float = 5) -> str:
    """The newest verification link the server wrote to its log (its inbox) for `address`."""
    pattern = re.compile(rf"Email to {re.escape(address)}\n.*?(http://\S+/account/verification/confirm/\S+)", re.DOTALL)
    deadline = time.monotonic() + timeout
    while True:
        found = pattern.findall(server.log())
        if found:
            return found[-1]
        if time.monotonic() > deadline:
            raise AssertionError(f"no confirmation email to {address} in the server log:\n{server.log()[-3000:]}")
        time.sleep(0.05)


def banner(page: Page):
    return page.locator(".govuk-notification-banner")


def summary_row(page: Page, key: str):
    return page.locator(".govuk-summary-list__row").filter(has=page.locator("dt", has_text=key)).locator("dd")


# --- 1. The whole journey --------------------------------------------------------------------------------


@pytest.fixture
def journey(app, server):
    with app.app_context():
        make_user(username=MENTOR[0], display_name=MENTOR[1], help_tags=HELP_TAGS)
        seed_others()
    return server


def test_mentoring_end_to_end(journey, people, app):
    server = journey

    # The member asks to be verified at their official address.
    pat = people.open(MENTOR[0], "/account/verification")
    expect(pat.get_by_role("heading", level=1)).to_have_text("Verification as a public servant")
    pat.get_by_label("Work email address").fill(OFFICIAL_ADDRESS)
    pat.get_by_label("Organisation").fill(ORGANISATION)
    pat.get_by_label("Job title").fill(JOB_TITLE)
    pat.get_by_role("button", name="Send the link").click()
    expect(banner(pat)).to_contain_text(f"We have sent a link to {OFFICIAL_ADDRESS}")
    expect(pat.locator(".govuk-inset-text")).to_contain_text(f"We sent a link to {OFFICIAL_ADDRESS}")

    # ... and follows the link in the email.
    pat.goto(confirmation_link(server, OFFICIAL_ADDRESS))
    expect(pat).to_have_url(re.compile(r"/account/verification$"))
    expect(banner(pat)).to_contain_text("Thank you: your work address is confirmed")
    expect(pat.locator(".govuk-inset-text")).to_contain_text(
        f"Your address {OFFICIAL_ADDRESS} is confirmed. A moderator will check that you work at {ORGANISATION}"
    )

    # A moderator attests it, with a reason.
    moderator = people.open(MODERATOR[0], "/moderation/verifications")
    moderator.get_by_role("link", name=f"{MENTOR[1]} ({MENTOR[0]})").click()
    expect(moderator.get_by_role("heading", level=1)).to_have_text(f"Check {MENTOR[1]}")
    expect(summary_row(moderator, "Work address")).to_contain_text(f"{OFFICIAL_ADDRESS} (confirmed ")
    moderator.get_by_role("radio", name="Approve: they work there in this role").check()
    moderator.get_by_label("Reason (the member will read this)").fill("Checked against Camden's staff directory")
    moderator.get_by_role("button", name="Record decision").click()
    expect(banner(moderator)).to_contain_text(f"Recorded: {MENTOR[1]} is approved.")
    expect(moderator.get_by_text("Nobody is waiting.")).to_be_visible()

    # The member is verified: the badge shows on their profile.
    pat.reload()
    expect(pat.locator(".govuk-panel")).to_contain_text("You are verified")
    expect(pat.locator(".govuk-panel")).to_contain_text(ORGANISATION)
    expect(pat.get_by_role("main")).to_contain_text("Checked against Camden's staff directory")
    pat.get_by_role("navigation", name="Menu").get_by_role("link", name="Your profile").click()
    expect(pat.get_by_role("heading", level=1).locator(".civicnet-badge--verified")).to_have_text(f"✓ {BADGE}")

    # They offer mentoring on two of their three tags.
    pat.get_by_role("navigation", name="Menu").get_by_role("link", name="Mentoring").click()
    expect(pat.get_by_role("heading", level=1)).to_have_text("Find a mentor")
    pat.get_by_role("link", name="Offer mentoring").click()
    expect(pat.get_by_role("heading", level=1)).to_have_text("Your mentoring offer")
    tags = pat.get_by_role("group", name="Skill tags you offer help with")
    expect(tags.get_by_role("checkbox")).to_have_count(3)
    for tag in OFFERED:
        tags.get_by_role("checkbox", name=tag).check()
    pat.get_by_label("How you can help").fill("Thirty minutes a fortnight on AI ethics boards and FOI practice.")
    pat.get_by_label("How many mentees at once?").fill("2")
    pat.get_by_label("Availability (optional)").fill("Replies within 2 working days")
    pat.get_by_role("button", name="Save offer").click()
    expect(pat).to_have_url(re.compile(r"/mentoring/dashboard$"))
    expect(banner(pat)).to_contain_text("Your mentoring offer is saved")
    expect(pat.get_by_role("main")).to_contain_text(f"Your offer: {', '.join(OFFERED)}. 0 of 2 places taken")

    # The mentor waits on their dashboard, connected live.
    frames: list[str] = []
    pat.close()
    pat = people.open(MENTOR[0], "/mentoring/dashboard", setup=watch_socket(frames))
    wait_until_connected(pat, frames)
    pat_count = pat.locator("#notification-count")
    expect(pat_count).to_have_text("2")  # the moderator's look at their verification details, and the decision

    # The citizen sees the new mentor first, with both matching tags.
    sam_frames: list[str] = []
    sam = people.open(MENTEE[0], "/mentoring", setup=watch_socket(sam_frames))
    suggested = sam.locator(".civicnet-suggestions > li")
    expect(suggested).to_have_count(2)
    expect(suggested.nth(0).get_by_role("heading")).to_contain_text(MENTOR[1])
    expect(suggested.nth(0).locator(".civicnet-badge--verified")).to_contain_text(BADGE)
    expect(suggested.nth(0)).to_contain_text(f"Matches: {', '.join(OFFERED)}")
    expect(suggested.nth(0)).to_contain_text("2 places free")
    expect(suggested.nth(1).get_by_role("heading")).to_contain_text(OTHER_MENTOR[1])
    expect(suggested.nth(1)).to_contain_text("Matches: FOI requests ·")

    # ... presses the suggestion's Ask button, which opens the offer and its request form.
    suggested.nth(0).get_by_role("link", name=f"Ask {MENTOR[1]} for mentoring").click()
    expect(sam).to_have_url(re.compile(r"/mentoring/offers/\d+$"))
    expect(sam.get_by_role("heading", level=1)).to_have_text(f"Mentoring with {MENTOR[1]}")
    helps = summary_row(sam, "Helps with")
    expect(helps).to_contain_text(OFFERED[0])
    expect(helps.locator(".govuk-tag", has_text="matches you")).to_have_count(2)
    expect(summary_row(sam, "Places")).to_have_text("2 of 2 free")
    sam.get_by_label("What would you like help with?").fill("Our council is drafting an AI policy: where to start?")
    sam.get_by_role("button", name="Ask for mentoring").click()
    expect(sam).to_have_url(re.compile(r"/mentoring/requests/\d+$"))
    expect(banner(sam)).to_contain_text(f"Your request has been sent to {MENTOR[1]}")
    expect(sam.locator("#request-status")).to_have_text("Pending")
    request_url = sam.url
    wait_until_connected(sam, sam_frames)

    # The mentor is told live, finds the request on the dashboard and accepts it.
    expect(pat_count).to_have_text("3")
    pat.reload()
    to_answer = pat.locator("h3", has_text="Requests to answer").locator("+ ul")
    expect(to_answer).to_contain_text(f"{MENTEE[1]}: pending")
    to_answer.get_by_role("link", name=MENTEE[1]).click()
    expect(pat.locator("#request-status")).to_have_text("Pending")
    expect(summary_row(pat, "Request")).to_have_text("Our council is drafting an AI policy: where to start?")
    pat.get_by_role("button", name="Accept request").click()
    expect(banner(pat)).to_contain_text("Accepted. A private room for the two of you is open.")
    expect(pat.locator("#request-status")).to_have_text("Accepted")
    expect(sam.locator("#notification-count")).to_have_text("1")  # the mentee is told live too

    # Both open the private room: the mentor from the dashboard, the mentee from the request page.
    pat.get_by_role("link", name="Your mentoring", exact=True).click()
    pat.get_by_role("link", name=f"open the room with {MENTEE[1]}").click()
    room_name = f"Mentoring: {MENTOR[1]} and {MENTEE[1]}"
    expect(pat.get_by_role("heading", level=1)).to_have_text(room_name)
    sam.reload()
    expect(sam.locator("#request-status")).to_have_text("Accepted")
    summary_row(sam, "Room").get_by_role("link", name=room_name).click()
    expect(sam.get_by_role("heading", level=1)).to_have_text(room_name)
    expect(sam.locator(".govuk-caption-l")).to_have_text("Private room")
    online_now(pat, f"{MENTOR[1]} (you)", MENTEE[1])
    online_now(sam, f"{MENTEE[1]} (you)", MENTOR[1])
    reloads: list[str] = []
    pat.on("framenavigated", lambda frame: reloads.append(frame.url))
    sam.on("framenavigated", lambda frame: reloads.append(frame.url))

    # They chat live; the mentor's messages carry the verified badge.
    compose(pat).fill("Welcome, Sam! Start with the **Algorithmic Transparency** standard.")
    pat.get_by_role("button", name="Send message").click()
    from_mentor = messages_saying(sam, "Welcome, Sam! Start with the Algorithmic Transparency standard.")
    expect(from_mentor).to_have_count(1)
    expect(from_mentor.locator(".civicnet-badge--verified")).to_have_text(f"✓ {BADGE}")
    expect(from_mentor.locator("strong", has_text="Algorithmic Transparency")).to_have_count(1)
    send(sam, "Thank you, that is exactly what I needed.")
    from_mentee = messages_saying(pat, "Thank you, that is exactly what I needed.")
    expect(from_mentee).to_have_count(1)
    expect(from_mentee.locator(".civicnet-badge--verified")).to_have_count(0)
    assert reloads == [], "a page reloaded during the chat"

    # The mentee marks it completed: the room is archived and read-only.
    sam.goto(request_url)
    sam.get_by_role("button", name="Mark as completed").click()
    expect(banner(sam)).to_contain_text("Completed. The room stays readable for you both.")
    expect(sam.locator("#request-status")).to_have_text("Completed")
    expect(summary_row(sam, "Room")).to_have_text(f"{room_name} (archived, read-only)")
    pat.reload()
    expect(pat.locator(".govuk-caption-l")).to_have_text("Private room · archived, read-only")
    expect(pat.get_by_text("This room is archived. You can read it, but no one can post.")).to_be_visible()
    expect(compose(pat)).to_have_count(0)
    expect(messages_saying(pat, "Thank you, that is exactly what I needed.")).to_have_count(1)

    # ... and leaves feedback, which the mentor reads on the request page.
    feedback = sam.get_by_role("group", name="Did the mentoring help?")
    feedback.get_by_role("radio", name="Yes").check()
    sam.get_by_label("Anything else? (only your mentor and admins will see it)").fill("Clear, practical and kind.")
    sam.get_by_role("button", name="Send feedback").click()
    expect(banner(sam)).to_contain_text("Thank you for your feedback.")
    expect(sam.get_by_role("button", name="Send feedback")).to_have_count(0)
    pat.goto(request_url)
    expect(summary_row(pat, "Mentee’s feedback")).to_have_text("Helpful: Clear, practical and kind.")
    pat.get_by_role("link", name="Your mentoring", exact=True).click()
    expect(pat.get_by_role("main")).to_contain_text(f"Your offer: {', '.join(OFFERED)}. 0 of 2 places taken")

    with app.app_context():
        [found] = db.session.scalars(db.select(MentoringRequest)).all()
        assert (found.status, found.helpful, found.feedback) == ("completed", True, "Clear, practical and kind.")
        assert found.room.is_archived and found.ended_by_id == find_user_by_username(MENTEE[0]).id
        [attested] = db.session.scalars(db.select(Verification)).all()
        assert (attested.status, attested.email, attested.job_title) == (APPROVED, OFFICIAL_ADDRESS, JOB_TITLE)
    assert people.problems == []


# --- 2. axe on every verification and mentoring page -----------------------------------------------------

NEWCOMER = ("nia-newcomer", "Nia Newcombe")  # no tags, never verified
CONFIRMING = ("cara-confirming", "Cara Cobb")  # asked to be verified, has not followed the link
WAITING = ("wes-waiting", "Wes Whitlock")  # followed the link, waiting for a moderator
NEW_MENTOR = ("vic-mentor", "Vic Varga")  # verified, no offer yet
ACTIVE_MENTEE = ("kim-mentee", "Kim Kettering")  # accepted by the mentor
PAST_MENTEE = ("jo-mentee", "Jo Jurado")  # completed with the other mentor, no feedback yet


def verify_by_link(user, address: str, organisation: str, job_title: str):
    """Start a verification and follow the emailed link, as the services do it."""
    started = verification.start(user, address, organisation, job_title)
    return verification.confirm(
        tokens.make_token(verification.OFFICIAL_ADDRESS, {"v": started.id, "email": started.email})
    )


@pytest.fixture
def seeded(app, server) -> dict[str, object]:
    """Everyone, in every state a verification or a mentoring request can be in; the ids the pages need."""
    with app.app_context():
        seed_others()
        moderator = find_user_by_username(MODERATOR[0])
        pat = make_user(username=MENTOR[0], display_name=MENTOR[1], help_tags=HELP_TAGS)
        attested = verify_by_link(pat, OFFICIAL_ADDRESS, ORGANISATION, JOB_TITLE)
        verification.decide(moderator, attested.id, True, "Checked against Camden's staff directory")
        pat_offer = offers.save_offer(
            pat,
            offers.OfferDetails(
                tags=[tag_slug(tag) for tag in OFFERED],
                description="Thirty minutes a fortnight on AI ethics boards and FOI practice.",
                availability="Replies within 2 working days",
                calls_note="Video calls on request",
                capacity=3,
            ),
        )
        make_user(username=NEWCOMER[0], display_name=NEWCOMER[1])
        verification.start(
            make_user(username=CONFIRMING[0], display_name=CONFIRMING[1]), "cara@leeds.gov.uk", "Leeds", "Analyst"
        )
        waiting = verify_by_link(
            make_user(username=WAITING[0], display_name=WAITING[1]), "wes@nhs.net", "NHS Digital", "Data engineer"
        )
        make_verified(
            organisation="Bristol City Council",
            username=NEW_MENTOR[0],
            display_name=NEW_MENTOR[1],
            help_tags="Open data, Procurement",
        )
        sam = find_user_by_username(MENTEE[0])
        pending = requests.ask(sam, pat_offer.id, "Our council is drafting an AI policy: where to start?")
        kim = make_user(username=ACTIVE_MENTEE[0], display_name=ACTIVE_MENTEE[1], learn_tags="AI ethics")
        accepted = requests.accept(pat, requests.ask(kim, pat_offer.id, "Help me review an algorithm register").id)
        lee, jo = (
            find_user_by_username(OTHER_MENTOR[0]),
            make_user(username=PAST_MENTEE[0], display_name=PAST_MENTEE[1]),
        )
        lee_offer = offers.offer_of(lee)
        completed = requests.accept(lee, requests.ask(jo, lee_offer.id, "How do I answer my first FOI request?").id)
        requests.end(jo, completed.id, completed=True)
        return {
            "pat_offer": pat_offer.id,
            "lee_offer": lee_offer.id,
            "pending": pending.id,
            "accepted": accepted.id,
            "completed": completed.id,
            "waiting": waiting.id,
            "room": db.session.get(MentoringRequest, completed.id).room.slug,
        }


def shows_errors(button: str, *errors: tuple[str, str], first: Callable[[Page], None] | None = None):
    """Press the button (after `first`, if given): the GOV.UK error summary takes focus and lists each
    (field id, message), each link moving focus to its field."""

    def action(page: Page) -> None:
        if first:
            first(page)
        page.get_by_role("main").get_by_role("button", name=button, exact=True).click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_focused()
        expect(page).to_have_title(re.compile(r"^Error: "))
        expect(summary.get_by_role("link")).to_have_count(len(errors))
        for field_id, message in errors:
            link = summary.get_by_role("link", name=message)
            expect(link).to_have_attribute("href", f"#{field_id}")
            expect(page.locator(f"#{field_id}-error")).to_contain_text(message)
            link.click()
            expect(page.locator(f"#{field_id}")).to_be_focused()

    return action


def shows_inline_error(button: str, field_id: str, message: str) -> Callable[[Page], None]:
    """Press the button: the field shows its error (for the pages whose error summary is missing)."""

    def action(page: Page) -> None:
        page.get_by_role("main").get_by_role("button", name=button, exact=True).click()
        expect(page.locator(f"#{field_id}-error")).to_contain_text(message)

    return action


def choose(radio: str) -> Callable[[Page], None]:
    return lambda page: page.get_by_role("radio", name=radio).check()


def fill(label: str, text: str) -> Callable[[Page], None]:
    return lambda page: page.get_by_label(label, exact=True).fill(text)


# Bugs found by these tests (see the reasons); each case is expected to fail until the bug is fixed.


@dataclass
class Case:
    id: str
    path: str
    who: str | None
    ready: str  # text the page shows once it is what the case is about
    action: Callable[[Page], None] | None = None
    marks: tuple = ()


APPROVE = "Approve: they work there in this role"
NO_REASON = ("reason", "Give a reason: the member will read it")
NO_DESCRIPTION = ("description", "Describe how you can help")
NO_TAGS = ("tags", "Choose at least one skill tag from your “I can help with” list")
DECIDE = "/moderation/verifications/{waiting}"
COMPLETED = "/mentoring/requests/{completed}"

CASES = [
    Case("find-with-suggestions", "/mentoring", MENTEE[0], MENTOR[1]),
    Case("find-without-tags", "/mentoring", NEWCOMER[0], "Add the skill tags you want to learn about"),
    Case(
        "find-errors",
        "/mentoring",
        NEWCOMER[0],
        "Add the skill tags",
        shows_errors("Find mentors", ("learn_tags", "Enter at least one skill tag")),
    ),
    Case("offer-new", "/mentoring/offer", NEW_MENTOR[0], "Procurement"),
    Case("offer-change", "/mentoring/offer", MENTOR[0], "Data protection"),
    Case(
        "offer-errors-tags",
        "/mentoring/offer",
        NEW_MENTOR[0],
        "Procurement",
        shows_errors("Save offer", NO_TAGS, first=fill("How you can help", "Open data clinics")),
    ),
    Case(
        "offer-errors-all-at-once",
        "/mentoring/offer",
        NEW_MENTOR[0],
        "Procurement",
        shows_errors("Save offer", NO_TAGS, NO_DESCRIPTION),
    ),
    Case("offer-page", "/mentoring/offers/{pat_offer}", MENTEE[0], "matches you"),
    Case(
        "offer-page-errors",
        "/mentoring/offers/{lee_offer}",
        MENTEE[0],
        OTHER_MENTOR[1],
        shows_errors("Ask for mentoring", ("message", "Tell the mentor what you would like help with")),
    ),
    Case("request-pending-mentor", "/mentoring/requests/{pending}", MENTOR[0], "Or decline"),
    Case("request-pending-mentee", "/mentoring/requests/{pending}", MENTEE[0], "Withdraw request"),
    Case("request-accepted-mentee", "/mentoring/requests/{accepted}", ACTIVE_MENTEE[0], "Mark as completed"),
    Case("request-completed-feedback-form", COMPLETED, PAST_MENTEE[0], "Did the mentoring help?"),
    Case(
        "request-feedback-errors",
        COMPLETED,
        PAST_MENTEE[0],
        "Did the mentoring help?",
        shows_errors("Send feedback", ("helpful", "Say whether the mentoring helped")),
    ),
    Case(
        "request-feedback-inline-error",
        COMPLETED,
        PAST_MENTEE[0],
        "Did the mentoring help?",
        shows_inline_error("Send feedback", "helpful", "Say whether the mentoring helped"),
    ),
    Case("request-completed-mentor", COMPLETED, OTHER_MENTOR[0], "Write a closing summary"),
    Case(
        "request-summary-errors",
        COMPLETED,
        OTHER_MENTOR[0],
        "Write a closing summary",
        shows_errors("Save summary", ("summary", "Write a short summary")),
    ),
    Case(
        "request-summary-inline-error",
        COMPLETED,
        OTHER_MENTOR[0],
        "Write a closing summary",
        shows_inline_error("Save summary", "summary", "Write a short summary"),
    ),
    Case("dashboard-mentor", "/mentoring/dashboard", MENTOR[0], "Requests to answer"),
    Case("notifications", "/notifications", MENTOR[0], f"{MENTEE[1]} asked you for mentoring"),
    Case("dashboard-mentee", "/mentoring/dashboard", ACTIVE_MENTEE[0], "open the room"),
    Case("room-archived", "/rooms/{room}", PAST_MENTEE[0], "This room is archived"),
    Case("verification-start", "/account/verification", NEWCOMER[0], "Ask to be verified"),
    Case(
        "verification-start-errors",
        "/account/verification",
        NEWCOMER[0],
        "Ask to be verified",
        shows_errors(
            "Send the link",
            ("email", "Enter your work email address"),
            ("organisation", "Enter your organisation"),
            ("job_title", "Enter your job title"),
        ),
    ),
    Case("verification-confirming", "/account/verification", CONFIRMING[0], "We sent a link to cara@leeds.gov.uk"),
    Case("verification-waiting", "/account/verification", WAITING[0], "Your address wes@nhs.net is confirmed"),
    Case("verification-verified", "/account/verification", MENTOR[0], "You are verified"),
    Case("verifications-queue", "/moderation/verifications", MODERATOR[0], WAITING[1]),
    Case("verification-decide", DECIDE, MODERATOR[0], "Data engineer"),
    Case(
        "decide-errors",
        DECIDE,
        MODERATOR[0],
        "Data engineer",
        shows_errors("Record decision", NO_REASON, first=choose(APPROVE)),
    ),
    Case(
        "decide-errors-all-at-once",
        DECIDE,
        MODERATOR[0],
        "Data engineer",
        shows_errors("Record decision", ("decision", "Choose whether to approve or decline"), NO_REASON),
    ),
    Case(
        "decide-errors-no-decision",
        DECIDE,
        MODERATOR[0],
        "Data engineer",
        shows_errors(
            "Record decision",
            ("decision", "Choose whether to approve or decline"),
            first=fill("Reason (the member will read this)", "Confirmed with NHS Digital"),
        ),
    ),
    Case("domains", "/admin/domains", ADMIN[0], "nidirect.gov.uk"),
    Case(
        "domains-errors",
        "/admin/domains",
        ADMIN[0],
        "nidirect.gov.uk",
        shows_errors("Add domain", ("domain", "Enter a domain like camden.gov.uk")),
    ),
]
ANSWERED_WITH_ERROR = re.compile(
    r"console error: Failed to load resource: the server responded with a status of (400|403|409) "
)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id, marks=case.marks) for case in CASES])
def test_mentoring_pages_pass_axe(case: Case, seeded, page: Page, server, console_problems):
    open_and_check_with_axe(page, server.url, case, seeded, console_problems, ANSWERED_WITH_ERROR)
