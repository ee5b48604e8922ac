"""Password hashing (argon2) and the rules a new password must meet."""

import os
import re
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    """argon2id at its library's recommended cost. The test suite sets CIVICNET_FAST_PASSWORD_HASHING:
    the same argon2id, at a cost that lets it create hundreds of members quickly. Never set it on a
    real site. Read on first use, as the configuration is (civicnet.config), not at import."""
    if os.environ.get("CIVICNET_FAST_PASSWORD_HASHING"):
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when no account matches, so a wrong email takes as long as a wrong password.
    Made on first use: at import it cost every process (server, worker, indexer, each `flask`
    command) a full hash, about 0.15 s of CPU."""
    return _hasher().hash("civicnet-timing-equaliser")


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time and say no."""
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Passwords and base words seen in breach lists, lower-cased."""
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


def _base_word(password: str) -> str:
    """The password without the digits and symbols people add to meet rules ('Password123!' -> 'password')."""
    return re.sub(r"[\W\d_]+$", "", re.sub(r"^[\W\d_]+", "", password.lower()))


def password_problem(password: str, *, username: str = "", email: str = "") -> str | None:
    """Say what is wrong with a new password, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    common = common_passwords()
    if lowered in common or _base_word(password) in common or len(set(lowered)) <= 3:
        return "Choose a less common password. Try three or more random words"
    for personal in (username.lower(), email.lower().split("@")[0]):
        if len(personal) >= 4 and personal in lowered:
            return "Password must not contain your username or email address"
    return None
