"""Stored files (civicnet.storage), on both backends: a folder, and an S3-compatible bucket (moto's server,
started by the tests). A file is written before its row commits, deleted once its row is gone, deleted
again if its transaction does not commit, and swept up a day later if nothing refers to it."""

import re
from datetime import timedelta

import pytest

from civicnet import storage
from civicnet.db_types import utcnow
from civicnet.errors import NotFound
from civicnet.extensions import db
from civicnet.transactions import commit
from tests.factories import make_user

PNG = b"\x89PNG\r\n\x1a\n not really, but storage never looks"


@pytest.fixture(params=["local", "s3"])
def stored(request, make_app):
    """An app context on either backend."""
    overrides = request.getfixturevalue("s3_settings") if request.param == "s3" else {}
    app = make_app(**overrides)
    with app.app_context():
        yield app


def exists(key: str) -> bool:
    try:
        b"".join(storage.read(key))
    except storage.Missing:
        return False
    return True


def test_the_backend_follows_the_settings(stored):
    expected = storage.S3Storage if stored.config["UPLOADS_S3_BUCKET"] else storage.LocalStorage
    assert isinstance(storage.backend(), expected)


def test_a_file_is_stored_under_a_new_random_key_and_reads_back(stored):
    first = storage.store("photos", PNG, "image/png")
    second = storage.store("photos", PNG, "image/png")
    commit()
    assert re.fullmatch(r"photos/[A-Za-z0-9_-]{32}\.png", first)
    assert first != second
    assert b"".join(storage.read(first)) == PNG


def test_a_file_whose_transaction_rolls_back_is_deleted(stored):
    make_user(username="ada")  # a transaction that has begun
    key = storage.store("photos", PNG, "image/png")
    assert exists(key)
    db.session.rollback()
    assert not exists(key)


def test_a_file_whose_session_closes_without_committing_is_deleted(stored):
    """A request that fails after storing a file: its session is closed without a commit."""
    make_user(username="ada")
    key = storage.store("photos", PNG, "image/png")
    db.session.remove()
    assert not exists(key)


def test_a_discarded_file_goes_only_once_the_transaction_that_drops_it_commits(stored):
    key = storage.store("photos", PNG, "image/png")
    commit()
    make_user(username="ada")
    storage.discard_after_commit(key)
    db.session.rollback()  # the row that names it was not dropped after all
    assert exists(key)
    storage.discard_after_commit(key, None)
    assert exists(key)
    commit()
    assert not exists(key)


def test_the_sweep_deletes_day_old_files_no_row_refers_to(stored):
    ada = make_user(username="ada")
    kept, orphan = storage.store("photos", PNG, "image/png"), storage.store("photos", PNG, "image/png")
    ada.photo_key = kept
    commit()

    assert storage.sweep_orphans() == 0  # too young: their rows may not have committed yet
    assert storage.sweep_orphans(utcnow() + timedelta(days=2)) == 1
    assert exists(kept) and not exists(orphan)


def test_a_stored_file_is_served_with_its_stored_type_nosniff_and_a_private_cache(stored):
    key = storage.store("files", b"a,b\n1,2\n", "text/csv; charset=utf-8")
    commit()
    with stored.test_request_context():
        response = storage.serve(key, 'résumé "final".csv', as_attachment=True, max_age=60)
        response.direct_passthrough = False
        body = response.get_data()
    assert body == b"a,b\n1,2\n"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"rsum _final_.csv\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.csv"
    )
    assert response.cache_control.private and not response.cache_control.public
    assert response.cache_control.max_age == 60


def test_a_file_that_is_gone_is_not_found(stored):
    key = storage.new_key("photos", "image/webp")
    with stored.test_request_context(), pytest.raises(NotFound):
        storage.serve(key, "x.webp", as_attachment=False, max_age=60)


@pytest.mark.parametrize("key", ["../instance/civicnet.db", "photos/../../x.png", "photos/short.png", "/etc/passwd"])
def test_a_key_that_is_not_one_civicnet_makes_is_refused(stored, key):
    with pytest.raises(ValueError):
        storage.backend().delete(key)
