"""The flags about a plan's progress, for the children under a condition: involvements whose
engagement stayed low with no decision (tas.plans.involvements.rules.low_engagement) and plans
that drifted (tas.plans.outcomes.rules.drift). A fixed number of queries however many children:
one for engagement, one for drift."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, Date, and_, bindparam, exists, func, or_, select

from tas.children.models import Child
from tas.core.days import months_before
from tas.extensions import db
from tas.flags import rules
from tas.flags.rules import Flag
from tas.levels.models import StepChange
from tas.organisations.models import Agency
from tas.plans.involvements.rules import LOW_ENGAGEMENT, EngagementSeen, low_engagement
from tas.plans.models import (
    AgencyInvolvement,
    DriftDecision,
    EngagementDecision,
    EngagementUpdate,
    SharedPlan,
)
from tas.plans.outcomes.periods import improved_on
from tas.plans.outcomes.rules import DRIFT_MONTHS, drift
from tas.plans.rules import plan_reference


def _midday(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def engagement(condition: ColumnElement[bool], today: date) -> list[Flag]:
    """Active involvements on open plans whose engagement since their last decision needs one."""
    decided = (
        select(func.coalesce(func.max(EngagementDecision.after_update_id), 0))
        .where(EngagementDecision.involvement_id == EngagementUpdate.involvement_id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            EngagementUpdate.involvement_id,
            EngagementUpdate.recorded_on,
            EngagementUpdate.child_engagement,
            EngagementUpdate.parent_engagement,
            SharedPlan.child_id,
            Agency.name,
        )
        .join(AgencyInvolvement, AgencyInvolvement.id == EngagementUpdate.involvement_id)
        .join(SharedPlan, SharedPlan.id == AgencyInvolvement.plan_id)
        .join(Child, Child.id == SharedPlan.child_id)
        .join(Agency, Agency.id == AgencyInvolvement.agency_id)
        .where(
            AgencyInvolvement.status == "active",
            # The flag needs the latest engagement to be low, and the involvement keeps it:
            # only those involvements' histories are read, not every update there has been.
            or_(
                AgencyInvolvement.child_engagement.in_(sorted(LOW_ENGAGEMENT)),
                AgencyInvolvement.parent_engagement.in_(sorted(LOW_ENGAGEMENT)),
            ),
            SharedPlan.status == "open",
            EngagementUpdate.id > decided,
            condition,
        )
        .order_by(EngagementUpdate.involvement_id, EngagementUpdate.id)
    )
    histories: dict[int, list] = {}
    for involvement_id, on, child, parent, *about in rows:
        histories.setdefault(involvement_id, [about, []])[1].append(
            EngagementSeen(on, child, parent)
        )
    found = []
    for involvement_id, ((child_id, agency), seen) in histories.items():
        reason = low_engagement(seen, today)
        if reason is not None:
            found.append(
                rules.engagement_flag(
                    child_id, involvement_id, agency, reason, _midday(seen[-1].recorded_on)
                )
            )
    return found


# The first day of the months a plan must show progress in (DRIFT_MONTHS before today), given
# when the statement runs: the statements below are built once, not at every page.
SINCE = bindparam("drift_since", type_=Date)


# A plan is ruled out by a change of level, a decision or a better score within the months.
NO_PROGRESS = and_(
    SharedPlan.status == "open",
    SharedPlan.started_on <= SINCE,
    ~exists().where(StepChange.child_id == SharedPlan.child_id, StepChange.changed_on > SINCE),
    ~exists().where(DriftDecision.plan_id == SharedPlan.id, DriftDecision.decided_on > SINCE),
    # A better score within the months: the periods kept beside the scores say so at once
    # (tas.plans.outcomes.periods); tests/flags/test_progress_flags.py checks, history by
    # history, that they rule out only the plans the pure rule would.
    ~improved_on(SharedPlan.id, SINCE),
)


def drifted(condition: ColumnElement[bool], today: date) -> list[Flag]:
    """Open plans started DRIFT_MONTHS months ago or more that show no progress since. A
    change of level, a decision or a better score within the months rules a plan out in the
    database (each an indexed question), so the plans left are the drifted ones: their scores
    are not read. The periods of progress answer exactly as the pure rule does on the scores
    (tests/flags/test_progress_flags.py holds them to it, history by history and day by day),
    and the rule words the reason."""
    rows = db.session.execute(
        select(SharedPlan.id, SharedPlan.child_id, SharedPlan.started_on)
        .join(Child, Child.id == SharedPlan.child_id)
        .where(NO_PROGRESS, condition)
        .order_by(SharedPlan.id),
        {"drift_since": months_before(today, DRIFT_MONTHS)},
    )
    found = []
    for plan_id, child_id, started_on in rows:
        # No score is passed: the database has already ruled out every plan with a better one.
        reason = drift(started_on, today, [], [])
        if reason is not None:
            found.append(
                rules.drift_flag(
                    child_id, plan_id, plan_reference(plan_id), reason, _midday(started_on)
                )
            )
    return found


def low_engagement_of(involvement_id: int, today: date) -> Flag | None:
    """The low engagement flag on one involvement, if it has one now."""
    found = engagement(AgencyInvolvement.id == involvement_id, today)
    return found[0] if found else None


def drift_of(plan_id: int, today: date) -> Flag | None:
    """The drift flag on one plan, if it has one now."""
    found = drifted(SharedPlan.id == plan_id, today)
    return found[0] if found else None
