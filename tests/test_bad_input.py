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


@pytest.fixture
def room_with_token(app):
    """Ada's public room with one message, and her API token."""
    from civicnet.accounts import access_tokens as tokens
    from civicnet.rooms.messages import post_message
    from tests.factories import make_room

    with app.app_context():
        ada = find_user_by_username("ada") or make_user(username="ada")
        room = make_room(ada, "Open data")
        post_message(room, ada, "First!")
        _, plain = tokens.create_token(ada, "tests")
    return {"Authorization": f"Bearer {plain}"}


def _stored_bodies(app) -> list[str]:
    from sqlalchemy import select

    from civicnet.extensions import db
    from civicnet.rooms.models import Message

    with app.app_context():
        return list(db.session.scalars(select(Message.body).order_by(Message.id)))


@pytest.mark.parametrize("reply_to", ["99999999999999999999999", "-5", "0", "2147483648"])
def test_a_reply_to_no_possible_message_is_a_form_error_not_a_server_error(client, app, auth, ada, reply_to):
    with app.app_context():
        from tests.factories import make_room

        make_room(find_user_by_username("ada"), "Open data")
    auth.sign_in("ada")
    response = client.post("/rooms/open-data/messages", data={"body": "Hello", "reply_to": reply_to, "client_id": "c1"})
    assert response.status_code == 200
    assert "The message you are replying to is not in this room" in response.get_data(as_text=True)
    assert _stored_bodies(app) == []
    assert client.get(f"/rooms/open-data?reply_to={reply_to}").status_code == 200


DEEP = "[" * 50_000 + "]" * 50_000


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"body": "\\ud800", "client_id": "s1"}', "characters civicnet cannot read"),
        ('{"body": "ok \\udc00 then", "client_id": "s2"}', "characters civicnet cannot read"),
        ('{"body": "a\\u0000b", "client_id": "n1"}', "characters civicnet cannot read"),
        ('{"body": "ab", "client_id": "n\\u0000"}', "characters civicnet cannot read"),
        ('{"body": "ab", "client_id": "n3", "x\\u0000": 1}', "characters civicnet cannot read"),
        ('{"body": "ab", "client_id": "n4", "deep": [[["\\u0000"]]]}', "characters civicnet cannot read"),
        (DEEP, "nested too deeply"),
        ('{"a":' * 40 + "1" + "}" * 40, "nested too deeply"),
        ('{"body": "ab", "client_id": ', "not valid JSON"),
        (b'{"body": "\xff\xfe", "client_id": "u1"}', "not valid JSON"),
    ],
)
def test_unreadable_json_bodies_get_a_400_json_error_and_store_nothing(
    client, app, ada, room_with_token, body, message
):
    response = client.post(
        "/api/v1/rooms/open-data/messages", data=body, headers=room_with_token, content_type="application/json"
    )
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] == "bad_request" and message in response.json["error"]["message"]
    assert _stored_bodies(app) == ["First!"]


def test_a_surrogate_pair_is_one_character_and_is_stored(client, app, ada, room_with_token):
    response = client.post(
        "/api/v1/rooms/open-data/messages",
        data='{"body": "Thanks \\ud83d\\ude00", "client_id": "emoji"}',
        headers=room_with_token,
        content_type="application/json",
    )
    assert response.status_code == 201
    assert _stored_bodies(app) == ["First!", "Thanks \U0001f600"]


def test_nul_in_a_json_body_is_refused_on_pages_too(client, ada):
    response = client.post(
        "/sign-in",
        data='{"identifier": "ada\\u0000"}',
        content_type="application/json",
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 400
    assert "characters civicnet cannot read" in response.get_data(as_text=True)
