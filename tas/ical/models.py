"""A person's calendar subscription feed: one per user, its secret kept only as a SHA-256 hash
(docs/security.md F26). Rotating replaces the hash; revoking stamps `revoked_at`; either way the old
link answers 404 at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.extensions import db
from tas.organisations.models import User


class CalendarFeed(db.Model):
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


class FeedMiss(db.Model):
    """A feed link that answered 404, by client address: guessing links is throttled
    (docs/security.md F27), in the database so every web worker shares the count."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
