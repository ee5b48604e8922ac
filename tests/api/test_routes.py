import re

import pytest

from civicnet.accounts import access_tokens as tokens
from civicnet.accounts.services import find_user_by_username, suspend_user
from civicnet.api.openapi import OPENAPI
from tests.factories import make_room, make_user


@pytest.fixture
def api(app):
    """Ada's token, a public room with a message and a private room she is not in."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace", help_tags="Open data", visibility="members")
        bob = make_user(username="bob")
        room = make_room(bob, "Open data", tags="Open data")
        make_room(bob, "Bob only", kind="private")
        from civicnet.rooms.messages import post_message

        post_message(room, bob, "First!")
        _, plain = tokens.create_token(ada, "tests")
    return {"Authorization": f"Bearer {plain}"}


def test_requests_without_a_valid_token_get_401_json(client, api):
    for headers in ({}, {"Authorization": "Bearer cvn_wrong"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_me_rooms_people_and_tags(client, api):
    assert client.get("/api/v1/me", headers=api).json == {
        "username": "ada",
        "display_name": "Ada Lovelace",
        "role": "citizen",
        "verified": False,
        "organisation": None,
        "avatar_url": None,
        "initials": "AL",
        "email": "ada@example.org",
    }
    rooms = client.get("/api/v1/rooms", headers=api).json["rooms"]
    assert [room["slug"] for room in rooms] == ["open-data"] and rooms[0]["members"] == 1
    person = client.get("/api/v1/people/ada", headers=api).json
    assert person["help_tags"] == ["open-data"] and person["learn_tags"] == []
    assert client.get("/api/v1/people/nobody", headers=api).status_code == 404
    assert client.get("/api/v1/tags", headers=api).json == {
        "tags": [{"slug": "open-data", "name": "Open data", "members": 1}]
    }


def test_messages_read_and_post_with_idempotency(client, api):
    first = client.get("/api/v1/rooms/open-data/messages", headers=api).json
    assert [m["body_html"] for m in first["messages"]] == ["<p>First!</p>\n"] and first["has_more"] is False
    created = client.post(
        "/api/v1/rooms/open-data/messages", headers=api, json={"body": "From the API", "client_id": "api-1"}
    )
    assert created.status_code == 201 and created.json["message"]["author"]["username"] == "ada"
    again = client.post(
        "/api/v1/rooms/open-data/messages", headers=api, json={"body": "From the API", "client_id": "api-1"}
    )
    assert again.status_code == 200 and again.json["message"]["id"] == created.json["message"]["id"]
    after = client.get(f"/api/v1/rooms/open-data/messages?after_id={first['messages'][0]['id']}", headers=api).json
    assert [m["id"] for m in after["messages"]] == [created.json["message"]["id"]]


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "code"),
    [
        ("get", "/api/v1/rooms/open-data/messages?after_id=abc", None, 400, "invalid"),
        ("get", "/api/v1/rooms/open-data/messages?limit=999", None, 400, "invalid"),
        ("get", "/api/v1/rooms/bob-only/messages", None, 404, "not_found"),
        ("post", "/api/v1/rooms/bob-only/messages", {"body": "hi", "client_id": "x"}, 404, "not_found"),
        ("post", "/api/v1/rooms/open-data/messages", {"body": "", "client_id": "x"}, 400, "invalid"),
        ("post", "/api/v1/rooms/open-data/messages", ["not", "an", "object"], 400, "invalid"),
        ("post", "/api/v1/rooms/open-data/messages", {"body": "x" * 4001, "client_id": "x"}, 400, "invalid"),
        (
            "post",
            "/api/v1/rooms/open-data/messages",
            {"body": "hi", "client_id": "x", "reply_to": True},
            400,
            "invalid",
        ),
        ("get", "/api/v1/nothing-here", None, 404, "not_found"),
        ("get", "/api/v1/rooms/open-data/messages?after_id=%C2%B2", None, 400, "invalid"),
        ("get", "/api/v1/rooms/open-data/messages?before_id=-1", None, 400, "invalid"),
        ("get", "/api/v1/rooms/open-data/messages?limit=0", None, 400, "invalid"),
        ("post", "/api/v1/rooms/open-data/messages", {"body": "hi", "client_id": None}, 400, "invalid"),
        ("post", "/api/v1/rooms/open-data/messages", {"body": "hi", "client_id": ""}, 400, "invalid"),
        ("post", "/api/v1/rooms/open-data/messages", {"body": "hi"}, 400, "invalid"),
        ("post", "/api/v1/rooms/open-data/messages", {"body": "  ", "client_id": "x"}, 400, "invalid"),
        ("post", "/api/v1/rooms/open-data/messages", {"body": 5, "client_id": "x"}, 400, "invalid"),
        ("post", "/api/v1/rooms/open-data/messages", {"body": "hi", "client_id": "x", "replyto": 1}, 400, "invalid"),
        (
            "post",
            "/api/v1/rooms/open-data/messages",
            {"body": "hi", "client_id": "x", "speaking_for": "me"},
            400,
            "invalid",
        ),
        (
            "post",
            "/api/v1/rooms/open-data/messages",
            {"body": "hi", "client_id": "x", "reply_to": 99999},
            404,
            "not_found",
        ),
        (
            "post",
            "/api/v1/rooms/open-data/messages",
            {"body": "hi", "client_id": "x", "reply_to": 10**30},
            404,
            "not_found",
        ),
        (
            "post",
            "/api/v1/rooms/open-data/messages",
            {"body": "hi", "client_id": "x", "speaking_for": "organisation"},
            403,
            "forbidden",
        ),
    ],
)
def test_bad_requests_get_json_errors_with_the_right_status(client, api, method, url, body, status, code):
    response = (
        getattr(client, method)(url, headers=api, json=body)
        if body is not None
        else getattr(client, method)(url, headers=api)
    )
    assert response.status_code == status
    assert response.json["error"]["code"] == code and response.json["error"]["message"]


def test_revoked_tokens_and_suspended_members_are_refused(client, app, api):
    with app.app_context():
        ada = find_user_by_username("ada")
        listed = tokens.active_tokens(ada)
        assert [token.name for token in listed] == ["tests"] and listed[0].last_used_at is None
    assert client.get("/api/v1/me", headers=api).status_code == 200
    with app.app_context():
        ada = find_user_by_username("ada")
        assert tokens.active_tokens(ada)[0].last_used_at is not None
        suspend_user(None, ada, "Spam")
    assert client.get("/api/v1/me", headers=api).status_code == 401
    with app.app_context():
        from civicnet.accounts.services import lift_suspension

        ada = find_user_by_username("ada")
        lift_suspension(None, ada)
        tokens.revoke_token(ada, tokens.active_tokens(ada)[0].id)
    assert client.get("/api/v1/me", headers=api).status_code == 401


def test_openapi_document_lists_every_api_route(client, app):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.") and spec == OPENAPI
    documented = {f"/api/v1{path}".replace("{", "<").replace("}", ">") for path in spec["paths"]}
    routes = {
        re.sub(r"<\w+:", "<", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi"
    }
    assert routes == documented


def test_tokens_page_shows_a_new_token_once_and_revokes(client, app, auth):
    with app.app_context():
        make_user(username="ada")
    auth.sign_in("ada")
    page = client.post("/account/tokens", data={"name": "My bot"}).get_data(as_text=True)
    plain = page.split('id="new-token">')[1].split("<")[0]
    assert plain.startswith("cvn_")
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "My bot" in listing and plain not in listing
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    with app.app_context():
        token_id = tokens.active_tokens(find_user_by_username("ada"))[0].id
    client.post(f"/account/tokens/{token_id}/revoke")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    assert "Enter a name for the token" in client.post("/account/tokens", data={"name": ""}).get_data(as_text=True)


def test_tokens_are_stored_only_as_hashes(ctx):
    from civicnet.accounts.access_tokens import ApiToken
    from civicnet.extensions import db

    token, plain = tokens.create_token(make_user(), "bot")
    stored = db.session.get(ApiToken, token.id)
    assert plain not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64


def test_operators_create_tokens_from_the_command_line(app, runner):
    with app.app_context():
        make_user(username="ada")
    result = runner.invoke(args=["tokens", "create", "ada"])
    assert result.exit_code == 0 and result.output.strip().startswith("cvn_")
    assert "No member has the username" in runner.invoke(args=["tokens", "create", "ghost"]).output


def test_before_id_with_after_id_returns_the_messages_between(client, app, api):
    with app.app_context():
        from civicnet.rooms.messages import post_message
        from civicnet.rooms.services import get_readable_room

        bob = find_user_by_username("bob")
        room = get_readable_room(bob, "open-data")
        ids = [post_message(room, bob, f"Message {n}").id for n in range(5)]
    url = f"/api/v1/rooms/open-data/messages?after_id={ids[0]}&before_id={ids[4]}"
    page = client.get(url, headers=api).json
    assert [m["id"] for m in page["messages"]] == ids[1:4] and page["has_more"] is False
    page = client.get(url + "&limit=2", headers=api).json
    assert [m["id"] for m in page["messages"]] == ids[1:3] and page["has_more"] is True


def test_a_client_id_already_used_in_another_room_is_a_conflict(client, app, api):
    with app.app_context():
        make_room(find_user_by_username("ada"), "Budgets")
    first = {"body": "hi", "client_id": "once"}
    assert client.post("/api/v1/rooms/open-data/messages", headers=api, json=first).status_code == 201
    response = client.post("/api/v1/rooms/budgets/messages", headers=api, json=first)
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH"])
def test_methods_an_endpoint_lacks_get_405_with_allow(client, api, method):
    response = client.open("/api/v1/rooms/open-data/messages", method=method, headers=api)
    assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert "GET" in client.open("/api/v1/me", method=method, headers=api).headers["Allow"]
