"""The technology register in headless Chromium: members discuss an offer in a room, one proposes it
for the register from two messages, a citizen and a verified public servant sign it off with the verdict
"to be avoided", a second edit conflicts and is resolved, its JSON and CSV carry the documented fields,
search finds it with its verdict facet, and a follower is told. axe checks every page on the way."""

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from civicnet.register import entries, reviews
from civicnet.register.opendata import FIELDS
from civicnet.rooms.messages import post_message
from tests.browser.conftest import check_page, sign_in
from tests.factories import make_room, make_user, make_verified

pytestmark = [pytest.mark.browser, pytest.mark.live_indexer]


@pytest.fixture
def discussion(live_server):
    """A public room where Ada and Pat (a verified public servant) talk about FaceMatch; Bob and Cyd are there."""
    live_server.app.config["REGISTER_COMMENT_DAYS"] = 0  # the comment period has its own tests
    with live_server.app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        bob = make_user(username="bob", display_name="Bob Baker")
        cyd = make_user(username="cyd", display_name="Cyd Charisse")
        pat = make_verified(username="pat", display_name="Pat Civil")
        room = make_room(ada, "Town centre cameras", members=[bob, cyd, pat], open_to_public=True)
        first = post_message(room, ada, "FaceMatch misidentified 8 in 10 people in the Cardiff trial").id
        second = post_message(room, pat, "Our procurement team rejected FaceMatch after its DPIA").id
    return first, second


def checked(page: Page) -> None:
    check_page(page)


def as_member(page: Page, base: str, username: str) -> Page:
    """Another person, in a browser context of their own."""
    other = page.context.browser.new_context().new_page()
    sign_in(other, base, username)
    return other


