"""Demo levels of need, referrals and reviews, made through the same use cases as the pages:
Ruby's case was stepped up to Children's Social Care after a referral and stepped down at the
last Oakfield TAS meeting (its minutes open the handover review); Leo's referral awaits the
IFD's decision; every open plan has its plan review. `flask --app tas send-reminders` then
reminds the owners (emails in instance/outbox/, and the notifications page)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import local, utcnow
from tas.core.days import subtract_working_days
from tas.extensions import db
from tas.levels.decisions import from_minutes
from tas.levels.models import IfdReferral, StepChange
from tas.levels.referrals import services as referrals
from tas.meetings.models import AgendaItem, Meeting
from tas.organisations.models import User
from tas.plans.models import SharedPlan
from tas.reviews.models import Review

DANA = "dsl@oakfield.demo.tas.test"
STEPPED_DOWN = "Ruby Clarke"
AWAITING = "Leo Price"


def load() -> dict[str, int]:
    """Add what is missing; return how many referrals, step changes and reviews were added."""
    added = {"IFD referrals": 0, "step changes": 0, "reviews": 0}
    if db.session.scalar(select(IfdReferral.id).limit(1)) is not None:
        return added
    children = {c.full_name: c for c in db.session.scalars(select(Child))}
    dana = db.session.scalar(select(User).where(User.email == DANA))
    if dana is None or STEPPED_DOWN not in children or AWAITING not in children:
        return added
    today = local(utcnow()).date()
    meeting = _meeting_that_stepped_down(children[STEPPED_DOWN])
    if meeting is not None:
        held_on = local(meeting.starts_at).date()
        referral = _refer(children[STEPPED_DOWN], dana, held_on, back=40, marf="MARF-2026-0412")
        referrals.record_decision(
            referral,
            dana,
            referral.version,
            {
                "decision": "assessment",
                "decided_on": subtract_working_days(held_on, 38, ENGLAND_AND_WALES),
                "feedback": "A social worker is allocated for a child and family assessment.",
            },
        )
        added["IFD referrals"] += 1
        from_minutes.minutes_completed(meeting, dana)
        db.session.commit()
    _refer(children[AWAITING], dana, today, back=2, marf="MARF-2026-0587")
    added["IFD referrals"] += 1
    added["reviews"] += _plan_reviews()
    db.session.commit()
    added["step changes"] = db.session.scalar(select(func.count(StepChange.id)))
    return added


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
        {
            "consultation_on": day,
            "referred_on": day,
            "marf_reference": marf,
            "meeting_id": None,
        },
    )


def _plan_reviews() -> int:
    """Each open plan with a review date and no open plan review gets one (the demo plans are
    written directly, not through the plan pages that open it), but for a child handed over
    after a step down: the handover review opens the plan reviews."""
    reviewed = select(Review.plan_id).where(Review.kind == "plan_review", Review.status == "open")
    # After a step down, plan reviews start from the handover meeting (its review opens them).
    handing_over = select(Review.child_id).where(
        Review.kind == "handover_meeting", Review.status == "open"
    )
    plans = db.session.scalars(
        select(SharedPlan).where(
            SharedPlan.status == "open",
            SharedPlan.next_review_on.is_not(None),
            SharedPlan.id.not_in(reviewed.where(Review.plan_id.is_not(None))),
            SharedPlan.child_id.not_in(handing_over),
        )
    ).all()
    for plan in plans:
        db.session.add(
            Review(
                kind="plan_review",
                child_id=plan.child_id,
                plan_id=plan.id,
                due_on=plan.next_review_on,
                owner_id=plan.lead_practitioner_id,
            )
        )
    return len(plans)
