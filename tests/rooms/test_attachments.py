"""Attachments on room messages: what may be attached, posting them with and without JavaScript, who
may read them (404 to everyone else), and what happens to them when their message is deleted or hidden,
when the member exports their data or leaves, and when they are never sent."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from civicnet import storage
from civicnet.access_log import AccessEntry
from civicnet.accounts.services import find_user_by_username
from civicnet.datarights.exports import build_file
from civicnet.datarights.leaving import erase
from civicnet.db_types import utcnow
from civicnet.errors import Invalid
from civicnet.extensions import db
from civicnet.rooms import attachment_files, attachments
from civicnet.rooms.messages import delete_message
from civicnet.rooms.models import Attachment, Message
from civicnet.transactions import commit
from tests.factories import make_moderator, make_room, make_user

PASSWORD = "a long test passphrase"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def png(size=(600, 300), colour=(0, 98, 94)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def office(kind: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if kind in attachment_files.ODF:
            archive.writestr("mimetype", attachment_files.ODF[kind])
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr(f"{attachment_files.OOXML[kind]}document.xml", "<document/>")
    return out.getvalue()


@pytest.fixture
def town(app):
    """Ada and Bob in a private room and a public one; Cyd only in a room of her own; Moe moderates."""
    with app.app_context():
        ada, bob = make_user(username="ada", display_name="Ada Lovelace"), make_user(username="bob")
        cyd = make_user(username="cyd")
        make_moderator(username="moe")
        private = make_room(ada, "Budget", kind="private", members=[bob])
        public = make_room(ada, "Open data", members=[bob])
        make_room(cyd, "Cyd's room", kind="private")
        return {"private": private.slug, "public": public.slug}


def signed_in(app, username: str | None):
    client = app.test_client()
    if username:
        assert client.post("/sign-in", data={"identifier": username, "password": PASSWORD}).status_code == 302
    return client


def post_with_files(client, slug: str, body: str, files: list[tuple[bytes, str, str]]):
    data = {"body": body, "files": [(io.BytesIO(content), name, mimetype) for content, name, mimetype in files]}
    return client.post(f"/rooms/{slug}/messages", data=data, content_type="multipart/form-data")


def upload(client, slug: str, content: bytes, name: str, mimetype: str = "application/octet-stream"):
    return client.post(
        f"/rooms/{slug}/attachments",
        data={"file": (io.BytesIO(content), name, mimetype)},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )


def attachment_urls(page: str) -> list[str]:
    """The files the page shows (not the live messages' template, which is drawn with a stand-in)."""
    shown = page.split('<template id="message-template">')[0]
    return sorted(set(re.findall(r'(?:href|src)="(/attachments/\d+(?:/thumbnail)?)"', shown)))


# --- What may be attached -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("holiday.png", png(), "image", "image/png"),
        ("no-extension", png(), "image", "image/png"),  # an image by its content, whatever its name
        ("report.pdf", PDF, "file", "application/pdf"),
        ("notes.txt", "Café notes\n".encode(), "file", "text/plain; charset=utf-8"),
        ("figures.csv", b"\xef\xbb\xbfyear,spend\n2025,12\n", "file", "text/csv; charset=utf-8"),
        ("paper.docx", office(".docx"), "file", attachment_files.FILE_TYPES[".docx"][0]),
        ("sheet.xlsx", office(".xlsx"), "file", attachment_files.FILE_TYPES[".xlsx"][0]),
        ("paper.odt", office(".odt"), "file", attachment_files.ODF[".odt"]),
        ("old.doc", attachment_files.OLE2 + b"\x00" * 100, "file", "application/msword"),
    ],
)
def test_images_and_allowed_files_are_accepted_by_their_content(ctx, name, content, kind, content_type):
    prepared = attachment_files.prepare(name, content)
    assert (prepared.kind, prepared.content_type) == (kind, content_type)
    assert (prepared.thumbnail is not None) == (kind == "image")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "must be an image (JPEG, PNG, GIF or WebP), a PDF"),
        ("page.html", b"<script>alert(1)</script>", "must be an image"),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "must be an image"),
        ("report.pdf", b"MZ\x90\x00 a program", "is not the kind of file its name says"),
        ("paper.docx", office(".odt"), "is not the kind of file its name says"),
        ("figures.csv", "année,coût\n".encode("latin-1"), "must be saved as UTF-8 text"),
        ("empty.txt", b"", "is empty"),
    ],
)
def test_anything_else_is_refused_with_a_message(ctx, name, content, message):
    with pytest.raises(Invalid) as refused:
        attachment_files.prepare(name, content)
    assert message in refused.value.message and refused.value.field == "files"


