"""Moderation in headless Chromium against the real gevent server: reports that hide a message live, a
moderator's suspension, the member's appeal and its reversal (the message returns live), the audit
trail and the public transparency report; axe on every moderation page, with and without errors; and
reporting with JavaScript turned off."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

from civicnet.accounts.services import find_user_by_username
from civicnet.audit import AuditEntry
from civicnet.extensions import db
from civicnet.moderation import appeals, filters, reports
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.moderation.models import ModerationAction, Report
from civicnet.moderation.rules import PERIODS, REPORT_REASONS, RULES
from civicnet.rooms import messages
from civicnet.rooms.models import Message
from civicnet.rooms.services import get_readable_room
from tests.browser.chat import online_now
from tests.browser.conftest import open_and_check_with_axe
from tests.factories import DEFAULT_PASSWORD, make_room, make_user

pytestmark = pytest.mark.browser

ROOM = "/rooms/open-data"
HIDDEN_TEXT = "This message is hidden pending review."
REMOVED_TEXT = "This message was removed by a moderator."
REPORTED_TEXT = "Nobody in this room has a clue, frankly"

# Unusual names, so that finding none of them on /transparency means something.
HOST = ("finch-host", "Fenella Finch")
AUTHOR = ("quill-author", "Zora Quill")
REPORTERS = [("kestrel-one", "Kit Kestrel"), ("kestrel-two", "Kay Kestrel"), ("kestrel-three", "Kim Kestrel")]
READER = ("wren-reader", "Wynn Wren")
MODERATOR_1 = ("osprey-mod", "Otto Osprey")
MODERATOR_2 = ("heron-mod", "Hedda Heron")
ADMIN = ("ibis-admin", "Ines Ibis")
SPAMMER = ("gull-spam", "Gus Gull")
EVERYONE = [HOST, AUTHOR, *REPORTERS, READER, MODERATOR_1, MODERATOR_2, ADMIN, SPAMMER]


def seed_people(room_members: tuple = ()) -> dict[str, object]:
    """Everyone, by username; the public room "Open data" created by the host, with `room_members` joined."""
    roles = {MODERATOR_1[0]: "moderator", MODERATOR_2[0]: "moderator", ADMIN[0]: "admin"}
    people = {
        username: make_user(username=username, display_name=name, role=roles.get(username, "citizen"))
        for username, name in EVERYONE
    }
    make_room(people[HOST[0]], "Open data", members=[people[name] for name in room_members])
    return people


def room():
    return get_readable_room(find_user_by_username(HOST[0]), "open-data")


def table_rows(table: Locator) -> list[dict[str, str]]:
    """A table's body rows, each as {column header: cell text}."""
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    rows = []
    for row in table.locator("tbody tr").all():
        cells = [text.strip() for text in row.locator("th, td").all_inner_texts()]
        rows.append(dict(zip(headers, cells, strict=True)))
    return rows


def table_captioned(page: Page, caption: str | re.Pattern) -> Locator:
    return page.locator("table").filter(has=page.locator("caption", has_text=caption))


def action_form(page: Page, heading: str) -> Locator:
    """One of the moderation action forms, found by its name ("Suspend the account", ...), opened as a
    moderator opens it: each folds behind its name on the item page."""
    action = page.locator("details.civicnet-action").filter(
        has=page.locator("summary").get_by_text(heading, exact=True)
    )
    if action.get_attribute("open") is None:
        action.locator("summary").click()
    return action.locator("form.civicnet-action-form")


# --- 1. The whole journey --------------------------------------------------------------------------------


@pytest.fixture
def journey(app, server) -> int:
    """Everyone, and the author's message in "Open data" (with a harmless one before it); returns its id."""
    with app.app_context():
        found = seed_people(room_members=(AUTHOR[0],))
        messages.post_message(room(), found[HOST[0]], "Welcome, everyone: what data do you need?")
        return messages.post_message(room(), found[AUTHOR[0]], REPORTED_TEXT).id


