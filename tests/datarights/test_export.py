"""Exporting my data in one click: a member who used every capability gets every category in a zip
the standard library opens (JSON, CSV, a readable page, a README), with nothing of other members'
private data; only they can download it, after their password, within 7 days, once a day; the
download is in their access log."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from civicnet.access_log import AccessEntry
from civicnet.accounts.access_tokens import create_token
from civicnet.accounts.services import find_user_by_username
from civicnet.datarights import exports
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.mentoring import offers, requests
from civicnet.mentoring.offers import OfferDetails
from civicnet.moderation import appeals, reports
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.rooms.messages import delete_message, edit_message, post_message
from civicnet.verification import services as verification
from tests.datarights.test_access_pages import client_of
from tests.factories import DEFAULT_PASSWORD, make_moderator, make_room, make_user, make_verified

SECRET = "Carol's private budget worry"


@pytest.fixture
def busy(app):
    """Ada has used every capability; Carol wrote privately somewhere Ada is not."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace", help_tags="Open data", learn_tags="AI ethics")
        bob = make_user(username="bob")
        carol = make_user(username="carol")
        moe = make_moderator(username="moe")
        mentor = make_verified(username="pat", display_name="Pat Mentor", help_tags="Open data")
        room = make_room(ada, "Open data", members=[bob])
        first = post_message(room, ada, "First draft")
        edit_message(ada, first.id, "Second draft")
        gone = post_message(room, ada, "Regretted words")
        delete_message(ada, gone.id)
        rude = post_message(room, ada, "You are all wrong")
        post_message(make_room(carol, "Carol's corner", kind="private"), carol, SECRET)
        reports.report(ada, "message", post_message(room, bob, "Buy my stuff").id, "spam", "Looks like spam")
        reports.report(bob, "message", rude.id, "harassment", "bob wrote this note")
        action = take_action(
            moe,
            ActionRequest(kind="hide_message", reason="respect", note="Be kind", item_type="message", item_id=rude.id),
        )
        appeals.appeal(ada, action.id, "I was quoting someone")
        verification.start(ada, "ada@camden.gov.uk", "Camden Council", "Analyst")
        offers.save_offer(mentor, OfferDetails(tags=["open-data"], description="Open data help", capacity=2))
        asked = requests.ask(ada, offers.offer_of(mentor).id, "Help me publish our budget")
        requests.accept(mentor, asked.id)
        db.session.refresh(asked)
        post_message(asked.room, mentor, "Happy to help, Ada")
        create_token(ada, "my script")
        db.session.commit()
    return app