def test_an_image_is_re_encoded_and_a_name_cannot_reach_a_folder(ctx):
    gif = io.BytesIO()
    Image.new("RGB", (20, 20), (255, 0, 0)).save(gif, "GIF")
    prepared = attachment_files.prepare("../../etc/cat.gif", gif.getvalue())
    assert prepared.name == "cat.png" and prepared.content_type == "image/png"
    assert attachment_files.clean_name("C:\\Users\\ada\\x\u202e.pdf") == "x.pdf"


# --- Posting --------------------------------------------------------------------------------------------


def test_the_compose_form_posts_files_without_javascript_and_the_room_shows_them(app, town):
    ada = signed_in(app, "ada")
    page = ada.get(f"/rooms/{town['private']}").text
    assert 'enctype="multipart/form-data"' in page
    assert "Up to 5 files, each 10 MB or smaller" in page  # the limits, from the settings

    sent = post_with_files(
        ada, town["private"], "The figures", [(png(), "chart.png", "image/png"), (PDF, "report.pdf", "text/html")]
    )
    assert sent.status_code == 302
    page = ada.get(sent.location.split("#")[0]).text
    image, thumbnail, pdf = attachment_urls(page)
    assert 'alt=""' in page and "chart.png" in page and "PDF, " in page

    shown = ada.get(thumbnail)
    assert shown.headers["Content-Type"] == "image/webp" and Image.open(io.BytesIO(shown.data)).size == (400, 200)
    full = ada.get(image)
    assert full.headers["Content-Type"] == "image/png"
    assert full.headers["Content-Disposition"].startswith('inline; filename="chart.png"')
    document = ada.get(pdf)
    assert document.data == PDF
    assert document.headers["Content-Type"] == "application/pdf"  # as identified, not as the browser sent it
    assert document.headers["Content-Disposition"].startswith('attachment; filename="report.pdf"')
    assert document.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in document.headers["Content-Security-Policy"]
    assert document.cache_control.private and document.cache_control.no_cache


def test_a_bad_or_extra_file_is_a_form_error_and_nothing_is_posted(app, town):
    app.config["ATTACHMENTS_PER_MESSAGE"] = 2
    ada = signed_in(app, "ada")
    for files, message in [
        ([(png(), "a.png", "image/png"), (b"MZ", "virus.exe", "image/png")], "“virus.exe” must be an image"),
        ([(PDF, f"{n}.pdf", "application/pdf") for n in range(3)], "Choose up to 2 files"),
    ]:
        answered = post_with_files(ada, town["private"], "Look", files)
        assert answered.status_code == 200 and message in answered.text
    with app.app_context():
        assert db.session.scalar(select(func.count(Attachment.id))) == 0
        assert db.session.scalar(select(func.count(Message.id))) == 0
    assert not any(p.is_file() for p in storage.LocalStorage(app.config["UPLOADS_DIR"]).root.rglob("*"))


def test_files_alone_make_a_message(app, town):
    ada = signed_in(app, "ada")
    assert post_with_files(ada, town["public"], "", [(PDF, "minutes.pdf", "application/pdf")]).status_code == 302
    assert post_with_files(ada, town["public"], "", []).status_code == 200  # neither text nor file