def report_through_the_menu(page: Page, message_id: int, reason: str, note: str = "") -> None:
    """Click Report in the message's menu, choose a reason and send; back in the room with the banner."""
    page.locator(f"#message-{message_id}").get_by_role("link", name=f"Report this message by {AUTHOR[1]}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report this message")
    page.get_by_role("radio", name=reason).check()
    if note:
        page.get_by_label("Anything the moderators should know? (optional)").fill(note)
    page.get_by_role("button", name="Send report").click()
    expect(page).to_have_url(re.compile(rf"{ROOM}#message-{message_id}$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Thank you. Your report has been sent to the moderators"
    )


def test_moderation_end_to_end(journey, people, app):
    message_id = journey
    harassment = REPORT_REASONS["harassment"]

    # The fourth member reads the room; a moderator is somewhere else on civicnet, connected.
    reader = people.open(READER[0], ROOM)
    online_now(reader, f"{READER[1]} (you)")
    navigations: list[str] = []
    reader.on("framenavigated", lambda frame: navigations.append(frame.url))
    post = reader.locator(f"#message-{message_id}")
    expect(post).to_contain_text(REPORTED_TEXT)
    first_moderator = people.open(MODERATOR_1[0], ROOM)
    online_now(first_moderator, f"{MODERATOR_1[1]} (you)")
    waiting = first_moderator.locator("#moderation-count")
    expect(waiting).to_have_text("")

    # Three members report it through the message's menu; the third report hides it for everyone, live.
    for number, (username, _) in enumerate(REPORTERS, start=1):
        reporter = people.open(username, ROOM)
        report_through_the_menu(reporter, message_id, harassment, note=f"Rude to everyone (report {number})")
        if number < len(REPORTERS):
            expect(post).to_contain_text(REPORTED_TEXT)
        expect(waiting).to_have_text("1")  # one item waiting, however many reports
    expect(post).to_have_class(re.compile(r"\bcivicnet-message--hidden\b"))
    expect(post.locator(".civicnet-message__body")).to_have_text(HIDDEN_TEXT)
    expect(post).not_to_contain_text(REPORTED_TEXT)
    expect(post.get_by_role("link", name=re.compile("^Report"))).to_have_count(0)
    expect(reader.locator("#announcer")).to_contain_text(f"A message from {AUTHOR[1]} was hidden pending review")

    # Moderator 1: the queue, the item, and the suspension from the item page.
    first_moderator.get_by_role("link", name=re.compile(r"^Moderation")).click()
    expect(first_moderator.get_by_role("heading", level=1)).to_have_text("Moderation queue")
    entry = first_moderator.locator(".civicnet-summary-card")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("3 open reports")
    expect(entry).to_contain_text("Hidden pending review")
    entry.get_by_role("link", name="Message in Open data").click()
    item = first_moderator.get_by_role("main")
    expect(item.locator(".govuk-tag", has_text="Hidden")).to_be_visible()
    expect(item.locator(".civicnet-context__reported")).to_contain_text(REPORTED_TEXT)  # moderators see the text
    expect(item.locator("li", has_text=harassment)).to_have_count(3)
    # The decisions fold behind their names: a short page, not a stack of forms (it was 4,300 px).
    height = first_moderator.evaluate("document.documentElement.scrollHeight")
    assert height < 2600, f"the item page is {height} px tall"
    suspend = action_form(first_moderator, "Suspend the account")
    suspend.get_by_role("radio", name=PERIODS["72"]).check()
    suspend.get_by_label("Reason").select_option(label=RULES["respect"])
    suspend.get_by_label("Note for the member (optional)").fill("Insulting the whole room, again")
    suspend.get_by_role("button", name="Suspend").click()
    expect(first_moderator.locator(".govuk-notification-banner")).to_contain_text(
        "Done: suspended an account. The member has been sent a statement of reasons."
    )
    expect(first_moderator.get_by_text("No open reports.")).to_be_visible()
    # The suspension decided the reports: the message stays hidden, now as the decision's, live.
    expect(post.locator(".civicnet-message__body")).to_have_text(REMOVED_TEXT)
    expect(reader.locator("#announcer")).to_contain_text(f"A message from {AUTHOR[1]} was removed by a moderator")
    with app.app_context():
        suspension = db.session.scalar(db.select(ModerationAction).where(ModerationAction.kind == "suspend"))
        ends = f"{suspension.ends_at:%-d %B %Y at %H:%M} UTC"
        assert (suspension.item_type, suspension.item_id) == ("message", message_id)

    # The author signs in through the form, is refused, reads the statement of reasons and appeals.
    author = people.open(None, "/sign-in")
    author.get_by_label("Email address or username").fill(AUTHOR[0])
    author.get_by_role("textbox", name="Password").fill(DEFAULT_PASSWORD)
    author.get_by_role("button", name="Sign in").click()
    refusal = author.get_by_role("alert")
    expect(refusal.get_by_role("heading", name="You cannot sign in")).to_be_visible()
    expect(refusal).to_contain_text(RULES["respect"])
    refusal.get_by_role("link", name="Read the statement of reasons and appeal").click()
    expect(author).to_have_url(re.compile(r"/decisions/link/[^/]+$"))
    expect(author.get_by_role("heading", level=1)).to_have_text("Statement of reasons")
    statement = author.locator(".govuk-summary-list")
    for key, value in [
        ("What was decided", "Your account was suspended"),
        ("About", f"Message in Open data{REPORTED_TEXT}"),  # its room, then its words quoted
        ("Rule", RULES["respect"]),
        ("Moderator’s note", "Insulting the whole room, again"),
        ("Ends", ends),
    ]:
        row = statement.locator(".govuk-summary-list__row").filter(has=author.locator("dt", has_text=key))
        expect(row.locator("dd")).to_have_text(value)
    author.get_by_label("Why should the decision change?").fill("I was frustrated, not abusive. I will rephrase.")
    author.get_by_role("button", name="Send appeal").click()
    expect(author.locator(".govuk-notification-banner")).to_contain_text("Your appeal has been sent")
    expect(author.get_by_role("main")).to_contain_text("You appealed on")

    # Moderator 2 (not the one who decided) reverses it; the message comes back, live, with its text.
    second_moderator = people.open(MODERATOR_2[0], "/moderation")
    second_moderator.get_by_role("link", name=f"Appeal by {AUTHOR[0]} against: suspended an account").click()
    expect(second_moderator.get_by_role("main")).to_contain_text("I was frustrated, not abusive")
    second_moderator.get_by_role("radio", name="Reversed: the decision is undone").check()
    second_moderator.get_by_label("Reason (the member will read this)").fill("Rude, but not harassment: restored.")
    second_moderator.get_by_role("button", name="Decide appeal").click()
    expect(second_moderator.locator(".govuk-notification-banner")).to_contain_text(
        "Appeal decided: reversed. The member has been told."
    )

    expect(post.locator(".civicnet-message__body")).to_have_text(REPORTED_TEXT)
    expect(post).not_to_have_class(re.compile(r"\bcivicnet-message--hidden\b"))
    expect(post.get_by_role("link", name=f"Report this message by {AUTHOR[1]}")).to_have_count(1)
    expect(reader.locator("#announcer")).to_contain_text(f"{AUTHOR[1]}'s message is shown again")
    assert navigations == [], "the reader's page reloaded"

    author.reload()
    expect(author.get_by_role("heading", name="Appeal reversed")).to_be_visible()
    expect(author.locator(".govuk-summary-list")).to_contain_text("Reversed on appeal")

    # The audit trail, as an admin reads it (newest first) and as stored.
    admin = people.open(ADMIN[0], "/moderation/audit")
    trail = table_rows(table_captioned(admin, re.compile(r"^Entries")))
    assert [row["What"] for row in reversed(trail)] == [
        "auto hide",
        "suspend",
        "appeal",
        "appeal reversed",
        "restore message",
    ]
    assert [row["Who"] for row in reversed(trail)] == [
        "civicnet",
        MODERATOR_1[0],
        AUTHOR[0],
        MODERATOR_2[0],
        MODERATOR_2[0],
    ]
    with app.app_context():
        stored = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.subject_username) for e in stored] == [
            ("auto_hide", AUTHOR[0]),
            ("suspend", AUTHOR[0]),
            ("appeal", AUTHOR[0]),
            ("appeal_reversed", AUTHOR[0]),
            ("restore_message", AUTHOR[0]),  # the message returns because the decision on it was reversed
        ]
        assert (stored[0].item_type, stored[0].item_id) == ("message", message_id)
        assert (stored[4].item_type, stored[4].item_id) == ("message", message_id)
        assert (stored[2].item_type, stored[2].item_id) == (stored[3].item_type, stored[3].item_id)
        assert stored[3].item_id == suspension.id
        assert db.session.get(Message, message_id).moderation is None
        assert find_user_by_username(AUTHOR[0]).suspended_at is None

    # The public transparency report: counts only.
    public = people.open(None, "/transparency")
    [reported] = table_rows(table_captioned(public, "Reports received, by reason"))
    assert reported[harassment] == "3" and reported["Total"] == "3"
    assert all(reported[REPORT_REASONS[other]] == "0" for other in REPORT_REASONS if other != "harassment")
    [decided] = table_rows(table_captioned(public, "Decisions taken, by type"))
    assert decided["Suspended an account"] == "1"
    assert decided["Hid a message pending review (reported by several members)"] == "1"
    assert sum(int(count) for heading, count in decided.items() if heading != "Month") == 2
    [appealed] = table_rows(table_captioned(public, "Response time and appeals"))
    assert appealed["Appeals received"] == "1"
    assert appealed["Appeals that reversed the decision"] == "1"
    shown = public.content()
    assert [name for pair in EVERYONE for name in pair if name in shown] == []
    assert people.problems == []