def test_an_offer_goes_from_a_room_to_a_published_verdict(page: Page, live_server, discussion, console_problems):
    first, second = discussion
    base = live_server.url
    sign_in(page, base, "ada")
    page.goto(f"{base}/rooms/town-centre-cameras")
    page.locator(f"#message-{first}").get_by_role("link", name="Propose for the register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose an entry for the technology register")
    expect(page.get_by_role("main")).to_contain_text("FaceMatch misidentified 8 in 10 people")
    messages = page.get_by_label("Room messages to cite (optional)")
    messages.fill(f"{messages.input_value()}, {base}/rooms/town-centre-cameras#message-{second}")
    page.get_by_label("Name", exact=True).fill("FaceMatch")
    page.get_by_role("radio", name="Product").check()
    page.get_by_label("What is it, in plain words?").fill("Live facial recognition sold to councils.")
    page.get_by_role("radio", name="To be avoided").check()
    page.get_by_label("Reasoning").fill("It misidentifies most people and failed a council's DPIA.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("FaceMatch")
    expect(page.get_by_role("main")).to_contain_text("Our procurement team rejected FaceMatch")
    expect(page.get_by_role("main")).to_contain_text("a citizen's sign-off")
    checked(page)

    others = []
    try:
        # Cyd follows the entry; Bob (a citizen) and Pat (a verified public servant) sign it off.
        cyd = as_member(page, base, "cyd")
        others.append(cyd)
        cyd.goto(f"{base}/technology/facematch")
        cyd.get_by_role("button", name="Follow this entry").click()
        expect(cyd.get_by_role("button", name="Stop following")).to_be_visible()
        bob, pat = as_member(page, base, "bob"), as_member(page, base, "pat")
        others += [bob, pat]
        bob.goto(f"{base}/technology/facematch")
        expect(bob.get_by_role("main")).to_contain_text("You sign as: citizen")
        bob.get_by_role("button", name="Sign off as a reviewer").click()
        pat.goto(f"{base}/technology/facematch")
        pat.get_by_role("button", name="Sign off as a reviewer").click()
        expect(pat.get_by_role("main")).to_contain_text("Verdict: To be avoided")
        expect(pat.get_by_role("main")).to_contain_text("Pat Civil, verified public servant")
        expect(pat.get_by_role("main")).to_contain_text("Bob Baker, citizen")
        expect(pat.get_by_role("main")).not_to_contain_text("open for comment")

        # Two edits from the same version: the second is told, with the current version beside it.
        bob.goto(f"{base}/technology/facematch/edit")
        pat.goto(f"{base}/technology/facematch/edit")
        pat.get_by_label("Dissent (optional)").fill("A supervised pilot might be defensible.")
        pat.get_by_role("button", name="Save").click()
        expect(pat.get_by_role("main")).to_contain_text("A supervised pilot might be defensible.")
        bob.get_by_label("Reasoning").fill("It misidentifies most people, failed a DPIA, and has no appeal route.")
        bob.get_by_role("button", name="Save").click()
        expect(bob.get_by_role("heading", name="Someone else saved this entry first")).to_be_visible()
        expect(bob.get_by_role("main")).to_contain_text("Pat Civil saved a new version")
        expect(bob.get_by_role("main")).to_contain_text("A supervised pilot might be defensible.")
        checked(bob)
        bob.get_by_label("Dissent (optional)").fill("A supervised pilot might be defensible.")
        bob.get_by_role("button", name="Save").click()
        expect(bob.get_by_role("main")).to_contain_text("has no appeal route")
        expect(bob.get_by_role("main")).to_contain_text("A supervised pilot might be defensible.")
        bob.get_by_role("link", name="history").click()
        checked(bob)
        bob.get_by_role("link", name="Version 3").click()
        expect(bob.get_by_role("main")).to_contain_text("has no appeal route")
        checked(bob)

        # The follower was told.
        cyd.goto(f"{base}/notifications")
        expect(cyd.get_by_role("main")).to_contain_text("Published in the technology register: FaceMatch")
    finally:
        for other in others:
            other.context.close()

    # Open data: every documented field, in JSON and in CSV.
    data = page.request.get(f"{base}/technology.json").json()
    [entry] = data["entries"]
    assert list(entry) == list(FIELDS) and entry["verdict"] == "avoid" and entry["revision"] == 3
    assert [item["quote"][:8] for item in entry["evidence"]] == ["FaceMatc", "Our proc"]
    rows = list(csv.DictReader(io.StringIO(page.request.get(f"{base}/technology.csv").text())))
    assert list(rows[0]) == list(FIELDS) and rows[0]["verdict"] == "avoid"
    page.goto(f"{base}/technology/data")
    checked(page)
    page.goto(f"{base}/technology?verdict=avoid")
    expect(page.get_by_role("row", name="FaceMatch")).to_contain_text("To be avoided")
    checked(page)

    # Search finds it, with its verdict as a facet (the indexer runs beside the server).
    page.goto(f"{base}/search?q=FaceMatch&type=technology")
    expect(page.locator(".civicnet-search-hit")).to_contain_text("Verdict: To be avoided")
    expect(page.get_by_role("link", name="To be avoided (1)")).to_be_visible()
    checked(page)
    assert console_problems == []


@pytest.fixture
def drafted(live_server):
    """A draft citing Bob's message from a private room, a supplier given the right of reply, Moe moderating."""
    with live_server.app.app_context():
        ada, bob = make_user(username="ada"), make_user(username="bob")
        make_user(username="vizio", display_name="Vizio Ltd")
        moe = make_user(username="moe", role="moderator")
        room = make_room(ada, "Council staff", kind="private", members=[bob])
        secret = post_message(room, bob, "Internally it failed the DPIA")
        entry = entries.create_draft(
            ada, entries.EntryDetails(name="FaceMatch", kind="product", summary="Cameras", verdict="avoid"), [secret.id]
        )
        reviews.give_right_of_reply(moe, entry, "vizio")
        return entry.evidence[0].id


@pytest.mark.parametrize(
    ("who", "path", "button"),
    [
        ("ada", "/technology/facematch/evidence", "Add evidence"),
        ("ada", "/technology/facematch/deployments", "Add deployment"),
        ("bob", "/technology/consent/{evidence}", None),
        ("vizio", "/technology/facematch/reply", "Save reply"),
        ("moe", "/technology/facematch/supplier", "Give the right of reply"),
        ("moe", "/technology/facematch/reviewed", "Confirm it still holds"),
        ("ada", "/technology/review", None),
    ],
)
def test_every_register_form_passes_axe_empty_and_with_its_errors(
    page: Page, live_server, drafted, who, path, button, console_problems
):
    sign_in(page, live_server.url, who)
    response = page.goto(live_server.url + path.format(evidence=drafted))
    assert response.status == 200
    checked(page)
    if button:
        page.get_by_role("button", name=button).click()
        expect(page.locator(".govuk-error-summary")).to_be_focused()
        checked(page)
    assert [problem for problem in console_problems if "Failed to load resource" not in problem] == []
