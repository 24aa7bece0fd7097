"""A child's step changes between levels of need and their referrals to the Integrated Front
Door (the level itself is on the child: tas.children.models.Child.level_of_need)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tas.children.models import Child
from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.extensions import db
from tas.levels.rules import referral_reference
from tas.organisations.models import User


class IfdReferral(db.Model):
    """A referral to the Integrated Front Door (a step up to Children's Social Care): the phone
    consultation, the multi-agency referral form (MARF), then the IFD's decision. The child's
    level of need changes only when the decision is recorded."""

    # One referral per form: two people recording the same MARF at once cannot make two.
    __table_args__ = (UniqueConstraint("child_id", "marf_reference", name="uq_ifd_referral_marf"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("shared_plan.id", ondelete="SET NULL"), index=True
    )
    consultation_on: Mapped[date | None] = mapped_column(Date)
    referred_on: Mapped[date] = mapped_column(Date)
    marf_reference: Mapped[str] = mapped_column(String(40))
    referred_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="awaiting_decision", index=True)
    decision: Mapped[str | None] = mapped_column(String(30))
    decided_on: Mapped[date | None] = mapped_column(Date)
    feedback: Mapped[str | None] = mapped_column(Text)
    disagreed_on: Mapped[date | None] = mapped_column(Date)
    disagreement_note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    child: Mapped[Child] = relationship()
    referred_by: Mapped[User] = relationship(foreign_keys=[referred_by_id])

    @property
    def reference(self) -> str:
        """The referral's own reference, for a child without a shared plan: IFD-0007."""
        return referral_reference(self.id)


class StepChange(db.Model):
    """One change of a child's level of need: from, to, when, why, who decided, and the meeting
    (or referral decision) it came from. The dated history of a child's levels."""

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("shared_plan.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))  # step_up_early_help, step_up_social_care...
    from_level: Mapped[str] = mapped_column(String(40))
    to_level: Mapped[str] = mapped_column(String(40))
    changed_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))  # a person, "TAS meeting", "the IFD"
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    # A decision in a meeting's minutes starts at most one step change.
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL"), unique=True
    )
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("ifd_referral.id", ondelete="SET NULL"), index=True
    )
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A step up within early help may change the plan's lead practitioner: who leads from then.
    new_lead_practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    child: Mapped[Child] = relationship()
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    new_lead_practitioner: Mapped[User | None] = relationship(
        foreign_keys=[new_lead_practitioner_id]
    )
