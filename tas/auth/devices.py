"""Browsers that have signed in to an account before (issue 11, section 3).

After a successful sign-in the browser gets a signed cookie holding the account's id and
nothing else (no name, no email). While strangers' wrong passwords have the account paused,
a browser with that cookie may still sign in: its own attempts are counted apart. The cookie
is HttpOnly, SameSite=Lax, and Secure with the __Host- prefix in production; it is signed with
the app's secret key and stops counting after KNOWN_DEVICE_DAYS.
"""

from __future__ import annotations

from flask import Response, current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE_NAME = "tas_device"
SALT = "tas.auth.known-device"
MAX_COOKIE_LENGTH = 200


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _secure() -> bool:
    return bool(current_app.config["SESSION_COOKIE_SECURE"])


def cookie_name() -> str:
    """The cookie's name: __Host- prefixed whenever cookies are HTTPS-only (SECURITY.md B5)."""
    return f"__Host-{COOKIE_NAME}" if _secure() else COOKIE_NAME


def _max_age() -> int:
    return int(current_app.config["KNOWN_DEVICE_DAYS"]) * 24 * 60 * 60


def known_account() -> int | None:
    """The id of the account this browser has signed in to before, or None."""
    value = request.cookies.get(cookie_name())
    if not value or len(value) > MAX_COOKIE_LENGTH:
        return None
    try:
        account = _serializer().loads(value, max_age=_max_age())
    except BadData:  # tampered with, signed with another key, or too old
        return None
    return account if isinstance(account, int) and not isinstance(account, bool) else None


def remember(response: Response, user_id: int) -> None:
    """Mark this browser as one the account has signed in on."""
    response.set_cookie(
        cookie_name(),
        _serializer().dumps(user_id),
        max_age=_max_age(),
        path="/",
        secure=_secure(),
        httponly=True,
        samesite="Lax",
    )
