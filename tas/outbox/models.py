"""Outgoing email, stored before it is sent so nothing is lost or sent twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.extensions import db


class OutboxMessage(db.Model):
    """One email, fully rendered with a stable Message-ID, waiting to be delivered or sent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    recipients: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(300))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Indexed: sent messages are deleted once past OUTBOX_SENT_DAYS (tas/retention.py).
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Reminders go out on working days only: a retry after a passing fault waits for the next
    # working day's reminder hour rather than landing at the weekend or overnight.
    working_days_only: Mapped[bool] = mapped_column(Boolean, default=False)
