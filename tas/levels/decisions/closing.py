"""How an open decision from a meeting's minutes closes other than by the referral or step change
recorded after it (tas.levels.decisions.services), so that nothing is reminded for ever:

- a referral or step change that already records it (naming the meeting, or dated on or after
  the meeting's day) closes it the moment the minutes open it, linked to that record;
- when the minutes are completed, a step decision whose level the child already has closes;
- the meeting's chair (its organiser, with no chair named) or a DSL of the meeting's school
  closes it with a reason, kept here only: the audit says a reason was given, never its words.

Changes run in the caller's transaction, except closing with a reason, a use case that checks,
changes, audits and commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import abort
from sqlalchemy import or_, select

from tas.audit.services import record
from tas.children.models import Child
from tas.core.clock import utcnow
from tas.core.use_cases import commit, refuse_if
from tas.extensions import db
from tas.levels.decisions import rules as decision_rules
from tas.levels.decisions.models import MinutesDecision
from tas.levels.models import IfdReferral, StepChange
from tas.meetings.models import Meeting
from tas.organisations.models import User
from tas.reviews.services import levels


def mark_done(rows: list[MinutesDecision], by: User, detail: dict, **link: int) -> None:
    """Close these open decisions (of one child and one decision) now, linked to the record
    that made them, audited by ids only."""
    now = utcnow()
    for row in rows:
        row.done_at = now
        row.done_by_id = by.id
        for name, value in link.items():
            setattr(row, name, value)
    db.session.flush()
    record(
        "minutes_decisions_recorded",
        detail={**detail, "minutes_decision_ids": [row.id for row in rows], **link},
    )


# ---------------------------------------------------------------- recorded already


def recording_of(child_id: int, meeting_id: int, day: date, decision: str) -> dict[str, int]:
    """The referral or step change already recording this decision of this meeting, as the link
    to keep ({"referral_id": 3}), or {} when there is none: one naming the meeting first, else
    the first dated on or after the meeting's day (one query)."""
    if decision == decision_rules.REFER_TO_IFD:
        column, name = IfdReferral.id, "referral_id"
        query = select(column).where(
            IfdReferral.child_id == child_id,
            or_(IfdReferral.meeting_id == meeting_id, IfdReferral.referred_on >= day),
        )
        order = (IfdReferral.meeting_id != meeting_id, IfdReferral.referred_on, IfdReferral.id)
    else:
        column, name = StepChange.id, "step_change_id"
        query = select(column).where(
            StepChange.child_id == child_id,
            StepChange.kind == decision_rules.step_kind_of(decision),
            or_(StepChange.meeting_id == meeting_id, StepChange.changed_on >= day),
        )
        order = (StepChange.meeting_id != meeting_id, StepChange.changed_on, StepChange.id)
    found = db.session.scalar(query.order_by(*order).limit(1))
    return {name: found} if found is not None else {}


def close_reached(meeting_id: int, by: User) -> list[int]:
    """Minutes complete: the meeting's open step decisions whose level the child already has
    close (nothing is left to record), in the caller's transaction. Their ids (one query)."""
    rows = db.session.execute(
        select(MinutesDecision, Child.level_of_need)
        .join(Child, Child.id == MinutesDecision.child_id)
        .where(
            MinutesDecision.meeting_id == meeting_id,
            MinutesDecision.done_at.is_(None),
            MinutesDecision.decision.in_(tuple(decision_rules.STEP_KIND_OF)),
        )
        .order_by(MinutesDecision.id)
    ).all()
    closed = []
    for row, level in rows:
        if decision_rules.level_reached(levels(), row.decision, level):
            detail = {"child_id": row.child_id, "decision": row.decision, "level_reached": level}
            mark_done([row], by, detail)
            closed.append(row.id)
    return closed


# ---------------------------------------------------------------- closed with a reason


def may_close(meeting: Meeting, user: User) -> bool:
    """The chair (the organiser, with no chair named) or a DSL of the meeting's school: the
    people reminded of the meeting's open decisions."""
    if not user.active:
        return False
    owner = meeting.chair_id if meeting.chair_id is not None else meeting.organiser_id
    return owner == user.id or (user.role == "dsl" and user.school_id == meeting.school_id)


def close_by_hand(meeting: Meeting, decision_id: int, user: User, reason: str | None) -> None:
    """Close one of the meeting's open decisions with a reason (403 for anyone else than the
    people who may, 404 when it is not open on this meeting); Refused without a reason."""
    if not may_close(meeting, user):
        abort(403)
    row = db.session.scalar(
        select(MinutesDecision).where(
            MinutesDecision.id == decision_id,
            MinutesDecision.meeting_id == meeting.id,
            MinutesDecision.done_at.is_(None),
        )
    )
    if row is None:
        abort(404)
    problem = decision_rules.close_problem(reason)
    refuse_if({"reason": problem} if problem else {})

    def write() -> None:
        row.done_at = utcnow()
        row.done_by_id = user.id
        row.closed_reason = (reason or "").strip()
        db.session.flush()
        record(
            "minutes_decision_closed",
            target=row,
            detail={
                "meeting_id": meeting.id,
                "child_id": row.child_id,
                "decision": row.decision,
                "fields": ["closed_reason", "done_at"],
            },
        )

    commit(write)


@dataclass(frozen=True)
class ClosedByHand:
    """A decision closed with a reason, as the meeting page shows it to organisers."""

    child_name: str
    name: str
    closed_at: datetime
    reason: str


def closed_by_hand(meeting_id: int) -> list[ClosedByHand]:
    """The meeting's decisions closed with a reason, with the child's name (one query); for
    the meeting's organisers only, who see every child on its agenda."""
    return [
        ClosedByHand(f"{first} {last}", decision_rules.KINDS[decision].name, done_at, reason)
        for first, last, decision, done_at, reason in db.session.execute(
            select(
                Child.first_name,
                Child.last_name,
                MinutesDecision.decision,
                MinutesDecision.done_at,
                MinutesDecision.closed_reason,
            )
            .join(Child, Child.id == MinutesDecision.child_id)
            .where(
                MinutesDecision.meeting_id == meeting_id,
                MinutesDecision.closed_reason.is_not(None),
            )
            .order_by(MinutesDecision.done_at, MinutesDecision.id)
        )
    ]