def test_the_live_page_uploads_then_sends_and_the_room_receives_the_files(app, town, members):
    ada, bob, cyd = (members(app, name).connect() for name in ("ada", "bob", "cyd"))
    for member in (ada, bob):
        assert member.call("join_room", {"room": town["private"]})["ok"]
    assert cyd.call("join_room", {"room": town["private"]})["ok"] is False

    uploaded = upload(ada.session, town["private"], png(), "map.png", "text/plain")
    assert uploaded.status_code == 201
    attachment = uploaded.json["attachment"]
    assert set(attachment) >= {"id", "name", "size", "kind", "url", "thumbnail_url"}
    assert attachment["kind"] == "image" and attachment["name"] == "map.png"
    assert ada.session.get(attachment["url"]).status_code == 200  # its uploader sees it before it is sent
    assert bob.session.get(attachment["url"]).status_code == 404  # nobody else does

    ack = ada.call(
        "send_message", {"room": town["private"], "body": "Here", "client_id": "c1", "attachments": [attachment["id"]]}
    )
    assert ack["ok"], ack
    assert ack["message"]["attachments"] == [attachment]
    posted = bob.wait_for("message_posted")
    assert posted["attachments"] == [attachment]
    assert cyd.received("message_posted") == []
    assert bob.session.get(attachment["url"]).status_code == 200
    assert bob.session.get(attachment["thumbnail_url"]).status_code == 200

    # The room's history carries them too.
    joined = bob.call("join_room", {"room": town["private"]})
    assert joined["messages"][-1]["attachments"] == [attachment]


def test_send_message_takes_only_the_senders_unsent_uploads(app, town, members):
    ada, bob = members(app, "ada").connect(), members(app, "bob").connect()
    first = upload(ada.session, town["public"], PDF, "a.pdf").json["attachment"]["id"]
    room = town["public"]

    refused = bob.call("send_message", {"room": room, "body": "Mine now", "client_id": "b1", "attachments": [first]})
    assert refused["ok"] is False and "not uploaded by you" in refused["error"]["message"]
    for wrong in ("1", [first, first], [True], [first, "x"]):
        ack = ada.call("send_message", {"room": room, "body": "x", "client_id": "a0", "attachments": wrong})
        assert ack["ok"] is False, wrong
    assert ada.call("send_message", {"room": room, "body": "x", "client_id": "a1", "attachments": [first]})["ok"]
    again = ada.call("send_message", {"room": room, "body": "y", "client_id": "a2", "attachments": [first]})
    assert again["ok"] is False and "already sent" in again["error"]["message"]

    app.config["ATTACHMENTS_PER_MESSAGE"] = 1
    ids = [upload(ada.session, room, PDF, f"{n}.pdf").json["attachment"]["id"] for n in range(2)]
    too_many = ada.call("send_message", {"room": room, "body": "z", "client_id": "a3", "attachments": ids})
    assert too_many["ok"] is False and "up to 1 files" in too_many["error"]["message"]


def test_upload_errors_are_json_with_a_status(app, town):
    ada, cyd = signed_in(app, "ada"), signed_in(app, "cyd")
    bad = upload(ada, town["public"], b"MZ", "tool.exe")
    assert bad.status_code == 400 and "must be an image" in bad.json["error"]["message"]
    assert upload(cyd, town["private"], PDF, "a.pdf").status_code == 404  # a room she cannot read
    missing = ada.post(f"/rooms/{town['public']}/attachments", headers={"Accept": "application/json"})
    assert missing.status_code == 400 and missing.json["error"]["message"] == "Choose a file to upload"
    visitor = upload(app.test_client(), town["public"], PDF, "a.pdf")
    assert visitor.status_code == 401 and visitor.json["error"]["code"] == "unauthorized"
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    large = upload(ada, town["public"], b"%PDF-" + b"x" * 1500, "big.pdf")
    assert large.status_code == 400 and "each file must be 1000 bytes or smaller" in large.json["error"]["message"]
    huge = upload(ada, town["public"], b"%PDF-" + b"x" * 100_000, "huge.pdf")
    assert huge.status_code == 413 and huge.json["error"]["message"]


