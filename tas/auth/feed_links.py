"""A person's calendar feed link (docs/security.md F26): a credential of their account, like a
password link, so it lives with the other credentials. The secret is
`secrets.token_urlsafe(32)` (256 bits); only its SHA-256 is stored, and lookup is by hash. It is
shown once, on the page that answers the POST making it. Rotating replaces the hash and revoking
stamps the row, so the old link answers 404 at once; a deactivated user's link is revoked with
them (tas/organisations/users/services.py). The calendar the link opens is tas/ical/feeds.py."""

from __future__ import annotations

import hmac
import re
import secrets

from flask import current_app
from sqlalchemy import select

from tas.audit.services import record
from tas.auth.models import CalendarFeed
from tas.auth.rules import hash_token
from tas.core.clock import utcnow
from tas.extensions import db
from tas.organisations.models import User

# What token_urlsafe(32) gives: 43 URL-safe characters. Anything else is not looked up.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_\-]{43}")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def feeds_on() -> bool:
    return bool(current_app.config.get("CALENDAR_FEEDS"))


def feed_url(secret: str) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}/calendar/feed/{secret}.ics"


def feed_of(user: User) -> CalendarFeed | None:
    """The user's live feed, if they have one."""
    return db.session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
        )
    )


def make_link(user: User) -> str:
    """Create the user's feed link, or replace it (the old one stops working at once).
    Returns the secret: it is shown once and never stored."""
    secret = new_secret()
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    action = "calendar_feed_rotated" if feed is not None and feed.live else "calendar_feed_created"
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token_hash = hash_token(secret)
    feed.created_at = utcnow()
    feed.revoked_at = None
    db.session.flush()
    record(action, target=feed, detail={"user_id": user.id})
    db.session.commit()
    return secret


def revoke(user: User, *, reason: str = "revoked") -> bool:
    """Turn off the user's feed link, in the caller's transaction (the caller commits).
    Returns whether there was a live link."""
    feed = feed_of(user)
    if feed is None:
        return False
    feed.revoked_at = utcnow()
    record("calendar_feed_revoked", target=feed, detail={"user_id": user.id, "reason": reason})
    return True


def revoke_link(user: User) -> bool:
    found = revoke(user)
    db.session.commit()
    return found


def owner_of(secret: str) -> tuple[CalendarFeed, User] | None:
    """The live feed and its active owner for this secret, in one query; None otherwise."""
    if not TOKEN_SHAPE.fullmatch(secret):
        return None
    digest = hash_token(secret)
    row = db.session.execute(
        select(CalendarFeed, User)
        .join(User, User.id == CalendarFeed.user_id)
        .where(
            CalendarFeed.token_hash == digest,
            CalendarFeed.revoked_at.is_(None),
            User.active.is_(True),
            # An administrator has no work of their own to show (a link made in another role
            # shows nothing once they are one; they can still turn it off).
            User.role != "admin",
        )
    ).first()
    if row is None or not hmac.compare_digest(row[0].token_hash, digest):
        return None
    return row[0], row[1]
