"""What a child said or showed, recorded by anyone with access to the child; an entry that
raises a concern carries its deadline and, once given, its response."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tas.children.models import Child
from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.core.markers import RecordOrigin
from tas.extensions import db
from tas.organisations.models import User

UNANSWERED = "raises_concern AND response IS NULL"


class VoiceEntry(RecordOrigin, db.Model):
    """The child's wishes and feelings in their own words: when and where they were heard, by
    whom, how, and whether they raise a concern. A concern is open until its response is
    recorded (the response columns), and flagged and reminded until then."""

    __table_args__ = (
        # The unanswered concerns, found without reading every entry (flags, home pages,
        # the hourly reminders).
        Index(
            "ix_voice_entry_unanswered",
            "child_id",
            sqlite_where=text(UNANSWERED),
            postgresql_where=text(UNANSWERED),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    heard_on: Mapped[date] = mapped_column(Date)
    setting: Mapped[str] = mapped_column(String(20))
    setting_detail: Mapped[str | None] = mapped_column(String(200))
    captured_by: Mapped[str] = mapped_column(String(200))
    heard_how: Mapped[str] = mapped_column(String(20))
    words: Mapped[str] = mapped_column(Text)
    raises_concern: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response: Mapped[str | None] = mapped_column(String(30))
    response_reasons: Mapped[str | None] = mapped_column(Text)
    response_contact: Mapped[str | None] = mapped_column(String(200))
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    child: Mapped[Child] = relationship()
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    responded_by: Mapped[User | None] = relationship(foreign_keys=[responded_by_id])

    @property
    def awaiting_response(self) -> bool:
        return self.raises_concern and self.response is None
