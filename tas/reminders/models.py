"""A reminder: one thing due, for one person, on one day; sent once (by email or in a digest)
and shown in the app as a notification."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.extensions import db
from tas.organisations.models import User


class Reminder(db.Model):
    """One reminder to one person about one thing, for one working day: exactly once, because
    (target, recipient, kind, send_on) is unique. It is also the in-app notification: the
    notifications page lists a person's sent reminders, and read_at clears the unread count."""

    __table_args__ = (
        UniqueConstraint(
            "target_kind", "target_id", "recipient_id", "kind", "send_on", name="uq_reminder_once"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(30))  # review, action, gp_notification...
    target_id: Mapped[int] = mapped_column(Integer)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # before_5, before_1, due, overdue, digests
    send_on: Mapped[date] = mapped_column(Date, index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    # pending -> sent (emailed, or in_digest then sent with the daily digest), or dropped when
    # the thing was done before the reminder went.
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    reference: Mapped[str] = mapped_column(String(40), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Indexed: deleting a sent message (tas/retention.py) finds its reminders by it.
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL"), index=True
    )
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[User] = relationship()