def test_who_may_upload_and_how_often_is_asked_before_a_file_is_read(app, town):
    """Decoding an image is the costly part (a small file can be a huge picture): a member who may not
    post here, or has uploaded too many files lately, is refused before any of it is done."""
    with app.app_context():
        make_user(username="una", verified=False)  # signed up, address not yet confirmed: may read, not post
    unconfirmed = upload(signed_in(app, "una"), town["public"], b"not even an image", "a.png")
    assert unconfirmed.status_code == 404  # not "not an image": the file was never looked at
    app.config["UPLOAD_LIMIT"] = "2 per hour"
    ada = signed_in(app, "ada")
    assert [upload(ada, town["public"], PDF, f"{n}.pdf").status_code for n in range(2)] == [201, 201]
    third = upload(ada, town["public"], b"not even an image", "a.png")
    assert third.status_code == 429 and third.json["error"]["code"] == "rate_limited"
    posted = post_with_files(ada, town["public"], "With a file", [(PDF, "c.pdf", "application/pdf")])
    assert posted.status_code == 200 and "You are doing that too often (upload" in posted.get_data(as_text=True)


# --- Who may read them ----------------------------------------------------------------------------------


def sent_files(app, slug: str, username: str = "ada") -> tuple[int, list[str]]:
    client = signed_in(app, username)
    sent = post_with_files(client, slug, "Files", [(png(), "a.png", "image/png"), (PDF, "b.pdf", "application/pdf")])
    message_id = int(sent.location.rsplit("-", 1)[1])
    return message_id, attachment_urls(client.get(sent.location.split("#")[0]).text)


def test_nobody_who_cannot_read_the_room_can_read_its_files(app, town):
    _, urls = sent_files(app, town["private"])
    assert len(urls) == 3
    bob, cyd, visitor = signed_in(app, "bob"), signed_in(app, "cyd"), app.test_client()
    for url in urls:
        assert bob.get(url).status_code == 200
        assert cyd.get(url).status_code == 404, url  # a member of another room
        assert visitor.get(url).status_code == 404, url  # signed out
    assert cyd.get("/attachments/999999").status_code == 404  # the same answer as for one that exists

    _, public_urls = sent_files(app, town["public"])
    assert all(visitor.get(url).status_code == 404 for url in public_urls)  # members only, not open to the public
    assert all(cyd.get(url).status_code == 200 for url in public_urls)


def test_a_hidden_message_hides_its_files_and_a_restored_one_shows_them(app, town):
    message_id, urls = sent_files(app, town["public"])
    bob, mo = signed_in(app, "bob"), signed_in(app, "moe")
    for change, bob_sees in [("hide", 404), ("remove", 404), ("restore", 200)]:
        with app.app_context():
            getattr(db.session.get(Message, message_id), change)()
            commit()
        assert [bob.get(url).status_code for url in urls] == [bob_sees] * 3, change
        assert all(mo.get(url).status_code == 200 for url in urls)  # a moderator reviews them
    with app.app_context():
        db.session.get(Message, message_id).hide()
        commit()
    page = bob.get(f"/rooms/{town['public']}").text
    assert attachment_urls(page) == []


