"""Password hashing with argon2id (docs/security.md A1)."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def hasher() -> PasswordHasher:
    """The configured argon2id hasher (tests configure a cheap one)."""
    config = current_app.config
    return PasswordHasher(
        time_cost=config["PASSWORD_HASH_TIME_COST"],
        memory_cost=config["PASSWORD_HASH_MEMORY_KIB"],
        parallelism=config["PASSWORD_HASH_PARALLELISM"],
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    """The stored form of a new password."""
    return hasher().hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether the password is right; an account without a password never matches."""
    if not stored_hash:
        # Spend the same time as a real check, so timing does not reveal which accounts exist.
        hasher().hash(password)
        return False
    try:
        return hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the stored hash used weaker settings than the ones configured now."""
    try:
        return hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
