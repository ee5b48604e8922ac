"""The register's pages, its open data and its bad-input answers."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from civicnet.accounts.services import find_user_by_username
from civicnet.extensions import db
from civicnet.notifications.models import Notification
from civicnet.register import entries, reviews
from civicnet.register.models import Entry
from civicnet.register.opendata import FIELDS
from civicnet.rooms.messages import post_message
from tests.factories import make_moderator, make_room, make_user, make_verified


def published_entry(app) -> str:
    with app.app_context():
        ada, bob, pat = make_user(username="ada"), make_user(username="bob"), make_verified(username="pat")
        room = make_room(ada, "Booking systems", members=[bob, pat])
        message = post_message(room, ada, "We run OpenBook for 40 halls; it just works")
        app.config["REGISTER_COMMENT_DAYS"] = 0
        entry = entries.create_draft(
            ada,
            entries.EntryDetails(
                name="OpenBook",
                kind="product",
                summary="An open-source booking system for halls and rooms.",
                verdict="real",
                reasoning="Years of use in several councils.",
                tags="Open source",
            ),
            [message.id],
        )
        reviews.sign_off(bob, entry)
        reviews.sign_off(pat, entry)
        assert entry.is_published
        return entry.slug


def test_the_list_the_entry_its_history_and_filters(client, app, auth):
    slug = published_entry(app)
    page = client.get("/technology").get_data(as_text=True)
    assert "OpenBook" in page and "Real" in page
    assert "OpenBook" not in client.get("/technology?verdict=avoid").get_data(as_text=True).split("<table")[-1]
    assert "OpenBook" in client.get("/technology?tag=open-source").get_data(as_text=True)
    entry_page = client.get(f"/technology/{slug}").get_data(as_text=True)
    assert "We run OpenBook for 40 halls" in entry_page
    assert "verified public servant, signed off" in entry_page and "citizen, signed off" in entry_page
    assert client.get(f"/technology/{slug}/history").status_code == 200
    assert client.get(f"/technology/{slug}/history/1").status_code == 200
    assert client.get(f"/technology/{slug}/history/9").status_code == 404
    assert client.get("/technology/no-such-thing").status_code == 404


def test_drafts_are_for_signed_in_members(client, app, auth):
    with app.app_context():
        make_user(username="ada")
        entry = entries.create_draft(
            find_user_by_username("ada"),
            entries.EntryDetails(name="Draft thing", kind="service", summary="A draft"),
            [],
        )
        slug = entry.slug
    assert client.get(f"/technology/{slug}").status_code == 404
    auth.sign_in("ada")
    page = client.get(f"/technology/{slug}").get_data(as_text=True)
    assert "open for comment" in page and "Sign off as a reviewer" not in page  # not one's own
    auth.sign_out()
    with app.app_context():
        make_user(username="bob")
    auth.sign_in("bob")
    page = client.get(f"/technology/{slug}").get_data(as_text=True)
    assert "open for comment" in page and "Sign off as a reviewer" in page
    assert "Draft thing" in client.get("/technology/review").get_data(as_text=True)


def test_proposing_from_a_room_message_and_editing_with_a_conflict(client, app, auth):
    with app.app_context():
        ada = make_user(username="ada")
        make_user(username="bob")
        room = make_room(ada, "Cameras", members=[find_user_by_username("bob")])
        first = post_message(room, ada, "FaceMatch failed in Cardiff").id
        second = post_message(room, find_user_by_username("bob"), "And in Leeds").id
    auth.sign_in("ada")
    form = client.get(f"/technology/new?message={first}").get_data(as_text=True)
    assert "FaceMatch failed in Cardiff" in form
    data = {
        "name": "FaceMatch",
        "kind": "product",
        "summary": "Facial recognition for town centres",
        "verdict": "avoid",
        "messages": f"http://x/rooms/cameras#message-{first}, #message-{second}",
    }
    response = client.post("/technology/new", data=data)
    assert response.status_code == 302
    slug = response.headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        entry = entries.get_entry(find_user_by_username("ada"), slug)
        assert [item.message_id for item in entry.evidence] == [first, second]
    edit = {k: v for k, v in data.items() if k != "messages"} | {"revision": "1", "reasoning": "Two failures"}
    assert client.post(f"/technology/{slug}/edit", data=edit).status_code == 302
    stale = client.post(f"/technology/{slug}/edit", data=edit | {"reasoning": "Mine"})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Someone else saved this entry first" in page and "Two failures" in page
    assert re.search(r'name="revision"[^>]*value="2"', page)  # saving again starts from theirs
    bad = client.post("/technology/new", data=data | {"messages": "not a link"})
    assert bad.status_code == 200 and "is not a link to a room message" in bad.get_data(as_text=True)
    bad = client.post("/technology/new", data=data | {"kind": "magic", "messages": ""})
    assert bad.status_code == 200 and "Choose what kind of technology it is" in bad.get_data(as_text=True)


def test_open_data_has_every_documented_field(client, app):
    slug = published_entry(app)
    body = client.get("/technology.json").get_json()
    assert body["licence"] == "Open Government Licence v3.0"
    [entry] = body["entries"]
    assert list(entry) == list(FIELDS)
    assert entry["verdict"] == "real" and entry["revision"] == 1 and entry["url"].endswith(f"/technology/{slug}")
    assert entry["evidence"][0]["quote"].startswith("We run OpenBook")
    rows = list(csv.DictReader(io.StringIO(client.get("/technology.csv").get_data(as_text=True))))
    assert list(rows[0]) == list(FIELDS) and rows[0]["name"] == "OpenBook" and rows[0]["tags"] == "Open source"
    page = client.get("/technology/data").get_data(as_text=True)
    assert all(f"<code>{name}</code>" in page for name in FIELDS) and "ATRS tier 2" in page
    api = client.get("/api/v1/technology")
    assert api.status_code == 200 and api.get_json()["entries"][0]["id"] == entry["id"]


def test_an_entry_is_reportable(client, app, auth):
    slug = published_entry(app)
    with app.app_context():
        make_moderator(username="moe")
        entry_id = db.session.scalar(select(Entry.id).where(Entry.slug == slug))
    auth.sign_in("bob")
    response = client.post(f"/report/technology/{entry_id}", data={"reason": "spam", "note": ""})
    assert response.status_code == 302
    auth.sign_out()
    auth.sign_in("moe")
    assert "Technology register entry OpenBook" in client.get("/moderation").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/technology/new", "/technology/review"])
def test_signed_out_members_are_sent_to_sign_in(client, path):
    assert client.get(path).status_code == 302


def test_comments_on_an_entry(client, app, auth):
    slug = published_entry(app)
    auth.sign_in("bob")
    assert client.post(f"/technology/{slug}/comments", data={"body": "We use it too, in 12 halls"}).status_code == 302
    page = client.get(f"/technology/{slug}").get_data(as_text=True)
    assert "We use it too, in 12 halls" in page
    empty = client.post(f"/technology/{slug}/comments", data={"body": "  "}, follow_redirects=True)
    assert empty.status_code == 200 and "Write your comment" in empty.get_data(as_text=True)
    with app.app_context():
        # Ada proposed it and follows it: she hears of the comment.
        kinds = db.session.scalars(
            select(Notification.kind).where(Notification.user_id == find_user_by_username("ada").id)
        )
        assert "register_updated" in list(kinds)


def test_evidence_and_deployments_are_added_with_their_details_checked(client, app, auth):
    slug = published_entry(app)
    auth.sign_in("bob")
    form = {"kind": "audit", "summary": "An independent audit", "url": "https://example.org/audit", "conflict": ""}
    assert client.post(f"/technology/{slug}/evidence", data=form).status_code == 302
    bad = client.post(f"/technology/{slug}/evidence", data=form | {"url": "javascript:alert(1)"})
    assert bad.status_code == 200 and "Enter a web address starting with https://" in bad.get_data(as_text=True)
    deployment = {"organisation": "Leeds City Council", "outcome": "Fine", "cost": "£0"}
    assert client.post(f"/technology/{slug}/deployments", data=deployment).status_code == 302
    page = client.get(f"/technology/{slug}").get_data(as_text=True)
    assert "An independent audit" in page and "Leeds City Council" in page
    bad = client.post(f"/technology/{slug}/deployments", data={"organisation": ""})
    assert bad.status_code == 200 and "Enter the organisation" in bad.get_data(as_text=True)


def test_message_links_are_read_strictly_and_huge_numbers_are_refused_not_crashed(client, app, auth):
    with app.app_context():
        make_user(username="ada")
    auth.sign_in("ada")
    data = {"name": "X", "kind": "product", "summary": "Y", "verdict": "real"}
    for messages, error in (
        ("https://civicnet.example/rooms/budget-2025", "is not a link to a room message"),
        ("9" * 5000, "Room messages to cite (optional) must be 600 characters or fewer"),
        ("#message-99999", "does not exist, or you may not read it"),
    ):
        response = client.post("/technology/new", data=data | {"messages": messages})
        assert response.status_code == 200 and error in response.get_data(as_text=True), messages
    assert client.get("/technology/new?message=" + "9" * 5000).status_code == 200


def test_the_csv_never_holds_a_spreadsheet_formula(client, app):
    slug = published_entry(app)
    with app.app_context():
        entry = db.session.scalar(select(Entry).where(Entry.slug == slug))
        entry.summary = '=HYPERLINK("https://evil.example","click")'
        db.session.commit()
    [row] = list(csv.DictReader(io.StringIO(client.get("/technology.csv").get_data(as_text=True))))
    assert row["summary"] == "'" + '=HYPERLINK("https://evil.example","click")'
    assert (
        client.get("/technology.json").get_json()["entries"][0]["summary"].startswith("=HYPERLINK")
    )  # JSON as written
