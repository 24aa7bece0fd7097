"""Significant events in a child's life, from any agency, and the decisions that answer a
cumulative harm pattern (a Neglect Toolkit completed, an escalation decided)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tas.children.models import Child
from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.core.markers import RecordOrigin
from tas.extensions import db
from tas.organisations.models import Agency, User


class ChronologyEvent(RecordOrigin, db.Model):
    """One significant event: when it happened, its category and severity, the agency it came
    from, a short summary, and its sharing markers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    happened_on: Mapped[date] = mapped_column(Date, index=True)
    category: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10))
    # The agency the information came from (police, A&E...); none: the recorder's own school.
    source_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    summary: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    child: Mapped[Child] = relationship()
    source_agency: Mapped[Agency | None] = relationship(foreign_keys=[source_agency_id])
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])


class HarmReview(db.Model):
    """A decision that answers a cumulative harm pattern: a Neglect Toolkit completed (its
    date, overall outcome and summary) or an escalation decided. It clears the flag until an
    event recorded after it makes a pattern again."""

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # neglect_toolkit, escalation
    done_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(Text)
    completed_by: Mapped[str] = mapped_column(String(200))  # who completed it: name and role
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    recorded_by: Mapped[User] = relationship()
