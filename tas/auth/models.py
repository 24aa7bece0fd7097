"""Signed-in sessions, sign-in attempts, password links and forms kept across a sign-out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.extensions import db
from tas.organisations.models import User


class UserSession(db.Model):
    """One signed-in browser: checked on every request, ended by sign-out or timeouts."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(40))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    # What the session still needs before anything else: "confirm" a second factor, "enrol"
    # one, or nothing (tas.auth.factors). Decided once at sign-in, so checking it costs no query.
    factor_check: Mapped[str | None] = mapped_column(String(8))
    # When the person last proved it is them here (a second factor; the password for someone
    # with none): a powerful action needs it within FRESH_SIGN_IN_MINUTES.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class SignInAttempt(db.Model):
    """A sign-in attempt for an email address, kept for throttling across processes: per
    account, per client address, and apart for browsers the account has signed in on before.
    Added as a failure before the password is checked (so concurrent attempts count at once),
    then marked succeeded when it was right."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ip_address: Mapped[str | None] = mapped_column(String(45), index=True)
    # From a browser holding this account's known-device cookie (tas.auth.devices).
    known_device: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PasswordResetRequest(db.Model):
    """A request on the public reset form, by client address only (whether or not the address
    typed has an account): requests from one address are limited per hour."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ip_address: Mapped[str] = mapped_column(String(45), index=True)


class PasswordToken(db.Model):
    """A single-use emailed link to set a password (new account) or reset it; stored hashed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(10))  # "setup" or "reset"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class CalendarFeed(db.Model):
    """A person's calendar feed link: one per user, its secret kept only as a SHA-256 hash
    (docs/security.md F26). Rotating replaces the hash; revoking stamps `revoked_at`; either way
    the old link answers 404 at once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    # sha256 hex of the secret in the link; the secret itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def live(self) -> bool:
        return self.revoked_at is None
