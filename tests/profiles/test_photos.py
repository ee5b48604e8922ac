"""Members' photos: uploaded on the profile page (a centred square at two sizes), replaced and removed
with their files, served only to whoever may see the profile, beside names on pages and in payloads,
in the member's export, and erased with the account."""

import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from civicnet import storage
from civicnet.accounts.models import User
from civicnet.accounts.payloads import author_payload
from civicnet.accounts.photos import initials
from civicnet.accounts.services import apply_suspension, find_user_by_username
from civicnet.datarights.exports import build_file
from civicnet.datarights.leaving import erase
from civicnet.db_types import utcnow
from civicnet.errors import TOO_LARGE
from civicnet.extensions import db
from civicnet.notifications.services import listed, payload
from civicnet.profiles.privacy import PrivacySettings, update_privacy
from civicnet.rooms.messages import post_message
from tests.factories import make_moderator, make_room, make_user

RED, GREEN, BLUE = (220, 0, 0), (0, 160, 0), (0, 0, 220)


def portrait() -> bytes:
    """300 by 600 pixels: red, green and blue thirds from the top. Its centre square is green."""
    image = Image.new("RGB", (300, 600), RED)
    image.paste(GREEN, (0, 150, 300, 450))
    image.paste(BLUE, (0, 450, 300, 600))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def upload(client, data: bytes, name: str = "me.jpg", mimetype: str = "image/jpeg"):
    return client.post(
        "/profile/photo", data={"photo": (io.BytesIO(data), name, mimetype)}, content_type="multipart/form-data"
    )


def photo_src(page: str) -> str:
    return re.search(r'<img class="civicnet-avatar[^"]*" src="([^"]+)"', page).group(1)


def is_stored(app, key: str | None) -> bool:
    with app.app_context():
        return key is not None and storage.backend().path(key).is_file()


def keys_of(app, username: str = "ada") -> tuple[str | None, str | None]:
    with app.app_context():
        user = find_user_by_username(username)
        return user.photo_key, user.photo_small_key


@pytest.fixture
def ada(app, client, auth):
    with app.app_context():
        make_user(username="ada", display_name="Ada King Lovelace")
    auth.sign_in("ada")
    return client


def test_an_uploaded_photo_becomes_a_centred_square_at_two_sizes(app, ada):
    # The browser's name and type are a hostile one's: neither reaches the stored file.
    done = upload(ada, portrait(), name="../../evil.exe", mimetype="text/html")
    assert done.status_code == 302 and done.location.endswith("/profile/edit#your-photo")
    large, small = keys_of(app)
    assert re.fullmatch(r"photos/[A-Za-z0-9_-]{32}\.webp", large) and "evil" not in large + small

    profile = ada.get("/people/ada").text
    src = photo_src(profile)
    served = ada.get(src)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/webp"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith('inline; filename="ada.webp"')
    assert served.cache_control.private and served.cache_control.immutable
    image = Image.open(io.BytesIO(served.data))
    assert image.size == (256, 256)
    assert max(abs(a - b) for a, b in zip(image.convert("RGB").getpixel((128, 128)), GREEN, strict=True)) < 20
    assert not image.getexif()

    photo_page = ada.get("/profile/photo").text
    assert 'enctype="multipart/form-data"' in photo_page and "Remove photo" in photo_page
    assert "Change or remove your photo" in ada.get("/profile/edit").text
    small_src = photo_src(ada.get("/people").text)  # lists use the small one
    assert Image.open(io.BytesIO(ada.get(small_src).data)).size == (96, 96)


def test_the_hint_states_the_limits_and_the_crop(app, ada):
    assert 'href="/profile/photo">Add a photo<' in ada.get("/profile/edit").text
    page = ada.get("/profile/photo").text
    assert "A JPEG, PNG, GIF or WebP image, 5 MB or smaller. We crop it to a square from the centre" in page
    assert "Remove photo" not in page  # nothing to remove yet


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Choose a photo to upload"),
        (b"MZ\x90\x00 a program, named as a photo", "The file must be a JPEG, PNG, GIF or WebP image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "The file must be a JPEG, PNG, GIF or WebP image"),
    ],
    ids=["no-file", "not-an-image", "broken-png"],
)
def test_a_bad_file_gets_a_form_error_and_stores_nothing(app, ada, data, message):
    if data:
        answered = upload(ada, data, name="me.png", mimetype="image/png")
    else:
        answered = ada.post("/profile/photo", data={}, content_type="multipart/form-data")
    assert answered.status_code == 200
    assert message in answered.text and 'class="govuk-error-summary' in answered.text
    assert keys_of(app) == (None, None)
    assert not any(Path(app.config["UPLOADS_DIR"]).rglob("*.*"))


def test_a_photo_over_the_limit_gets_a_form_error_and_a_far_larger_one_a_clear_page(make_app):
    app = make_app(PHOTO_MAX_BYTES=10_000)
    client = app.test_client()
    with app.app_context():
        make_user(username="ada")
    client.post("/sign-in", data={"identifier": "ada", "password": "a long test passphrase"})
    noise = io.BytesIO()
    Image.effect_noise((80, 80), 60).convert("RGB").save(noise, "PNG")
    assert 10_000 < len(noise.getvalue()) < 2 * 10_000

    answered = upload(client, noise.getvalue(), name="noise.png")
    assert answered.status_code == 200 and "The photo must be 9.8 KB or smaller" in answered.text

    refused = upload(client, b"x" * 200_000)
    assert refused.status_code == 413 and TOO_LARGE.split(":")[0] in refused.text