def test_suspension_without_a_note_reads_cleanly_at_sign_in(app, server, page: Page, console_problems):
    with app.app_context():
        found = seed_people()
        take_action(
            found[MODERATOR_1[0]], ActionRequest(kind="suspend", reason="respect", username=AUTHOR[0], period="24")
        )
    page.goto(server.url + "/sign-in")
    page.get_by_label("Email address or username").fill(AUTHOR[0])
    page.get_by_role("textbox", name="Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text(f"Reason: {RULES['respect']}")
    assert ".." not in refusal.locator("p").first.inner_text()
    assert console_problems == []


# --- 2. axe on every moderation page -----------------------------------------------------------------------


@pytest.fixture
def seeded(app, server) -> dict[str, int]:
    """Reports, a message hidden by them, one hidden by a moderator, one held by the word filter, a reported
    profile, a warning the author has appealed and a suspended member; the ids the pages' addresses need."""
    with app.app_context():
        found = seed_people(room_members=(AUTHOR[0], SPAMMER[0]))
        author, moderator = found[AUTHOR[0]], found[MODERATOR_1[0]]
        visible = messages.post_message(room(), author, "Who has the **bus timetable** data?")
        hidden = messages.post_message(room(), author, REPORTED_TEXT)
        for username, _ in REPORTERS:
            reports.report(found[username], "message", hidden.id, "harassment", "Rude")
        reports.report(found[REPORTERS[0][0]], "profile", author.id, "spam", "The bio is an advert")
        other = messages.post_message(room(), author, "Another rude one")
        hid = take_action(
            moderator, ActionRequest(kind="hide_message", reason="respect", item_type="message", item_id=other.id)
        )
        filters.add_word(moderator, "flapdoodle", "hold")
        messages.post_message(room(), author, "What flapdoodle this is")
        warning = take_action(
            moderator, ActionRequest(kind="warn", reason="respect", username=AUTHOR[0], note="Keep it civil")
        )
        appeal = appeals.appeal(author, warning.id, "I was quoting someone else")
        take_action(
            moderator,
            ActionRequest(kind="suspend", reason="no_spam", username=SPAMMER[0], period="72", note="Adverts"),
        )
        return {
            "visible": visible.id,
            "hidden": hidden.id,
            "decision": hid.id,
            "author": author.id,
            "appeal": appeal.id,
        }


def shows_errors(
    button: str, field_id: str, message: str, *, form: str | None = None, target: str | None = None
) -> Callable[[Page], None]:
    """Press the button with the form left empty: the GOV.UK error summary takes focus, and its link
    names the problem and moves focus to the field."""

    def action(page: Page) -> None:
        scope = action_form(page, form) if form else page.get_by_role("main")
        scope.get_by_role("button", name=button, exact=True).click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_focused()
        expect(page).to_have_title(re.compile(r"^Error: "))
        link = summary.get_by_role("link", name=message)
        # A GOV.UK date input's link goes to its first box (target), not to the group.
        expect(link).to_have_attribute("href", f"#{target or field_id}")
        expect(page.locator(f"#{field_id}-error")).to_contain_text(message)
        link.click()
        expect(page.locator(f"#{target or field_id}")).to_be_focused()

    return action


def record_a_request(page: Page) -> None:
    """Fill in and send the rights request form: axe then checks the request's own page."""
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("radio", name="Post").check()
    page.get_by_role("radio", name="A copy of their data").check()
    page.get_by_label("Who asked, and how to answer them").fill("A resident, 1 High Street")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Request #")


@dataclass
class Case:
    id: str
    path: str
    who: str | None  # a username, or None for a visitor
    ready: str = ""  # text the page shows once it is what the case is about
    action: Callable[[Page], None] | None = None


ITEM = "/moderation/items/message/{hidden}"
AUTHORS_PAGE = f"/moderation/members/{AUTHOR[0]}"
DECISION = "/decisions/{decision}"
REPORT = "/report/message/{visible}"
APPEAL = "/moderation/appeals/{appeal}"
NO_RULE = "Choose the rule this decision applies"
SUSPEND_WITHOUT_REASON = shows_errors("Suspend", "suspend-reason", NO_RULE, form="Suspend the account")

CASES = [
    Case("queue", "/moderation", MODERATOR_2[0], "Appeal by"),
    Case("item-message", ITEM, MODERATOR_1[0], REPORTERS[2][0]),
    Case("item-message-errors", ITEM, MODERATOR_1[0], REPORTERS[2][0], SUSPEND_WITHOUT_REASON),
    Case("item-profile", "/moderation/items/profile/{author}", MODERATOR_1[0], "The bio is an advert"),
    Case("member-suspended", f"/moderation/members/{SPAMMER[0]}", MODERATOR_1[0], "Suspended until"),
    Case("member", AUTHORS_PAGE, MODERATOR_1[0], "Keep it civil"),
    Case("member-errors", AUTHORS_PAGE, MODERATOR_1[0], "Keep it civil", SUSPEND_WITHOUT_REASON),
    Case("purpose", f"/access/purpose?member={AUTHOR[0]}", MODERATOR_1[0], "Your look is recorded"),
    Case(
        "purpose-errors",
        f"/access/purpose?member={AUTHOR[0]}",
        MODERATOR_1[0],
        "Your look is recorded",
        shows_errors("Continue", "purpose", "Choose why you need to see it"),
    ),
    Case("purpose-admin", f"/access/purpose?member={AUTHOR[0]}", ADMIN[0], "Keep this look from the member"),
    Case("access-holds", "/admin/access-holds", ADMIN[0], "None is waiting"),
    Case("all-looks", "/admin/access-log", ADMIN[0], "Looks at members"),
    Case("rights-requests", "/admin/requests", ADMIN[0], "None is open"),
    Case("rights-request-new", "/admin/requests/new", ADMIN[0], "When did it arrive?"),
    Case("rights-request", "/admin/requests/new", ADMIN[0], "When did it arrive?", record_a_request),
    Case(
        "rights-request-new-errors",
        "/admin/requests/new",
        ADMIN[0],
        "When did it arrive?",
        shows_errors("Record the request", "received_at", "Enter the date it arrived", target="received_at-day"),
    ),
    Case("appeal", APPEAL, MODERATOR_2[0], "I was quoting someone else"),
    Case(
        "appeal-errors",
        APPEAL,
        MODERATOR_2[0],
        "I was quoting someone else",
        shows_errors("Decide appeal", "outcome", "Choose whether to uphold or reverse the decision"),
    ),
    Case("words", "/moderation/words", MODERATOR_1[0], "flapdoodle"),
    Case(
        "words-errors",
        "/moderation/words",
        MODERATOR_1[0],
        "flapdoodle",
        shows_errors("Add to the list", "phrase", "Enter a word or phrase"),
    ),
    Case("audit", "/moderation/audit", ADMIN[0], "auto hide"),
    Case("transparency", "/transparency", None, "Reports received"),
    Case("guidelines", "/guidelines", None, RULES["respect"]),
    Case("decision", DECISION, AUTHOR[0], "Your message was hidden"),
    Case(
        "decision-errors",
        DECISION,
        AUTHOR[0],
        "Your message was hidden",
        shows_errors("Send appeal", "note", "Tell the moderators why the decision should change"),
    ),
    Case("my-entries", "/account/moderation", AUTHOR[0], "warn"),
    Case("report", REPORT, REPORTERS[0][0], "bus timetable"),
    Case(
        "report-errors",
        REPORT,
        REPORTERS[0][0],
        "bus timetable",
        shows_errors("Send report", "reason", "Choose why you are reporting it"),
    ),
    Case("room-hidden-message", ROOM, READER[0], HIDDEN_TEXT),
    Case("room-held-message-author", ROOM, AUTHOR[0], "Held for review: only you can see this message"),
]
ANSWERED_400 = re.compile(r"console error: Failed to load resource: the server responded with a status of 400 ")


@pytest.mark.parametrize(
    "case",
    [case for case in CASES],
    ids=[case.id for case in CASES],
)
def test_moderation_pages_pass_axe(case: Case, seeded, page: Page, server, console_problems):
    open_and_check_with_axe(page, server.url, case, seeded, console_problems, ANSWERED_400)


# --- 3. Without JavaScript ----------------------------------------------------------------------------------


def test_report_works_without_javascript(journey, people, app):
    message_id = journey
    reporter = people.open(REPORTERS[0][0], ROOM, java_script_enabled=False)
    expect(reporter.locator("#online")).to_have_text("Turn on JavaScript to see who is online.")
    report_through_the_menu(reporter, message_id, REPORT_REASONS["spam"], note="Looks like an advert")
    expect(reporter.locator(f"#message-{message_id}")).to_contain_text(REPORTED_TEXT)  # one report hides nothing
    with app.app_context():
        [filed] = db.session.scalars(db.select(Report)).all()
        assert (filed.item_type, filed.item_id, filed.reason, filed.note) == (
            "message",
            message_id,
            "spam",
            "Looks like an advert",
        )
        assert filed.reporter_id == find_user_by_username(REPORTERS[0][0]).id
    assert people.problems == []
