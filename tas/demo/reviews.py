"""Loads the demo referrals to the IFD (tas.demo.data.reviews) through the levels' use cases:
Ruby's referral, the IFD's decision that Social Care assess (her plan is held by Social Care),
then the minutes of the Oakfield meeting that received her step down, completed: the step down
is recorded and the handover review opens. Leo's referral awaits the IFD's decision. Every open
plan has had its plan review since it started (tas.plans.services.start_plan), but Ruby's, whose
handover review opens them. `flask --app tas send-reminders` then reminds the owners (emails in
instance/outbox/, and the notifications page). Loaded once per copy: if the copy's children
have a referral, nothing is added."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import local, utcnow
from tas.core.days import subtract_working_days
from tas.demo.children import children_of
from tas.demo.copies import THE_DEMO, Copy
from tas.demo.counting import counted
from tas.demo.data.reviews import AWAITING, REFERRED_BY, STEPPED_DOWN
from tas.extensions import db
from tas.levels.decisions import from_minutes
from tas.levels.models import IfdReferral, StepChange
from tas.levels.referrals import services as referrals
from tas.meetings.models import AgendaItem, Meeting
from tas.organisations.models import User
from tas.reviews.models import Review

KINDS = {"IFD referrals": IfdReferral, "step changes": StepChange, "reviews": Review}


def load(copy: Copy = THE_DEMO) -> dict[str, int]:
    """Add what is missing; return how many referrals, step changes and reviews were added."""
    return counted(KINDS, lambda: _load(copy))


def _load(copy: Copy) -> None:
    children = children_of(copy)
    by = db.session.scalar(select(User).where(User.email == REFERRED_BY))
    stepped_down, awaiting = children.get(STEPPED_DOWN[0]), children.get(AWAITING[0])
    if by is None or stepped_down is None or awaiting is None:
        return
    referred = select(IfdReferral.id).where(
        IfdReferral.child_id.in_([stepped_down.id, awaiting.id])
    )
    if db.session.scalar(referred.limit(1)) is not None:
        return
    meeting = _meeting_that_stepped_down(stepped_down)
    if meeting is not None:
        _, marf, (back, decided), decision, feedback = STEPPED_DOWN
        held_on = local(meeting.starts_at).date()
        referral = _refer(stepped_down, by, held_on, back=back, marf=copy.name(marf))
        referrals.record_decision(
            referral,
            by,
            referral.version,
            {
                "decision": decision,
                "decided_on": subtract_working_days(held_on, decided, ENGLAND_AND_WALES),
                "feedback": feedback,
            },
        )
        from_minutes.minutes_completed(meeting, by)
        db.session.commit()
    _, marf, back = AWAITING
    _refer(awaiting, by, local(utcnow()).date(), back=back, marf=copy.name(marf))


def _meeting_that_stepped_down(child: Child) -> Meeting | None:
    """The held meeting whose minutes say this child's step down was received."""
    return db.session.scalar(
        select(Meeting)
        .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .where(
            AgendaItem.child_id == child.id,
            AgendaItem.decision == "step_down_received",
            Meeting.status == "held",
        )
        .limit(1)
    )


def _refer(child: Child, by: User, before: date, *, back: int, marf: str) -> IfdReferral:
    """A referral `back` working days before `before`, after a phone consultation that day."""
    day = subtract_working_days(before, back, ENGLAND_AND_WALES)
    return referrals.refer(
        child,
        by,
        {"consultation_on": day, "referred_on": day, "marf_reference": marf, "meeting_id": None},
    )
