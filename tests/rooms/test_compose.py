"""The message box's helpers over HTTP: people suggested after "@" (who, for whom, how many, how often)
and the preview of a message, which must be exactly what posting it stores."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from civicnet.accounts.services import apply_suspension, find_user_by_username
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.rooms import services
from civicnet.rooms.models import Message
from tests.factories import make_room, make_user

JSON = {"Accept": "application/json"}


@pytest.fixture
def rooms(app):
    """Grace in a private room with Gregor; a public room Grace made, with Greta in it; more Gr- people."""
    with app.app_context():
        grace = make_user(username="grace", display_name="Grace Hopper")
        gregor = make_user(username="gregor", display_name="Gregor Mendel")
        greta = make_user(username="greta", display_name="Greta Garbo")
        make_user(username="ahmed", display_name="Ahmed Grant")  # a word of the name starts with "gr"
        make_user(username="outsider", display_name="Grey Outsider")
        hidden = make_user(username="grhidden", display_name="Unlisted Person")
        hidden.profile.listed = False
        picky = make_user(username="grpicky", display_name="Picky Person")
        picky.profile.mentions_from = "rooms"
        apply_suspension(make_user(username="grsuspended", display_name="Suspended Person"), "spam", None)
        make_user(username="grerased", display_name="Erased Person").erased_at = utcnow()
        db.session.commit()
        make_room(grace, "Secret", kind="private", members=[gregor])
        make_room(grace, "Open data", members=[greta])
    return {"private": "/rooms/secret", "public": "/rooms/open-data"}


def suggested(client, room: str, q: str) -> list[str]:
    response = client.get(f"{room}/mentions", query_string={"q": q}, headers=JSON)
    assert response.status_code == 200, response.get_json()
    return [person["username"] for person in response.get_json()["people"]]


def test_a_private_room_suggests_only_its_members_and_is_404_to_anyone_else(client, auth, rooms):
    auth.sign_in("gregor")
    assert suggested(client, rooms["private"], "gr") == ["grace"]  # never Gregor himself, nor outsiders
    response = client.get(f"{rooms['private']}/mentions", query_string={"q": "Hop"}, headers=JSON)
    assert response.get_json() == {"people": [{"username": "grace", "display_name": "Grace Hopper"}]}
    auth.sign_out()
    auth.sign_in("outsider")
    for room in (rooms["private"], "/rooms/no-such-room"):
        response = client.get(f"{room}/mentions", query_string={"q": "gr"}, headers=JSON)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    auth.sign_out()
    assert client.get(f"{rooms['public']}/mentions", query_string={"q": "gr"}).status_code == 404


def test_a_public_room_suggests_its_members_first_then_listed_members_who_take_mentions(client, auth, rooms):
    auth.sign_in("grace")
    # Greta (a member) first; then others whose username matches, then those whose name does. Never the
    # unlisted, nor someone taking mentions only in rooms they joined, nor suspended or erased accounts.
    assert suggested(client, rooms["public"], "gr") == ["greta", "gregor", "ahmed", "outsider"]
    assert suggested(client, rooms["public"], "GRE") == ["greta", "gregor", "outsider"]
    assert suggested(client, rooms["public"], "grace") == []


def test_the_unlisted_are_suggested_where_they_are_members(app, client, auth, rooms):
    with app.app_context():
        grace = find_user_by_username("grace")
        services.add_member(grace, services.get_readable_room(grace, "secret"), "grhidden")
    auth.sign_in("grace")
    assert suggested(client, rooms["private"], "gr") == ["gregor", "grhidden"]


def test_at_most_eight_people_are_suggested(app, client, auth, rooms):
    with app.app_context():
        for n in range(10):
            make_user(username=f"grmany{n}", display_name=f"Many {n}")
    auth.sign_in("grace")
    assert len(suggested(client, rooms["public"], "gr")) == 8


@pytest.mark.parametrize("q", ["", "g r", "a" * 31, "gr%", "<script>"])
def test_a_bad_lookup_is_a_json_error(client, auth, rooms, q):
    auth.sign_in("grace")
    response = client.get(f"{rooms['public']}/mentions", query_string={"q": q}, headers=JSON)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "q"


def test_lookups_are_limited_per_member(make_app):
    app = make_app(MENTION_LOOKUP_LIMIT="2 per minute")
    with app.app_context():
        grace = make_user(username="grace")
        make_room(grace, "Open data")
    client = app.test_client()
    client.post("/sign-in", data={"identifier": "grace", "password": "a long test passphrase"})
    assert [client.get("/rooms/open-data/mentions?q=a", headers=JSON).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/rooms/open-data/mentions?q=a", headers=JSON).get_json()["error"]["code"] == "rate_limited"


# --- Preview ---------------------------------------------------------------------------------

TEXT = "**Bold** plan :tada: for @gregor, see https://example.org/:x: and `:x:`"


def stored_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Message))


def test_the_preview_is_what_posting_the_same_text_stores(app, client, auth, rooms):
    auth.sign_in("grace")
    response = client.post(f"{rooms['private']}/preview", data={"body": TEXT}, headers=JSON)
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert "<strong>Bold</strong> plan 🎉" in html and 'href="/people/gregor"' in html and "<code>:x:</code>" in html
    assert stored_count(app) == 0
    client.post(f"{rooms['private']}/messages", data={"body": TEXT, "client_id": "after-preview"})
    with app.app_context():
        assert db.session.scalars(select(Message.body_html)).one() == html


def test_without_javascript_the_preview_shows_on_the_room_page_with_the_text_kept(app, client, auth, rooms):
    auth.sign_in("grace")
    data = {"body": TEXT, "client_id": "kept-id", "preview": "1"}
    page = client.post(f"{rooms['public']}/preview", data=data).get_data(as_text=True)
    region = page.split('id="preview"')[1].split("</section>")[0]
    assert "hidden" not in region.split(">")[0] and "<strong>Bold</strong> plan 🎉" in region
    assert "**Bold** plan :tada: for @gregor" in page.split('id="body"')[1].split("</textarea>")[0]
    assert 'value="kept-id"' in page  # Send after previewing is the same message, sent once
    assert stored_count(app) == 0
    # With files chosen (more than a plain form may carry), the text is still previewed; nothing is stored.
    big = io.BytesIO(b"%PDF-1.7\n" + b"x" * 2_000_000)
    with_files = client.post(
        f"{rooms['public']}/preview", data={**data, "files": (big, "big.pdf")}, content_type="multipart/form-data"
    )
    assert with_files.status_code == 200 and "<strong>Bold</strong> plan" in with_files.get_data(as_text=True)
    assert stored_count(app) == 0
    plain = client.get(rooms["public"]).get_data(as_text=True)
    assert (
        '<section class="civicnet-preview" id="preview" aria-labelledby="preview-heading" tabindex="-1" hidden>'
        in plain
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Enter a message"), ("   ", "Enter a message"), ("x" * 4001, "Message must be 4,000 characters or fewer")],
)
def test_a_preview_of_a_bad_message_is_refused_as_sending_it_would_be(client, auth, rooms, body, message):
    auth.sign_in("grace")
    response = client.post(f"{rooms['public']}/preview", data={"body": body}, headers=JSON)
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": "invalid", "message": message, "field": "body"}
    page = client.post(f"{rooms['public']}/preview", data={"body": body})
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert "govuk-error-summary" in page.get_data(as_text=True)


def test_a_preview_is_404_to_outsiders_and_403_in_an_archived_room(app, client, auth, rooms):
    auth.sign_in("outsider")
    assert client.post(f"{rooms['private']}/preview", data={"body": "hi"}, headers=JSON).status_code == 404
    auth.sign_out()
    with app.app_context():
        grace = find_user_by_username("grace")
        services.set_archived(grace, services.get_readable_room(grace, "open-data"), True)
    auth.sign_in("grace")
    response = client.post(f"{rooms['public']}/preview", data={"body": "hi"}, headers=JSON)
    assert response.status_code == 403 and "archived" in response.get_json()["error"]["message"]


def test_a_preview_needs_the_forms_csrf_token_and_is_limited_per_member(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, PREVIEW_LIMIT="2 per minute")
    with app.app_context():
        make_room(make_user(username="grace"), "Open data")
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/sign-in", data={"identifier": "grace", "password": "a long test passphrase", "csrf_token": token})
    refused = client.post("/rooms/open-data/preview", data={"body": "*hi*"}, headers=JSON)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    answers = [
        client.post("/rooms/open-data/preview", data={"body": "*hi*", "csrf_token": token}, headers=JSON)
        for _ in range(3)
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[0].get_json() == {"html": "<p><em>hi</em></p>\n"}


def test_a_suspension_that_has_ended_does_not_hide_someone(app, client, auth, rooms):
    with app.app_context():
        user = find_user_by_username("grsuspended")
        user.suspended_until = utcnow() - timedelta(minutes=1)
        db.session.commit()
    auth.sign_in("grace")
    assert "grsuspended" in suggested(client, rooms["public"], "grs")
