"""Rate limits on the JSON API: one allowance for reads and one for writes, per member and per
address; past it a 429 JSON error with Retry-After. Counted in Flask-Limiter's store, so with Redis
every server process counts together."""

import pytest
import redis
import requests

from civicnet.accounts import access_tokens as tokens
from civicnet.accounts.services import find_user_by_username
from civicnet.config import Config
from civicnet.rooms.messages import post_message
from tests.factories import make_room, make_user

OTHER_ADDRESS = {"REMOTE_ADDR": "192.0.2.7"}


def _site(app) -> dict:
    """Ada and Bob, a room they may post in, and a token each."""
    with app.app_context():
        ada, bob = make_user(username="ada"), make_user(username="bob")
        room = make_room(ada, "Open data", members=[bob])
        post_message(room, ada, "First!")
        return {
            name: {"Authorization": f"Bearer {tokens.create_token(find_user_by_username(name), 'tests')[1]}"}
            for name in ("ada", "bob")
        }


def assert_limited(response) -> None:
    assert response.status_code == 429, (response.status_code, response.get_data(as_text=True)[:200])
    assert response.json["error"]["code"] == "rate_limited" and "Wait a moment" in response.json["error"]["message"]
    # Every limit below has a 30-second window, opened moments ago (not the 60 s fallback).
    assert 25 <= int(response.headers["Retry-After"]) <= 30


def test_reads_past_the_member_allowance_get_429_with_retry_after_and_writes_go_on(make_app):
    app = make_app(API_READ_LIMIT_PER_MEMBER="3 per 30 seconds", API_READ_LIMIT_PER_IP="100 per minute")
    client, token = app.test_client(), _site(app)
    # One allowance for every read endpoint.
    for url in ("/api/v1/me", "/api/v1/rooms", "/api/v1/rooms/open-data/messages"):
        assert client.get(url, headers=token["ada"]).status_code == 200
    assert_limited(client.get("/api/v1/tags", headers=token["ada"]))
    # Writes have their own allowance, and Bob his own.
    message = {"body": "Still here", "client_id": "w1"}
    assert client.post("/api/v1/rooms/open-data/messages", headers=token["ada"], json=message).status_code == 201
    assert client.get("/api/v1/me", headers=token["bob"]).status_code == 200


def test_the_address_allowance_covers_every_member_behind_it(make_app):
    app = make_app(API_READ_LIMIT_PER_MEMBER="100 per minute", API_READ_LIMIT_PER_IP="4 per 30 seconds")
    client, token = app.test_client(), _site(app)
    for headers in (token["ada"], token["ada"], token["bob"], token["bob"]):
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert_limited(client.get("/api/v1/me", headers=token["bob"]))
    # The same member from another address is not held back by this one.
    assert client.get("/api/v1/me", headers=token["bob"], environ_base=OTHER_ADDRESS).status_code == 200


def test_posts_past_the_write_allowance_are_refused_and_not_stored(make_app):
    app = make_app(API_WRITE_LIMIT_PER_MEMBER="2 per 30 seconds", API_WRITE_LIMIT_PER_IP="100 per minute")
    client, token = app.test_client(), _site(app)
    url = "/api/v1/rooms/open-data/messages"
    for n in (1, 2):
        assert (
            client.post(url, headers=token["ada"], json={"body": f"Post {n}", "client_id": f"p{n}"}).status_code == 201
        )
    assert_limited(client.post(url, headers=token["ada"], json={"body": "Post 3", "client_id": "p3"}))
    bodies = [m["body_html"] for m in client.get(url, headers=token["ada"]).json["messages"]]
    assert bodies == ["<p>First!</p>\n", "<p>Post 1</p>\n", "<p>Post 2</p>\n"]


def test_a_busy_client_within_the_default_figures_is_never_limited(make_app):
    """The shipped figures: a bot catching up on rooms and posting steadily for a minute."""
    figures = {name: getattr(Config, name) for name in dir(Config) if name.startswith("API_")}
    assert figures["API_READ_LIMIT_PER_MEMBER"] == "300 per minute"
    app = make_app(**figures)
    client, token = app.test_client(), _site(app)
    for n in range(150):
        assert client.get("/api/v1/rooms/open-data/messages", headers=token["ada"]).status_code == 200, n
    for n in range(40):
        response = client.post(
            "/api/v1/rooms/open-data/messages", headers=token["ada"], json={"body": f"Note {n}", "client_id": f"n{n}"}
        )
        assert response.status_code == 201, n


@pytest.fixture
def fresh_redis(redis_url):
    """The test Redis without rate-limit counts left by an earlier run."""
    store = redis.Redis.from_url(redis_url)
    for key in store.scan_iter(match="LIMITS:*api-read*"):
        store.delete(key)
    return redis_url


def test_server_processes_sharing_redis_count_one_allowance(make_app, start_server, fresh_redis):
    token = _site(make_app())
    settings = {"REDIS_URL": fresh_redis, "API_READ_LIMIT_PER_MEMBER": "4 per minute", "indexer": False}
    first, second = start_server(**settings), start_server(**settings)
    answers = [
        requests.get(f"{server.url}/api/v1/me", headers=token["ada"], timeout=10).status_code
        for server in (first, second, first, second, first, second)
    ]
    assert answers == [200, 200, 200, 200, 429, 429]
    refused = requests.get(f"{second.url}/api/v1/me", headers=token["ada"], timeout=10)
    assert refused.json()["error"]["code"] == "rate_limited" and int(refused.headers["Retry-After"]) >= 1