def test_a_new_photo_replaces_the_old_files_and_removing_it_shows_initials(app, ada):
    upload(ada, portrait())
    first = keys_of(app)
    upload(ada, portrait())
    second = keys_of(app)
    assert set(first).isdisjoint(second)
    assert not any(is_stored(app, key) for key in first)
    assert all(is_stored(app, key) for key in second)

    removed = ada.post("/profile/photo/remove")
    assert removed.status_code == 302
    assert keys_of(app) == (None, None)
    assert not any(is_stored(app, key) for key in second)
    page = ada.get("/people/ada").text
    assert (
        '<span class="civicnet-avatar civicnet-avatar--l civicnet-avatar--initials" data-initials="AL" aria-hidden="true"></span>'
        in page
    )
    assert '<img class="civicnet-avatar' not in page


def test_a_photo_is_served_only_to_those_who_may_see_the_profile(app, ada):
    upload(ada, portrait())
    src = photo_src(ada.get("/people/ada").text)
    with app.app_context():
        bob = make_user(username="bob")
        make_moderator(username="grace")
        owner = find_user_by_username("ada")
        update_privacy(owner, owner, PrivacySettings("members", True, True, "everyone"))
    visitor = app.test_client()
    assert visitor.get(src).status_code == 404  # members-only profile
    with app.test_request_context():  # a page a visitor reads draws initials, not a broken image
        assert app.jinja_env.globals["avatar_url"](find_user_by_username("ada")) is None

    member = app.test_client()
    member.post("/sign-in", data={"identifier": "bob", "password": "a long test passphrase"})
    assert member.get(src).status_code == 200
    assert member.get(re.sub(r"/photo/[^/.]+", "/photo/" + "A" * 32, src)).status_code == 404

    with app.app_context():
        apply_suspension(find_user_by_username("ada"), "Spam", utcnow() + timedelta(days=3))
        db.session.commit()
        assert author_payload(find_user_by_username("ada"))["avatar_url"] is None
        assert bob.id
    assert member.get(src).status_code == 404  # a suspended member's profile is hidden
    moderator = app.test_client()
    moderator.post("/sign-in", data={"identifier": "grace", "password": "a long test passphrase"})
    assert moderator.get(src).status_code == 200


def test_payloads_carry_the_photo_or_the_initials(app, ada):
    with app.app_context():
        assert author_payload(find_user_by_username("ada"))["avatar_url"] is None
        assert author_payload(find_user_by_username("ada"))["initials"] == "AL"
    upload(ada, portrait())
    with app.app_context():
        sent = author_payload(find_user_by_username("ada"))
    assert sent["avatar_url"] == photo_src(ada.get("/people").text)
    assert ada.get(sent["avatar_url"]).status_code == 200


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Ada Lovelace", "AL"), ("ada", "A"), ("Ada King Lovelace", "AL"), ("Émile Zola", "ÉZ"), ("— ✨ —", "X")],
)
def test_initials_come_from_the_first_and_last_words(name, expected):
    assert initials(User(display_name=name, username="xavier")) == expected


def test_avatars_stand_beside_names_in_lists_and_notifications(app, ada):
    upload(ada, portrait())
    with app.app_context():
        author = find_user_by_username("ada")
        bob = make_user(username="bob", display_name="Bob Roberts")
        room = make_room(author, members=[bob])
        post_message(room, author, "Hello @bob")
        (notification, shown) = listed(bob)[0]
        live = payload(notification)
        slug = room.slug
        assert shown.person.username == "ada"
        assert live["person"] == author_payload(author) and live["person"]["avatar_url"]

    bobs = app.test_client()
    bobs.post("/sign-in", data={"identifier": "bob", "password": "a long test passphrase"})
    for path in ("/people", f"/rooms/{slug}/members", "/notifications"):
        page = bobs.get(path).text
        assert live["person"]["avatar_url"] in page, path
        assert 'data-initials="BR" aria-hidden="true"' in page or path == "/notifications", path


def test_the_export_holds_the_photo_and_erasing_the_account_deletes_it(app, ada):
    upload(ada, portrait())
    keys = keys_of(app)
    with app.app_context():
        user = find_user_by_username("ada")
        archive = zipfile.ZipFile(build_file(user))
        row = json.loads(archive.read("data.json"))["sections"]["profile"]["profile"][0]
        assert row["photo"] == "files/profile/photo.webp"
        with storage.backend().path(keys[0]).open("rb") as stored:
            assert archive.read("files/profile/photo.webp") == stored.read()

        erase(user)
        assert (user.photo_key, user.photo_small_key) == (None, None)
    assert not any(is_stored(app, key) for key in keys)


def test_the_sweep_keeps_photos_in_use(app, ada):
    upload(ada, portrait())
    with app.app_context():
        assert storage.sweep_orphans(utcnow() + timedelta(days=2)) == 0
    assert all(is_stored(app, key) for key in keys_of(app))