def export_zip(app, username: str = "ada") -> zipfile.ZipFile:
    client = client_of(app, username)
    started = client.post("/account/data/export", data={"password": DEFAULT_PASSWORD})
    assert started.status_code == 302
    page = client.get(started.location)
    assert "Your export is ready" in page.text
    download = client.get(started.location + "/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(download.data))


def test_the_archive_holds_every_category_and_nobody_elses_private_data(busy):
    archive = export_zip(busy)
    names = set(archive.namelist())
    assert {"README.txt", "index.html", "data.json"} <= names
    data = json.loads(archive.read("data.json"))["sections"]
    assert set(data) == {
        "account",
        "profile",
        "followed_tags",
        "rooms",
        "direct_messages",
        "technology_register",
        "moderation",
        "verification",
        "mentoring",
        "notifications",
        "access_log",
    }
    assert data["account"]["account"][0]["email"].startswith("ada")
    assert [t["name"] for t in data["account"]["tokens"]] == ["my script"]
    assert data["account"]["sign_ins"]
    assert {t["tag"] for t in data["profile"]["skill_tags"]} == {"Open data", "AI ethics"}
    bodies = {m["body"]: m for m in data["rooms"]["messages"]}
    assert bodies["Second draft"]["edited_at"] and bodies["Regretted words"]["deleted_at"]
    assert [e["body"] for e in data["rooms"]["message_edits"]] == ["First draft"]
    assert "Happy to help, Ada" in {m["body"] for m in data["rooms"]["mentoring_room_messages"]}
    made = data["moderation"]["reports_you_made"][0]
    assert (made["note"], made["reason"]) == ("Looks like spam", "Spam or advertising")
    assert [r["reason"] for r in data["moderation"]["reports_about_you"]] == ["Harassment or abuse"]
    assert data["moderation"]["decisions_about_you"][0]["statement"] == "Be kind"
    assert data["moderation"]["appeals"][0]["note"] == "I was quoting someone"
    assert data["verification"]["verifications"][0]["email"] == "ada@camden.gov.uk"
    assert data["mentoring"]["mentoring_requests"][0]["other"] == "Pat Mentor"
    assert data["notifications"]["notifications"]
    everything = b"".join(archive.read(name) for name in names).decode()
    assert SECRET not in everything  # another member's private room
    assert "bob wrote this note" not in everything and '"reporter' not in everything  # who reported Ada
    assert "password_hash" not in everything and "$argon2" not in everything
    csv_messages = archive.read("csv/rooms-messages.csv").decode()
    assert csv_messages.splitlines()[0].startswith("id,room,author,body") and "Second draft" in csv_messages
    readme = archive.read("README.txt").decode()
    assert "csv/rooms-messages.csv" in readme and "deleted_at: When it was deleted" in readme
    page = archive.read("index.html").decode()
    assert '<h2 id="rooms-heading">Rooms and messages</h2>' in page and "Second draft" in page and "<script" not in page


def test_the_download_is_the_owners_only_and_recorded_as_their_own_export(busy):
    ada = client_of(busy, "ada")
    started = ada.post("/account/data/export", data={"password": DEFAULT_PASSWORD})
    url = started.location
    assert client_of(busy, "bob").get(url).status_code == 404
    assert client_of(busy, "bob").get(url + "/download").status_code == 404
    assert busy.test_client().get(url + "/download").status_code == 302  # to sign in
    assert ada.get(url, headers={"Accept": "application/json"}).json == {
        "status": "ready",
        "progress": 100,
        "finished": True,
    }
    assert ada.get(url + "/download").status_code == 200
    with busy.app_context():
        (entry,) = db.session.scalars(select(AccessEntry).where(AccessEntry.action == "export"))
        assert (entry.role, entry.who, entry.purpose) == ("self", "You", "rights")
    assert "Exported" in ada.get("/account/data/access").text
    assert "Your data export is ready to download" in ada.get("/notifications").text


def test_the_password_is_needed_and_one_export_a_day(busy):
    ada = client_of(busy, "ada")
    wrong = ada.post("/account/data/export", data={"password": "not my password"})
    assert wrong.status_code == 200 and "Your password is not right" in wrong.text
    empty = ada.post("/account/data/export", data={"password": ""})
    assert empty.status_code == 200 and "Enter your password" in empty.text
    assert ada.post("/account/data/export", data={"password": DEFAULT_PASSWORD}).status_code == 302
    again = ada.post("/account/data/export", data={"password": DEFAULT_PASSWORD})
    assert again.status_code == 200 and "once a day" in again.text


def test_a_link_older_than_seven_days_has_run_out(busy, monkeypatch):
    ada = client_of(busy, "ada")
    url = ada.post("/account/data/export", data={"password": DEFAULT_PASSWORD}).location
    moved = utcnow() + timedelta(days=7, minutes=1)
    monkeypatch.setattr(exports, "utcnow", lambda: moved)
    expired = ada.get(url + "/download")
    assert expired.status_code == 403 and "run out" in expired.text
    with busy.app_context():
        assert exports.latest_export(find_user_by_username("ada")).downloaded_at is None


def test_a_token_client_starts_polls_and_downloads_the_export(busy):
    with busy.app_context():
        token = create_token(find_user_by_username("ada"), "exporter")[1]
    api, headers = busy.test_client(), {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/me/export", headers=headers).status_code == 404
    assert api.get("/api/v1/me/export/archive", headers=headers).status_code == 404
    started = api.post("/api/v1/me/export", headers=headers)
    assert started.status_code == 202
    polled = api.get("/api/v1/me/export", headers=headers).json
    assert (
        polled["status"] == "ready" and polled["progress"] == 100 and polled["archive"] == "/api/v1/me/export/archive"
    )
    archive = api.get(polled["archive"], headers=headers)
    assert archive.status_code == 200
    assert "data.json" in zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    again = api.post("/api/v1/me/export", headers=headers)
    assert again.status_code == 409 and "once a day" in again.json["error"]["message"]
    assert api.post("/api/v1/me/export").status_code == 401


def test_an_operator_exports_a_member_at_the_command_line_and_it_is_recorded(busy, tmp_path):
    target = tmp_path / "ada.zip"
    done = busy.test_cli_runner().invoke(args=["data", "export", "ada", "--case", "SAR 2026-3", "--to", str(target)])
    assert done.exit_code == 0, done.output
    data = json.loads(zipfile.ZipFile(target).read("data.json"))["sections"]
    assert data["account"]["account"][0]["username"] == "ada"
    with busy.app_context():
        (entry,) = db.session.scalars(select(AccessEntry).where(AccessEntry.action == "export"))
        assert (entry.role, entry.purpose, entry.case_ref) == ("operator", "rights", "SAR 2026-3")
    assert busy.test_cli_runner().invoke(args=["data", "export", "nobody"]).exit_code != 0
