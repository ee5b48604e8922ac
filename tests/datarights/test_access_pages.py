"""The access tracker end to end over HTTP: each screen that shows a member's non-public data to someone
acting in a role writes exactly one entry a visit, with its purpose and categories (implied by the
route, or asked for first); peers' reads write none; the member reads the entry without learning who
reported them, gets a notification on their own connections only, and the API answers the same."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from civicnet import access_log
from civicnet.access_log import AccessEntry
from civicnet.accounts.access_tokens import create_token
from civicnet.accounts.services import find_user_by_username
from civicnet.db_types import utcnow
from civicnet.extensions import db, socketio
from civicnet.moderation import reports
from civicnet.rooms.messages import post_message
from civicnet.verification import services as verification
from tests.factories import DEFAULT_PASSWORD, make_moderator, make_room, make_user
from tests.test_event_recipients import who_got


@pytest.fixture
def town(app):
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        bob = make_user(username="bob", display_name="Bob Reporter")
        make_user(username="cyd", display_name="Cyd Peer")
        make_moderator(username="moe", display_name="Moe Moderator")
        room = make_room(ada, "Budget worries", kind="private", members=[bob])
        message = post_message(room, ada, "The budget is wrong")
        return {"message_id": message.id, "ada_id": ada.id}


def client_of(app, username: str):
    client = app.test_client()
    response = client.post("/sign-in", data={"identifier": username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


def entries(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(select(AccessEntry).order_by(AccessEntry.id))
        return [(row.subject_id, row.role, row.purpose, row.case_ref, row.categories) for row in rows]


def reported_by_bob(app, message_id: int) -> int:
    with app.app_context():
        report = reports.report(find_user_by_username("bob"), "message", message_id, "spam")
        db.session.commit()
        return report.id


def test_the_item_page_of_an_open_report_records_handling_that_report_once(app, town):
    report_id = reported_by_bob(app, town["message_id"])
    moe = client_of(app, "moe")
    assert moe.get(f"/moderation/items/message/{town['message_id']}").status_code == 200
    moe.get(f"/moderation/items/message/{town['message_id']}")  # a reload is the same visit
    assert entries(app) == [(town["ada_id"], "moderator", "report", f"report #{report_id}", "reports,private_messages")]


def test_a_member_page_asks_for_the_purpose_first_and_records_it(app, town):
    moe = client_of(app, "moe")
    asked = moe.get("/moderation/members/ada")
    assert asked.status_code == 302 and "/access/purpose?member=ada" in asked.location
    assert entries(app) == []
    form = moe.get(asked.location)
    assert form.status_code == 200 and "Why do you need to see Ada Lovelace’s data?" in form.text
    refused = moe.post(asked.location, data={"purpose": "other", "note": ""})
    assert refused.status_code == 400 and "Say what the purpose is" in refused.text
    chosen = moe.post(asked.location, data={"purpose": "support", "case_ref": "ticket 88"})
    assert chosen.status_code == 302 and chosen.location.endswith("/moderation/members/ada")
    assert moe.get("/moderation/members/ada").status_code == 200
    moe.get("/moderation/members/ada")
    assert entries(app) == [(town["ada_id"], "moderator", "support", "ticket 88", "account,profile,reports")]


def test_the_purpose_form_is_for_staff_only_and_checks_its_input(app, town):
    assert client_of(app, "cyd").get("/access/purpose?member=ada").status_code == 403
    moe = client_of(app, "moe")
    assert moe.get("/access/purpose?member=nobody").status_code == 404
    bad = moe.post("/access/purpose?member=ada", data={"purpose": "curiosity"})
    assert bad.status_code == 400 and entries(app) == []
    # An outside address in next is not followed.
    away = moe.post("/access/purpose?member=ada&next=https://evil.example/x", data={"purpose": "security"})
    assert away.status_code == 302 and away.location.endswith("/moderation/members/ada")


def test_a_verification_request_records_checking_it(app, town):
    with app.app_context():
        started = verification.start(find_user_by_username("ada"), "ada@camden.gov.uk", "Camden Council", "Analyst")
        db.session.commit()
        verification_id = started.id
    moe = client_of(app, "moe")
    assert moe.get(f"/moderation/verifications/{verification_id}").status_code == 200
    assert entries(app) == [
        (town["ada_id"], "moderator", "verification", f"verification #{verification_id}", "verification,email")
    ]


def test_peers_reading_profiles_and_rooms_write_nothing(app, town):
    cyd = client_of(app, "cyd")
    assert cyd.get("/people/ada").status_code == 200
    assert cyd.get("/moderation/members/ada").status_code == 403
    client_of(app, "ada").get("/rooms/budget-worries")
    assert entries(app) == []


def test_the_member_reads_the_entry_without_the_reporters_name_and_only_they_are_told(app, town):
    report_id = reported_by_bob(app, town["message_id"])
    ada_http, bob_http, moe = client_of(app, "ada"), client_of(app, "bob"), client_of(app, "moe")
    sockets = {
        name: socketio.test_client(app, flask_test_client=http)
        for name, http in (("ada", ada_http), ("bob", bob_http), ("moe", moe))
    }
    for socket in sockets.values():
        socket.get_received()
    moe.get(f"/moderation/items/message/{town['message_id']}")
    received = {name: [p["name"] for p in socket.get_received()] for name, socket in sockets.items()}
    assert who_got(received, "notification") == {"ada"}
    page = ada_http.get("/account/data/access")
    assert page.status_code == 200
    assert "A moderator" in page.text and f"Handling a report (report #{report_id})" in page.text
    assert "Messages in private rooms" in page.text
    assert "bob" not in page.text.lower() and "Moe" not in page.text
    notifications = ada_http.get("/notifications").text
    assert "A moderator looked at your data: handling a report" in notifications
    assert "Nobody has looked at this kind of data" in ada_http.get("/account/data/access?category=email").text
    assert ada_http.get("/account/data/access?category=%25").status_code == 200  # unknown: every kind
    assert ada_http.get("/account/data").status_code == 200


def test_the_api_lists_the_same_entries(app, town):
    report_id = reported_by_bob(app, town["message_id"])
    client_of(app, "moe").get(f"/moderation/items/message/{town['message_id']}")
    with app.app_context():
        token = create_token(find_user_by_username("ada"), "script")[1]
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    answer = api.get("/api/v1/me/access-log", headers=headers)
    assert answer.status_code == 200
    (entry,) = answer.json["entries"]
    assert entry["who"] == "moderator" and entry["case_ref"] == f"report #{report_id}"
    assert entry["categories"] == ["reports", "private_messages"] and answer.json["hidden"] == 0
    assert api.get("/api/v1/me/access-log?category=email", headers=headers).json["entries"] == []
    bad = api.get("/api/v1/me/access-log?category=diary", headers=headers)
    assert bad.status_code == 400 and bad.json["error"]["code"]
    assert api.get("/api/v1/me/access-log?page=0", headers=headers).status_code == 400
    assert api.get("/api/v1/me/access-log").status_code == 401


def test_an_admins_security_look_is_kept_from_the_member_once_a_second_admin_approves(app, town, monkeypatch):
    with app.app_context():
        make_user(username="ann", role="admin")
        make_user(username="abe", role="admin")
    ann = client_of(app, "ann")
    form = "/access/purpose?member=ada&next=/moderation/members/ada"
    refused = ann.post(form, data={"purpose": "support", "hold_days": "30"})
    assert refused.status_code == 400 and "Only a security investigation or a legal request" in refused.text
    kept = ann.post(form, data={"purpose": "security", "case_ref": "incident 9", "hold_days": "30"})
    assert kept.status_code == 302
    assert ann.get("/moderation/members/ada").status_code == 200
    ada = client_of(app, "ada")
    page = ada.get("/account/data/access").text
    assert "1 entry is held back" in page and "incident 9" not in page
    assert "looked at your data" not in ada.get("/notifications").text
    holds = ann.get("/admin/access-holds").text
    assert "incident 9" in holds and "Another administrator must approve" in holds
    assert client_of(app, "moe").get("/admin/access-holds").status_code == 403
    abe = client_of(app, "abe")
    listed = abe.get("/admin/access-holds")
    hold_id = int(listed.text.split('name="hold_id" value="')[1].split('"')[0])
    assert abe.post("/admin/access-holds", data={"hold_id": hold_id}).status_code == 302
    assert "None is waiting" in abe.get("/admin/access-holds").text
    assert "1 entry is held back" in ada.get("/account/data/access").text
    moved = utcnow() + timedelta(days=31)
    monkeypatch.setattr(access_log, "utcnow", lambda: moved)
    with app.app_context():
        assert "shown after a hold: 1." in app.test_cli_runner().invoke(args=["sweep"]).output
    page = ada.get("/account/data/access").text
    assert "incident 9" in page and "held back" not in page
    assert "An administrator looked at your data: a security investigation" in ada.get("/notifications").text


def test_an_operators_lookup_at_the_command_line_is_recorded(app, town):
    runner = app.test_cli_runner()
    shown = runner.invoke(args=["users", "show", "ada", "--purpose", "rights", "--case", "SAR 12"])
    assert shown.exit_code == 0 and "ada <" in shown.output
    refused = runner.invoke(args=["users", "show", "ada", "--purpose", "other"])
    assert refused.exit_code != 0 and "Say what the purpose is" in refused.output
    assert entries(app) == [(town["ada_id"], "operator", "rights", "SAR 12", "account,email")]
    assert "An operator" in client_of(app, "ada").get("/account/data/access").text


def test_the_privacy_notice_says_what_the_operator_configured_and_the_rights(make_app):
    app = make_app(PRIVACY_CONTROLLER="Camden Council", PRIVACY_CONTACT="dpo@camden.gov.uk")
    page = app.test_client().get("/privacy").text
    assert "Camden Council is the controller" in page and "dpo@camden.gov.uk" in page
    assert "Public task (UK GDPR Article 6(1)(e))" in page and "Information Commissioner" in page
    assert "Reports and moderation" in page and "Who reported you is never shown to you." in page
    assert 'href="/account/data"' in page and 'href="/account/data/access"' in page


def test_administrators_see_who_looked_and_members_and_moderators_do_not(app, town):
    report_id = reported_by_bob(app, town["message_id"])
    client_of(app, "moe").get(f"/moderation/items/message/{town['message_id']}")
    with app.app_context():
        make_user(username="ann", role="admin")
    listed = client_of(app, "ann").get("/admin/access-log")
    assert listed.status_code == 200
    row = listed.text.split("<tbody")[1]
    assert "moe (moderator)" in row and ">ada<" in row and f"report #{report_id}" in row
    assert client_of(app, "moe").get("/admin/access-log").status_code == 403
    assert client_of(app, "ada").get("/admin/access-log").status_code == 403
