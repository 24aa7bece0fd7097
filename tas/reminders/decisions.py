"""Reminders about decisions in a meeting's minutes still to be recorded (a referral to the
IFD, a step up or a step down): a reminder source (tas.reminders.sources), registered
when tas.reminders.services imports this module."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import and_, func, select

from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.paths import path_for
from tas.extensions import db
from tas.levels.decisions import rules as decision_rules
from tas.levels.decisions.models import MinutesDecision
from tas.levels.decisions.services import still_open
from tas.meetings.models import AgendaItem, Meeting, meeting_reference
from tas.plans.models import SharedPlan
from tas.reminders.sources import Due, source
from tas.reviews import rules

# ---------------------------------------------------------------- decisions in the minutes


@source(
    "minutes_decision",
    todo=(
        "Open the meeting to see the decision. Record the referral to the IFD, or the step up "
        "or step down on the child's level of need page: the reminders stop once it is "
        "recorded. If there is nothing left to record, the chair or a designated safeguarding "
        "lead closes it with a reason on the meeting's page. It is a safeguarding decision, so "
        "it is due the day the minutes record it."
    ),
)
def minutes_decisions(due_by: date | None, ids: Collection[int] | None) -> list[Due]:
    """Decisions to refer or to step up or down that the minutes recorded and nobody has
    recorded since, due that same working day. Owner: the meeting's chair (else its
    organiser); the DSLs of the child's school are reminded too. Named by the meeting's
    reference (and the plan's, when the child has one), never the child."""
    query = (
        select(
            MinutesDecision.id,
            MinutesDecision.decision,
            MinutesDecision.recorded_on,
            Meeting.id,
            func.coalesce(Meeting.chair_id, Meeting.organiser_id),
            Child.school_id,
            SharedPlan.id,
        )
        .join(AgendaItem, AgendaItem.id == MinutesDecision.agenda_item_id)
        .join(Meeting, Meeting.id == MinutesDecision.meeting_id)
        .join(Child, Child.id == MinutesDecision.child_id)
        .outerjoin(SharedPlan, and_(SharedPlan.child_id == Child.id, SharedPlan.status != "closed"))
        .where(still_open())
    )
    if ids is not None:
        query = query.where(MinutesDecision.id.in_(ids))
    if due_by is not None:
        query = query.where(MinutesDecision.recorded_on <= due_by)
    found = []
    for row_id, decision, recorded_on, meeting_id, owner, school_id, plan_id in db.session.execute(
        query.order_by(MinutesDecision.id)
    ):
        due_on = decision_rules.due_on(recorded_on, ENGLAND_AND_WALES)
        if due_by is not None and due_on > due_by:
            continue
        meeting = meeting_reference(meeting_id)
        plan_reference = rules.plan_reference(plan_id) if plan_id is not None else None
        found.append(
            Due(
                "minutes_decision",
                row_id,
                due_on,
                owner,
                plan_reference or meeting,
                path_for("meetings.meeting", meeting_id=meeting_id) + "#open-decisions",
                school_id,
                decision_rules.reminder_what(decision, meeting, plan_reference),
                with_school_dsls=True,
            )
        )
    return found
