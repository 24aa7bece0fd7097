"""Browsers where a person chose not to be asked for their second factor again, for
SECOND_FACTOR_REMEMBER_DAYS at most (docs/security.md A4). The cookie holds a random token; the
row its hash, so an administrator's reset, a new password set from an emailed link, or the
person themselves can forget every such browser at once. A remembered browser still needs the
password, and it is never enough for a powerful action (tas.auth.factors.fresh)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Response, current_app, request
from sqlalchemy import delete, func, select

from tas.audit.services import record
from tas.auth.factors.models import RememberedDevice
from tas.auth.rules import hash_token
from tas.client import clean_text
from tas.core.clock import utcnow
from tas.extensions import db
from tas.organisations.models import User

COOKIE_NAME = "tas_remembered"
MAX_TOKEN_LENGTH = 100
MOST_DAYS = 30


def days() -> int:
    """The setting, never more than MOST_DAYS (docs/security.md A4)."""
    return max(0, min(int(current_app.config["SECOND_FACTOR_REMEMBER_DAYS"]), MOST_DAYS))


def cookie_name() -> str:
    secure = bool(current_app.config["SESSION_COOKIE_SECURE"])
    return f"__Host-{COOKIE_NAME}" if secure else COOKIE_NAME


def remembers(user: User) -> bool:
    """Whether this browser's cookie is a live one of this person's."""
    token = request.cookies.get(cookie_name())
    if not token or len(token) > MAX_TOKEN_LENGTH or days() <= 0:
        return False
    row = db.session.scalar(
        select(RememberedDevice).where(RememberedDevice.token_hash == hash_token(token))
    )
    return row is not None and row.user_id == user.id and row.expires_at > utcnow()


def remember(response: Response, user: User) -> None:
    """Add this browser for the person, audited and committed, and give it its cookie."""
    token = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=days())
    db.session.add(
        RememberedDevice(
            user_id=user.id,
            token_hash=hash_token(token),
            expires_at=expires,
            user_agent=clean_text(request.headers.get("User-Agent"), 200),
        )
    )
    response.set_cookie(
        cookie_name(),
        token,
        max_age=days() * 24 * 60 * 60,
        path="/",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )
    record("device_remembered", actor=user, detail={"days": days()})
    db.session.commit()


def forget_all(user: User) -> int:
    """Forget every browser remembered for this person; the caller commits."""
    result = db.session.execute(
        delete(RememberedDevice)
        .where(RememberedDevice.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def forget_here_and_everywhere(user: User) -> None:
    """The person's own choice: every device asks for the second factor again."""
    count = forget_all(user)
    record("remembered_devices_forgotten", actor=user, detail={"count": count})
    db.session.commit()


def live_count(user: User) -> int:
    """How many browsers are remembered for the person now (the account page says)."""
    return db.session.scalar(
        select(func.count(RememberedDevice.id)).where(
            RememberedDevice.user_id == user.id, RememberedDevice.expires_at > utcnow()
        )
    )
