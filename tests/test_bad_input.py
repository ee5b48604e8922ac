"""Bad input gets a clear answer and never loses stored data or crashes a worker."""

import pytest

from civicnet.accounts.services import find_user_by_username
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.fixture
def ada(app):
    with app.app_context():
        make_user(username="ada", display_name="Ada Lovelace", help_tags="Open data")


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        (
            "/register",
            {"email": "a@example.org", "username": "u" * 500, "display_name": "A", "password": DEFAULT_PASSWORD},
            "Username must be 30 characters or fewer",
        ),
        (
            "/register",
            {"email": "a" * 300 + "@example.org", "username": "bob", "display_name": "A", "password": DEFAULT_PASSWORD},
            "Email address must be 254 characters or fewer",
        ),
        (
            "/register",
            {"email": "a@example.org", "username": "bob", "display_name": "A", "password": "p" * 300},
            "Password must be 256 characters or fewer",
        ),
        (
            "/register",
            {"email": "x@example.org", "username": "ADA", "display_name": "A", "password": DEFAULT_PASSWORD},
            "That username is taken",
        ),
        ("/sign-in", {"identifier": "i" * 1000, "password": "x"}, "must be 254 characters or fewer"),
    ],
)
def test_over_long_and_duplicate_fields_get_form_errors(client, ada, url, data, message):
    response = client.post(url, data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_over_long_profile_fields_get_form_errors_and_keep_the_stored_profile(client, app, auth, ada):
    auth.sign_in("ada")
    page = client.post(
        "/profile/edit", data={"display_name": "A" * 61, "bio": "b" * 5001, "visibility": "public"}
    ).get_data(as_text=True)
    assert (
        "Display name must be 60 characters or fewer" in page and "About you must be 5,000 characters or fewer" in page
    )
    with app.app_context():
        assert find_user_by_username("ada").display_name == "Ada Lovelace"


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        (
            "post",
            "/register",
            {
                "data": {
                    "email": "a@example.org",
                    "username": "bob\x00",
                    "display_name": "A",
                    "password": DEFAULT_PASSWORD,
                }
            },
        ),
        ("get", "/people/ada%00", {}),
        ("get", "/people?tag=open%00data", {}),
        ("post", "/sign-in", {"data": {"identifier": "ada\x00", "password": "x"}}),
    ],
)
def test_nul_bytes_are_refused_with_a_clear_page(client, ada, method, url, kwargs):
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 400
    assert "characters civicnet cannot read" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/people/%ff%fe", "/tags/%c3%28", "/people?tag=%ff&region=%fe"])
def test_invalid_utf8_in_addresses_does_not_crash(client, ada, url):
    assert client.get(url).status_code in (200, 404)


def test_invalid_utf8_in_a_form_post_does_not_crash_or_change_anything(client, app, auth, ada):
    auth.sign_in("ada")
    body = b"display_name=%ff%fe%fd&visibility=public&help_tags=Open+data"
    response = client.post("/profile/edit", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 302)
    with app.app_context():
        assert find_user_by_username("ada").profile is not None


def test_huge_request_bodies_are_refused_with_413(client):
    response = client.post("/sign-in", data={"identifier": "x" * (2 * 1024 * 1024), "password": "y"})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_json_error_for_api_clients(client):
    response = client.get("/people/nobody", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
