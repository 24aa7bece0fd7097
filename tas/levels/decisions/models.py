"""A decision in a meeting's minutes that needs a record elsewhere: "Refer to the IFD", "Step up
within early help" or "Step down received" stays open from the day the minutes record it until
the referral or the step change is recorded (tas.levels.decisions.services)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tas.children.models import Child
from tas.core.database import UTCDateTime
from tas.extensions import db
from tas.meetings.models import AgendaItem, Meeting


class MinutesDecision(db.Model):
    """One agenda item's decision that must be recorded as a referral or a step change: open
    while `done_at` is empty. No version counter: closing it never makes the minutes stale."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), unique=True
    )
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(40))  # refer_to_ifd, step_up_early_help...
    recorded_on: Mapped[date] = mapped_column(Date)  # the day the minutes recorded it
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("ifd_referral.id", ondelete="SET NULL")
    )
    step_change_id: Mapped[int | None] = mapped_column(
        ForeignKey("step_change.id", ondelete="SET NULL")
    )
    # Why the chair or a DSL closed it with no referral or step change to link (kept here
    # only: the audit says a reason was given, never what it says).
    closed_reason: Mapped[str | None] = mapped_column(Text)

    item: Mapped[AgendaItem] = relationship()
    meeting: Mapped[Meeting] = relationship()
    child: Mapped[Child] = relationship()
