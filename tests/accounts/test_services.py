from datetime import timedelta

import pytest

from civicnet.accounts import credentials, services, tokens
from civicnet.accounts.models import User
from civicnet.db_types import utcnow
from civicnet.errors import Forbidden, Invalid
from civicnet.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user


def register(**overrides):
    fields = dict(username="Ada_L", email="Ada@Example.ORG", display_name="  Ada Lovelace ", password=DEFAULT_PASSWORD)
    fields.update(overrides)
    return services.register_user(**fields)


def test_register_stores_lowercase_names_and_emails_a_verification_link(ctx, outbox):
    user = register()
    assert (user.username, user.email, user.display_name) == ("ada_l", "ada@example.org", "Ada Lovelace")
    assert user.email_verified_at is None
    assert user.role == "citizen"
    assert user.profile is not None
    assert len(outbox) == 1 and outbox[0].recipients == ["ada@example.org"]
    assert "/verify-email/" in outbox[0].body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": "ADA_l", "email": "other@example.org"}, "username"),
        ({"username": "someone", "email": "ADA@example.org"}, "email"),
    ],
)
def test_duplicate_usernames_and_emails_are_refused_whatever_the_case(ctx, overrides, field):
    original = register()
    with pytest.raises(Invalid) as error:
        register(**overrides)
    assert error.value.field == field
    db.session.expire_all()
    assert db.session.get(User, original.id).email == "ada@example.org"
    assert db.session.query(User).count() == 1


@pytest.mark.parametrize("username", ["ab", "has space", "-leading", "x" * 31, "admin", "émile"])
def test_bad_usernames_are_refused(ctx, username):
    with pytest.raises(Invalid) as error:
        register(username=username)
    assert error.value.field == "username"


def test_verification_link_confirms_the_address_once_and_only_for_its_purpose(ctx):
    user = register()
    token = tokens.make_token(tokens.VERIFY_EMAIL, {"uid": user.id, "email": user.email})
    reset_token = tokens.make_token(tokens.RESET_PASSWORD, {"uid": user.id, "email": user.email})
    with pytest.raises(Invalid):
        services.verify_email(reset_token)
    with pytest.raises(Invalid):
        services.verify_email(token + "x")
    assert services.verify_email(token).email_verified_at is not None


def test_authenticate_gives_one_message_for_unknown_account_and_wrong_password(ctx):
    make_user(username="ada")
    messages = set()
    for identifier, password in [("ada", "wrong password here"), ("nobody", DEFAULT_PASSWORD)]:
        with pytest.raises(Invalid) as error:
            services.authenticate(identifier, password)
        messages.add(error.value.message)
    assert messages == {"Enter a correct email address or username and password"}
    assert services.authenticate("ADA@example.org", DEFAULT_PASSWORD).username == "ada"


def test_suspended_member_is_told_why_and_until_when(ctx):
    user = make_user(username="ada")
    services.suspend_user(None, user, "Repeated harassment", utcnow() + timedelta(days=7))
    with pytest.raises(services.Suspended) as error:
        services.authenticate("ada", DEFAULT_PASSWORD)
    assert "Repeated harassment" in error.value.message and "until" in error.value.message
    services.lift_suspension(None, user)
    assert services.authenticate("ada", DEFAULT_PASSWORD) == user


def test_expired_suspension_no_longer_applies(ctx):
    user = make_user()
    services.suspend_user(None, user, "Spam", utcnow() - timedelta(minutes=1))
    assert not services.is_suspended(user)


def test_change_password_checks_the_current_one_and_ends_other_sessions(ctx, outbox):
    user = make_user(username="ada")
    with pytest.raises(Invalid) as error:
        credentials.change_password(user, "not my password!", "another fine passphrase")
    assert error.value.field == "current_password"
    with pytest.raises(Invalid) as error:
        credentials.change_password(user, DEFAULT_PASSWORD, "password12345")
    assert error.value.field == "new_password"
    version = user.session_version
    credentials.change_password(user, DEFAULT_PASSWORD, "another fine passphrase")
    assert user.session_version == version + 1
    assert services.authenticate("ada", "another fine passphrase") == user
    assert outbox[-1].subject == "civicnet: your password was changed"


def test_reset_link_works_once(ctx, outbox):
    user = make_user(username="ada")
    credentials.request_password_reset("ADA@example.org")
    token = outbox[-1].body.split("/reset-password/")[1].split()[0]
    credentials.reset_password(token, "a brand new passphrase")
    with pytest.raises(Invalid):
        credentials.reset_password(token, "yet another passphrase")
    assert services.authenticate("ada", "a brand new passphrase") == user


def test_reset_request_for_unknown_address_sends_nothing(ctx, outbox):
    credentials.request_password_reset("nobody@example.org")
    assert outbox == []


def test_expired_reset_link_is_refused(ctx, outbox):
    make_user(username="ada")
    credentials.request_password_reset("ada@example.org")
    token = outbox[-1].body.split("/reset-password/")[1].split()[0]
    ctx.config["RESET_TOKEN_MAX_AGE"] = -1
    with pytest.raises(Invalid):
        credentials.user_for_reset_token(token)


def test_email_change_needs_the_password_and_the_new_address_confirmed(ctx, outbox):
    user = make_user(username="ada")
    make_user(username="bob")
    with pytest.raises(Invalid):
        credentials.request_email_change(user, "wrong password here", "new@example.org")
    with pytest.raises(Invalid) as error:
        credentials.request_email_change(user, DEFAULT_PASSWORD, "BOB@example.org")
    assert error.value.field == "email"
    credentials.request_email_change(user, DEFAULT_PASSWORD, "New@Example.org")
    assert user.email == "ada@example.org" and user.pending_email == "new@example.org"
    link_mail = outbox[-1]
    assert link_mail.recipients == ["new@example.org"]
    token = link_mail.body.split("/account/email/confirm/")[1].split()[0]
    credentials.confirm_email_change(token)
    assert user.email == "new@example.org" and user.pending_email is None
    assert outbox[-1].recipients == ["ada@example.org"]
    with pytest.raises(Invalid):
        credentials.confirm_email_change(token)


def test_only_admins_change_roles(ctx):
    citizen, moderator, admin = make_user(), make_user(role="moderator"), make_user(role="admin")
    with pytest.raises(Forbidden):
        services.set_role(moderator, citizen, "moderator")
    with pytest.raises(Invalid):
        services.set_role(admin, citizen, "emperor")
    assert services.set_role(admin, citizen, "public_servant").role == "public_servant"
