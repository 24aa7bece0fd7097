"""Feed links that answered 404, counted to throttle guessing (the links themselves are account
credentials: tas/auth/models.py CalendarFeed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.extensions import db


class FeedMiss(db.Model):
    """A feed link that answered 404, by client address: guessing links is throttled
    (docs/security.md F27), in the database so every web worker shares the count."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
