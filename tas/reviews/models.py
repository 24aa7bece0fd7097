"""Levels of need, step changes, referrals to the Integrated Front Door, the reviews that
follow them, and the reminder rows that make every reminder go out exactly once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tas.children.models import Child
from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.extensions import db
from tas.levels.models import IfdReferral
from tas.organisations.models import User


class ReviewRule(db.Model):
    """A coordinator's change to a default review rule (tas.reviews.rules.DEFAULT_RULES): the
    event, and how long after it the review is due. Without a row the default applies."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(30), unique=True)
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(15))  # working_days, weeks
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Review(db.Model):
    """A dated check that something happened: handover meeting held, IFD decision received,
    assessment outcome known, shared plan reviewed. Open until completed (or paused while
    Children's Social Care holds the case, or cancelled when it no longer applies)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("shared_plan.id", ondelete="CASCADE"), index=True
    )
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("ifd_referral.id", ondelete="CASCADE"), index=True
    )
    step_change_id: Mapped[int | None] = mapped_column(
        ForeignKey("step_change.id", ondelete="SET NULL")
    )
    due_on: Mapped[date] = mapped_column(Date, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outcome: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)
    # At a plan review: the child's and the family's own words (shown on the shared plan).
    child_says: Mapped[str | None] = mapped_column(Text)
    family_says: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    child: Mapped[Child] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    referral: Mapped[IfdReferral | None] = relationship()