def test_a_moderator_opens_a_reported_private_messages_files_from_its_item_page_and_the_look_is_logged(app, town):
    message_id, urls = sent_files(app, town["private"])
    mo = signed_in(app, "moe")
    assert all(mo.get(url).status_code == 404 for url in urls)  # not a reader of the room
    with app.app_context():
        [image, pdf] = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
        ids = image.id, pdf.id
        ada_id = image.uploader_id
    asked = mo.get(f"/moderation/items/message/{message_id}/files/{ids[0]}")
    assert asked.status_code == 302 and "/access/purpose?member=ada" in asked.location  # no report: why first?
    assert signed_in(app, "bob").post(f"/report/message/{message_id}", data={"reason": "harassment"}).status_code == 302

    item = mo.get(f"/moderation/items/message/{message_id}").text
    links = re.findall(rf'href="(/moderation/items/message/{message_id}/files/\d+)">([^<]+)</a> \(([^)]+)\)', item)
    assert [name for _, name, _ in links] == ["a.png", "b.pdf"] and links[1][2] == "PDF, 50 bytes"
    shown = mo.get(links[0][0])
    assert shown.status_code == 200 and shown.data.startswith(b"\x89PNG")
    assert (
        shown.headers["Content-Disposition"].startswith("inline")
        and shown.headers["X-Content-Type-Options"] == "nosniff"
    )
    downloaded = mo.get(links[1][0])
    assert downloaded.status_code == 200 and downloaded.headers["Content-Disposition"].startswith("attachment")
    with app.app_context():
        looks = db.session.scalars(select(AccessEntry).where(AccessEntry.subject_id == ada_id)).all()
        assert [(look.role, look.purpose, look.categories) for look in looks] == [
            ("moderator", "report", "reports,private_messages"),
            ("moderator", "report", "reports,private_messages,files"),
        ]
    # Only that item's files, only to moderators.
    assert mo.get(f"/moderation/items/message/{message_id}/files/999999").status_code == 404
    other, _ = sent_files(app, town["private"])
    assert mo.get(f"/moderation/items/message/{other}/files/{ids[0]}").status_code == 404  # not that item's
    assert signed_in(app, "bob").get(links[0][0]).status_code == 403


def test_deleting_a_message_deletes_its_files(app, town):
    message_id, urls = sent_files(app, town["private"])
    with app.app_context():
        keys = [k for a in db.session.scalars(select(Attachment)) for k in (a.key, a.thumbnail_key) if k]
        delete_message(find_user_by_username("ada"), message_id)
        assert db.session.scalar(select(func.count(Attachment.id))) == 0
        assert not any(storage.backend().path(key).exists() for key in keys)
    ada = signed_in(app, "ada")
    assert all(ada.get(url).status_code == 404 for url in urls)


# --- Their lifetime -------------------------------------------------------------------------------------


def test_the_export_holds_the_members_files_and_leaving_deletes_them(app, town):
    sent_files(app, town["private"])
    with app.app_context():
        ada = find_user_by_username("ada")
        archive = zipfile.ZipFile(build_file(ada))
        rows = json.loads(archive.read("data.json"))["sections"]["rooms"]["attachments"]
        assert [(row["name"], row["kind"]) for row in rows] == [("a.png", "image"), ("b.pdf", "file")]
        assert archive.read(rows[1]["file"]) == PDF
        assert Image.open(io.BytesIO(archive.read(rows[0]["file"]))).format == "PNG"
        assert not zipfile.ZipFile(build_file(find_user_by_username("bob"))).namelist().count(rows[1]["file"])

        keys = [k for a in db.session.scalars(select(Attachment)) for k in (a.key, a.thumbnail_key) if k]
        ada.messages_on_leaving = "keep"
        erase(ada)
        assert db.session.scalar(select(func.count(Attachment.id))) == 0
        assert not any(storage.backend().path(key).exists() for key in keys)


def test_files_never_sent_go_after_a_day_and_files_in_use_stay(app, town):
    ada = signed_in(app, "ada")
    unsent = upload(ada, town["public"], PDF, "draft.pdf").json["attachment"]
    sent_files(app, town["public"])
    with app.app_context():
        assert attachments.remove_unsent() == 0
        assert attachments.remove_unsent(utcnow() + timedelta(days=2)) == 1
        assert db.session.get(Attachment, unsent["id"]) is None
        assert storage.sweep_orphans(utcnow() + timedelta(days=2)) == 0  # the sent ones are in use
        assert db.session.scalar(select(func.count(Attachment.id))) == 2


def test_attachments_on_s3_compatible_storage(make_app, s3_settings):
    app = make_app(**s3_settings)
    with app.app_context():
        ada = make_user(username="ada")
        slug = make_room(ada, "Open data").slug
    client = signed_in(app, "ada")
    attachment = upload(client, slug, png(), "chart.png").json["attachment"]
    assert post_with_files(client, slug, "From the bucket", []).status_code == 302
    served = client.get(attachment["thumbnail_url"])
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(served.data)).size == (400, 200)
    assert isinstance(storage.backend(app), storage.S3Storage)
