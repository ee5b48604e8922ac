"""Portability: a member's export from one civicnet brings their profile, skill tags and mentoring offer
into a second civicnet (its own database), after a preview, through the upload form or the command line;
anything that is not an export is refused with a message and changes nothing."""

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from flask_migrate import upgrade

from civicnet.accounts.services import find_user_by_username
from civicnet.config import TestConfig
from civicnet.extensions import db
from civicnet.factory import create_app
from civicnet.mentoring import offers
from civicnet.mentoring.offers import OfferDetails
from civicnet.profiles.privacy import PrivacySettings, settings_of, update_privacy
from civicnet.tags.models import HELP
from civicnet.tags.services import user_tags
from tests.datarights.test_access_pages import client_of
from tests.datarights.test_export import export_zip
from tests.factories import make_user, make_verified


@pytest.fixture
def archive(app) -> bytes:
    """Pat's export from the first civicnet: a full profile, tags and a mentoring offer."""
    with app.app_context():
        pat = make_verified(
            username="pat",
            display_name="Pat Okonkwo",
            pronouns="they/them",
            job_title="Head of digital",
            region="London",
            bio="I run **workshops** on FOI.",
            help_tags="FOI requests, Open data",
            learn_tags="AI ethics",
        )
        offers.save_offer(pat, OfferDetails(tags=["foi-requests"], description="FOI practice", capacity=3))
        update_privacy(pat, pat, PrivacySettings("public", False, True, "rooms"))
        db.session.commit()
    zipped = export_zip(app, "pat")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as copy:
        for name in zipped.namelist():
            copy.writestr(name, zipped.read(name))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def second_schema(tmp_path_factory) -> Path:
    """A second civicnet's database, migrated once for the module (each test gets a copy)."""
    path = tmp_path_factory.mktemp("second") / "template.db"
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with other.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def second(second_schema, tmp_path):
    """Another civicnet, on a database of its own."""
    path = Path(shutil.copyfile(second_schema, tmp_path / "second.db"))
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with other.app_context():
        make_verified(username="pat2", display_name="Someone New", organisation="Leeds City Council")
        make_user(username="sam", display_name="Sam")
        db.session.commit()
    yield other
    with other.app_context():
        db.engine.dispose()


def test_the_upload_form_previews_then_imports_a_profile_into_a_second_civicnet(archive, second):
    pat = client_of(second, "pat2")
    preview = pat.post("/account/data/import", data={"archive": (io.BytesIO(archive), "export.zip")})
    assert preview.status_code == 200
    assert "Check what will be imported" in preview.text and "Pat Okonkwo" in preview.text
    assert "FOI requests, Open data" in preview.text and "FOI practice" in preview.text
    assert "your name and organisation stay as they are" in preview.text
    with second.app_context():
        assert find_user_by_username("pat2").display_name == "Someone New"  # nothing changed yet
    token = preview.text.split('name="preview" type="hidden" value="')[1].split('"')[0]
    done = pat.post(
        "/account/data/import/confirm", data={"preview": token, "parts": ["profile", "tags", "settings", "offer"]}
    )
    assert done.status_code == 302
    with second.app_context():
        user = find_user_by_username("pat2")
        # Verified here: the attested name and organisation stay; the rest comes over.
        assert (user.display_name, user.profile.organisation) == ("Someone New", "Leeds City Council")
        assert (user.profile.pronouns, user.profile.region, user.profile.job_title) == (
            "they/them",
            "London",
            "Head of digital",
        )
        assert user.profile.bio_markdown == "I run **workshops** on FOI."
        assert settings_of(user) == PrivacySettings("public", False, True, "rooms")
        assert [t.name for t in user_tags(user, HELP)] == ["FOI requests", "Open data"]
        offer = offers.offer_of(user)
        assert (
            offer.description == "FOI practice"
            and offer.capacity == 3
            and [t.name for t in offer.tags] == ["FOI requests"]
        )


def test_an_unverified_member_imports_the_profile_but_not_the_offer(archive, second):
    sam = client_of(second, "sam")
    preview = sam.post("/account/data/import", data={"archive": (io.BytesIO(archive), "export.zip")})
    assert "once you are verified as a public servant here" in preview.text
    token = preview.text.split('name="preview" type="hidden" value="')[1].split('"')[0]
    refused = sam.post("/account/data/import/confirm", data={"preview": token, "parts": ["profile", "offer"]})
    assert refused.status_code == 200 and "once you are verified" in refused.text
    assert sam.post("/account/data/import/confirm", data={"preview": token, "parts": ["profile"]}).status_code == 302
    with second.app_context():
        user = find_user_by_username("sam")
        assert user.display_name == "Pat Okonkwo" and offers.offer_of(user) is None
        assert user_tags(user, HELP) == []  # tags not chosen


def test_what_is_not_an_export_is_refused_with_a_message(second):
    sam = client_of(second, "sam")
    for payload in (
        b"not a zip",
        _zip({"other.txt": "x"}),
        _zip({"data.json": "{"}),
        _zip({"data.json": json.dumps({"sections": {"profile": {"profile": [{"display_name": ["x"]}]}}})}),
    ):
        answer = sam.post("/account/data/import", data={"archive": (io.BytesIO(payload), "x.zip")})
        assert answer.status_code == 200 and "govuk-error-summary" in answer.text
    assert "Choose the zip file to import" in sam.post("/account/data/import", data={}).text
    forged = sam.post("/account/data/import/confirm", data={"preview": "forged", "parts": ["profile"]})
    assert forged.status_code == 302 and forged.location.endswith("/account/data/import")
    with second.app_context():
        assert find_user_by_username("sam").display_name == "Sam"


def test_the_command_line_previews_and_imports(archive, second, tmp_path):
    path = tmp_path / "pat.zip"
    path.write_bytes(archive)
    runner = second.test_cli_runner()
    previewed = runner.invoke(args=["data", "import", str(path), "--username", "sam"])
    assert previewed.exit_code == 0 and "Pat Okonkwo" in previewed.output and "--yes" in previewed.output
    with second.app_context():
        assert find_user_by_username("sam").display_name == "Sam"
    done = runner.invoke(args=["data", "import", str(path), "--username", "sam", "--yes"])
    assert done.exit_code == 0, done.output
    with second.app_context():
        assert find_user_by_username("sam").display_name == "Pat Okonkwo"
    assert runner.invoke(args=["data", "import", str(tmp_path / "none.zip"), "--username", "sam"]).exit_code != 0


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
