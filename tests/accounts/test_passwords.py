import pytest

from civicnet.accounts.passwords import hash_password, password_problem, verify_password


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "Password must be 12 characters or more"),
        ("x" * 257, "Password must be 256 characters or fewer"),
        ("password1234", "Choose a less common password"),
        ("Password123456!", "Choose a less common password"),
        ("qwertyuiop123", "Choose a less common password"),
        ("aaaaaaaaaaaaaaaa", "Choose a less common password"),
        ("ababababababab", "Choose a less common password"),
        ("my name is adalovelace!", "Password must not contain your username"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, message):
    assert password_problem(password, username="adalovelace", email="ada@example.org").startswith(message)


@pytest.mark.parametrize(
    "password", ["correct staple orbit lantern", ("lantern orbit " * 10)[:128], "Tr0ub4dor&3-horse-battery"]
)
def test_long_uncommon_passwords_are_accepted(password):
    assert password_problem(password, username="ada", email="ada@example.org") is None


def test_passwords_are_hashed_with_argon2_and_verified():
    hashed = hash_password("correct staple orbit lantern")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct staple orbit lantern")
    assert not verify_password(hashed, "correct staple orbit lanterns")
    assert not verify_password(None, "anything at all here")
