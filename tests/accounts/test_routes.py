import re
from datetime import timedelta

import pytest

from civicnet.accounts import services
from civicnet.accounts.models import User
from civicnet.db_types import utcnow
from civicnet.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user


def link_path(message, marker: str) -> str:
    return re.search(rf"http://[^/\s]+({re.escape(marker)}\S+)", message.body).group(1)


def test_register_verify_and_sign_in(client, app, outbox):
    response = client.post(
        "/register",
        data={
            "email": "Ada@Example.org",
            "username": "ada",
            "display_name": "Ada Lovelace",
            "password": DEFAULT_PASSWORD,
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/register/check-email"
    page = client.get("/register/check-email").get_data(as_text=True)
    assert "ada@example.org" in page and "Confirm your email address to take part fully" not in page
    response = client.get(link_path(outbox[0], "/verify-email/"))
    assert response.status_code == 302
    with app.app_context():
        assert services.find_user_by_username("ada").email_verified_at is not None
    client.post("/sign-out")
    assert client.get("/account").status_code == 302
    assert client.post("/sign-in", data={"identifier": "ada", "password": DEFAULT_PASSWORD}).status_code == 302
    assert "ada@example.org" in client.get("/account").get_data(as_text=True)


def test_unverified_member_sees_a_reminder_and_can_ask_for_a_new_link(client, app, outbox, auth):
    with app.app_context():
        make_user(username="ada", verified=False)
    auth.sign_in("ada")
    assert "Confirm your email address to take part fully" in client.get("/people").get_data(as_text=True)
    client.post("/verify-email/resend")
    assert len(outbox) == 2 and "/verify-email/" in outbox[-1].body  # one at registration, one resent


def test_broken_verification_link_gets_a_clear_page(client):
    response = client.get("/verify-email/not-a-real-token")
    assert response.status_code == 400
    assert "This link has expired or is not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("form", "messages"),
    [
        ({}, ["Enter an email address", "Enter a username", "Enter a display name", "Enter a password"]),
        (
            {"email": "not-an-email", "username": "ok_name", "display_name": "A", "password": DEFAULT_PASSWORD},
            ["Enter an email address in the correct format, like name@example.com"],
        ),
        (
            {"email": "a@example.org", "username": "ok_name", "display_name": "x" * 61, "password": DEFAULT_PASSWORD},
            ["Display name must be 60 characters or fewer"],
        ),
        (
            {"email": "a@example.org", "username": "ok_name", "display_name": "A", "password": "password1234"},
            ["Choose a less common password"],
        ),
    ],
)
def test_register_form_errors_are_shown_in_the_summary_and_inline(client, form, messages):
    response = client.post("/register", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Create an account" in page
    assert "govuk-error-summary" in page
    for message in messages:
        assert page.count(message) >= 2, message  # once in the summary, once by the field


def test_sign_in_failure_does_not_say_whether_the_account_exists(client, app, auth):
    with app.app_context():
        make_user(username="ada")
    known = auth.sign_in("ada", "wrong password here").get_data(as_text=True)
    unknown = auth.sign_in("nobody", "wrong password here").get_data(as_text=True)
    message = "Enter a correct email address or username and password"
    assert message in known and message in unknown


def test_remember_me_sets_a_long_lived_http_only_cookie(client, app, auth):
    with app.app_context():
        make_user(username="ada")
    response = auth.sign_in("ada", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(cookie for cookie in cookies if cookie.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember and "Expires=" in remember
    session = next(cookie for cookie in cookies if cookie.startswith("session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" not in session


def test_cookies_are_secure_when_served_over_https(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    with app.app_context():
        make_user(username="ada")
    response = app.test_client().post(
        "/sign-in",
        data={"identifier": "ada", "password": DEFAULT_PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "Secure" in cookie


def test_sign_in_only_follows_next_to_this_site(client, app, auth):
    with app.app_context():
        make_user(username="ada")
    response = client.post(
        "/sign-in?next=https://evil.example/", data={"identifier": "ada", "password": DEFAULT_PASSWORD}
    )
    assert response.headers["Location"] == "/"
    client.post("/sign-out")
    response = client.post("/sign-in?next=/people", data={"identifier": "ada", "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/people"


@pytest.mark.parametrize("url", ["/account", "/account/password", "/account/email", "/profile/edit"])
def test_account_pages_need_a_signed_in_member(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")


def test_changing_password_signs_out_other_devices_but_not_this_one(app, auth, client, outbox):
    with app.app_context():
        make_user(username="ada")
    other_device = app.test_client()
    other_device.post("/sign-in", data={"identifier": "ada", "password": DEFAULT_PASSWORD})
    auth.sign_in("ada")
    response = client.post(
        "/account/password", data={"current_password": DEFAULT_PASSWORD, "new_password": "a fresh new passphrase"}
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302


def test_password_reset_over_http_without_enumeration(client, app, outbox):
    with app.app_context():
        make_user(username="ada")
    known = client.post("/reset-password", data={"email": "ada@example.org"}).get_data(as_text=True)
    unknown = client.post("/reset-password", data={"email": "nobody@example.org"}).get_data(as_text=True)

    def main(page: str) -> str:
        return page.split('id="main-content"')[1].split("</main>")[0]

    assert main(known).replace("ada@example.org", "X") == main(unknown).replace("nobody@example.org", "X")
    assert len(outbox) == 1
    path = link_path(outbox[0], "/reset-password/")
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "short"})
    assert "Password must be 12 characters or more" in response.get_data(as_text=True)
    assert client.post(path, data={"password": "a fresh new passphrase"}).status_code == 302
    assert client.get(path).status_code == 400
    assert client.post("/sign-in", data={"identifier": "ada", "password": "a fresh new passphrase"}).status_code == 302


def test_change_email_over_http(client, app, auth, outbox):
    with app.app_context():
        make_user(username="ada")
    auth.sign_in("ada")
    response = client.post("/account/email", data={"email": "ada@new.example", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.get(link_path(outbox[-1], "/account/email/confirm/")).status_code == 302
    assert "ada@new.example" in client.get("/account").get_data(as_text=True)


def test_suspended_member_is_signed_out_and_sees_why(client, app, auth):
    with app.app_context():
        make_user(username="ada")
    auth.sign_in("ada")
    with app.app_context():
        user = services.find_user_by_username("ada")
        services.suspend_user(None, user, "Posting other people's addresses", utcnow() + timedelta(days=3))
    assert client.get("/account").status_code == 302
    page = auth.sign_in("ada").get_data(as_text=True)
    assert "You cannot sign in" in page and "Posting other people&#39;s addresses" in page


def test_sign_in_is_throttled_per_account_with_a_clear_message(make_app):
    app = make_app(SIGN_IN_LIMIT_PER_ACCOUNT="3 per 15 minutes")
    with app.app_context():
        make_user(username="ada")
    clients = [app.test_client() for _ in range(4)]
    for index, client in enumerate(clients):
        # Different addresses, one account: the per-account limit still applies.
        response = client.post(
            "/sign-in",
            data={"identifier": "ada", "password": "wrong password here"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{index}"},
        )
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.get_data(as_text=True)
    # Unknown accounts are throttled in the same way, so the limit reveals nothing.
    for _ in range(3):
        app.test_client().post("/sign-in", data={"identifier": "ghost", "password": "wrong password here"})
    assert app.test_client().post("/sign-in", data={"identifier": "ghost", "password": "x"}).status_code == 429


def test_sign_in_is_throttled_per_address(make_app):
    app = make_app(SIGN_IN_LIMIT_PER_IP="3 per 5 minutes")
    client = app.test_client()
    statuses = [
        client.post("/sign-in", data={"identifier": f"user{n}", "password": "wrong password here"}).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_successful_sign_ins_do_not_use_up_the_limit(make_app):
    app = make_app(SIGN_IN_LIMIT_PER_ACCOUNT="2 per 15 minutes")
    with app.app_context():
        make_user(username="ada")
    for _ in range(4):
        client = app.test_client()
        assert client.post("/sign-in", data={"identifier": "ada", "password": DEFAULT_PASSWORD}).status_code == 302


def test_forms_need_a_csrf_token_when_protection_is_on(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user(username="ada")
    response = app.test_client().post("/sign-in", data={"identifier": "ada", "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert "This form was open too long or came from another site" in response.get_data(as_text=True)


def test_unknown_member_is_not_created_by_a_failed_registration(client, app):
    with app.app_context():
        make_user(username="ada", email="ada@example.org")
    client.post(
        "/register",
        data={"email": "ADA@example.org", "username": "ada2", "display_name": "X", "password": DEFAULT_PASSWORD},
    )
    with app.app_context():
        assert db.session.query(User).count() == 1


def test_sign_in_throttle_is_shared_through_redis_across_processes(make_app, redis_url):
    import secrets

    import redis

    # Two app instances stand in for two server processes; Redis is what they share.
    shared = dict(
        RATELIMIT_STORAGE_URI=redis_url,
        RATELIMIT_KEY_PREFIX=secrets.token_hex(6),
        SIGN_IN_LIMIT_PER_ACCOUNT="2 per 15 minutes",
    )
    first, second = make_app(**shared), make_app(**shared)
    data = {"identifier": "ada", "password": "wrong password here"}
    assert first.test_client().post("/sign-in", data=data).status_code == 200
    assert second.test_client().post("/sign-in", data=data).status_code == 200
    assert first.test_client().post("/sign-in", data=data).status_code == 429
    counters = redis.Redis.from_url(redis_url).keys(f"LIMITS:LIMITER/{shared['RATELIMIT_KEY_PREFIX']}/*")
    assert counters, "the throttle's counters must live in Redis"
