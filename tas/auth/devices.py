"""Browsers that have signed in to an account before (issue 11, section 3).

After a successful sign-in the browser gets a signed cookie holding the account's id and a
short stamp of its password hash, nothing else (no name, no email). While strangers' wrong
passwords have the account paused, a browser with that cookie may still sign in: its own
attempts are counted apart. A new password (a reset after a compromise, say) makes every older
cookie count for nothing. The cookie is HttpOnly, SameSite=Lax, and Secure with the __Host-
prefix in production; it is signed with the app's secret key and stops counting after
KNOWN_DEVICE_DAYS.
"""

from __future__ import annotations

import hashlib

from flask import Response, current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer

from tas.organisations.models import User

COOKIE_NAME = "tas_device"
SALT = "tas.auth.known-device"
MAX_COOKIE_LENGTH = 200


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _secure() -> bool:
    return bool(current_app.config["SESSION_COOKIE_SECURE"])


def cookie_name() -> str:
    """The cookie's name: __Host- prefixed whenever cookies are HTTPS-only (docs/security.md B5)."""
    return f"__Host-{COOKIE_NAME}" if _secure() else COOKIE_NAME


def _max_age() -> int:
    return int(current_app.config["KNOWN_DEVICE_DAYS"]) * 24 * 60 * 60


def _stamp(password_hash: str | None) -> str:
    """A short stamp of the account's password hash: it changes with the password, and tells
    nothing about it (a hash of a salted hash)."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def known_account() -> tuple[int, str] | None:
    """The account this browser has signed in to before (its id and password stamp), or None."""
    value = request.cookies.get(cookie_name())
    if not value or len(value) > MAX_COOKIE_LENGTH:
        return None
    try:
        found = _serializer().loads(value, max_age=_max_age())
    except BadData:  # tampered with, signed with another key, or too old
        return None
    if not isinstance(found, list) or len(found) != 2:
        return None
    account, stamp = found
    if not isinstance(account, int) or isinstance(account, bool) or not isinstance(stamp, str):
        return None
    return account, stamp


def recognises(known: tuple[int, str] | None, user: User | None) -> bool:
    """Whether the browser's cookie is this account's, set since its password last changed."""
    return user is not None and known == (user.id, _stamp(user.password_hash))


def remember(response: Response, user: User) -> None:
    """Mark this browser as one the account has signed in on (with its password as it is)."""
    response.set_cookie(
        cookie_name(),
        _serializer().dumps([user.id, _stamp(user.password_hash)]),
        max_age=_max_age(),
        path="/",
        secure=_secure(),
        httponly=True,
        samesite="Lax",
    )
