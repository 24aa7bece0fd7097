"""A child's level of need and its dated history: changing the level (recorded as a step
change), what a new shared plan means for it, and the step up within early help and the step
down from Children's Social Care. Referrals to the IFD and their decisions are in referrals;
what the minutes of a meeting start is in from_minutes.

The use cases load, check, change, audit (ids and codes only) and commit once through
tas.core.use_cases.commit; the record_* functions work inside the caller's transaction, so the
minutes of a meeting can record the same step changes.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tas.audit.services import record
from tas.children.access import current_agreement
from tas.children.models import Child
from tas.core.choices import label
from tas.core.clock import today
from tas.core.use_cases import Refused, StaleEdit, commit, refuse_if
from tas.extensions import db
from tas.levels import rules as level_rules
from tas.levels.access import LevelChange, level_rights
from tas.levels.deciding_meetings import meeting_problem
from tas.levels.decisions.services import step_recorded
from tas.levels.models import StepChange
from tas.levels.rules import EARLY_HELP, SOCIAL_CARE, TARGETED_EARLY_HELP, rank
from tas.organisations.models import User
from tas.plans.gp.services import send_update
from tas.plans.leads import change_lead, lead_change_problems
from tas.plans.models import SharedPlan
from tas.reviews.services import levels, open_review, open_reviews, set_status

NOT_YOURS = "You cannot record this change of the child's level of need"
# Reviews that stop while Children's Social Care holds the case, and restart after a step down.
EARLY_HELP_REVIEWS = frozenset({"plan_review", "handover_meeting"})


def change_level(
    child: Child,
    to_level: str,
    *,
    kind: str,
    changed_on: date,
    reason: str,
    decided_by: str,
    by: User,
    plan: SharedPlan | None = None,
    meeting_id: int | None = None,
    agenda_item_id: int | None = None,
    referral_id: int | None = None,
    new_lead_practitioner_id: int | None = None,
) -> StepChange:
    """Record a step change and set the child's (and the open plan's) level, audited, in the
    caller's transaction."""
    change = StepChange(
        child_id=child.id,
        plan_id=plan.id if plan is not None else None,
        kind=kind,
        from_level=child.level_of_need,
        to_level=to_level,
        changed_on=changed_on,
        reason=reason,
        decided_by=decided_by,
        meeting_id=meeting_id,
        agenda_item_id=agenda_item_id,
        referral_id=referral_id,
        recorded_by_id=by.id,
        new_lead_practitioner_id=new_lead_practitioner_id,
    )
    db.session.add(change)
    child.level_of_need = to_level
    if plan is not None and plan.status != "closed":
        plan.level_of_need = to_level
    db.session.flush()
    record(
        "level_changed",
        target=change,
        detail={
            "child_id": child.id,
            "kind": kind,
            "from": change.from_level,
            "to": to_level,
            "meeting_id": meeting_id,
            "referral_id": referral_id,
            **(
                {"lead_practitioner_id": new_lead_practitioner_id}
                if new_lead_practitioner_id
                else {}
            ),
        },
    )
    step_recorded(change, by)  # closes the minutes' open decision to make this step
    return change


def level_when_a_plan_starts(child: Child) -> tuple[str, str | None]:
    """The child's level of need now, in words, and the level starting a plan steps them up
    to (None when they are at Early Help or above already)."""
    now = label(levels(), child.level_of_need) if child.level_of_need else "Not recorded"
    below = rank(levels(), child.level_of_need) < rank(levels(), EARLY_HELP)
    return now, label(levels(), EARLY_HELP) if below else None


def plan_started(plan: SharedPlan, by: User) -> None:
    """A shared plan is early help: a child below Early Help steps up to it (recorded), and the
    plan takes the child's level. In the caller's transaction."""
    child = plan.child
    if rank(levels(), child.level_of_need) < rank(levels(), EARLY_HELP):
        change_level(
            child,
            EARLY_HELP,
            kind="plan_started",
            changed_on=plan.started_on,
            reason=f"Shared plan {plan.reference} started",
            decided_by=by.name,
            by=by,
            plan=plan,
        )
    plan.level_of_need = child.level_of_need


def open_plan_of(child_id: int) -> SharedPlan | None:
    """The child's plan that is not closed (open, or held by Social Care), if any."""
    return db.session.scalar(
        select(SharedPlan).where(SharedPlan.child_id == child_id, SharedPlan.status != "closed")
    )


# ---------------------------------------------------------------- step up within early help


def record_step_up(
    child: Child,
    by: User,
    plan: SharedPlan | None,
    *,
    new_lead_practitioner_id: int | None = None,
    **fields,
) -> StepChange:
    """Step up to Targeted Early Help at once, and tell the GP practice when there is a plan,
    in the caller's transaction (the level was checked by the caller). When the step up
    changes the plan's lead practitioner, the plan and its open reviews go to the new lead."""
    change = change_level(
        child,
        TARGETED_EARLY_HELP,
        kind="step_up_early_help",
        by=by,
        plan=plan,
        new_lead_practitioner_id=new_lead_practitioner_id,
        **fields,
    )
    if plan is not None and new_lead_practitioner_id is not None:
        change_lead(plan, new_lead_practitioner_id, step_change_id=change.id)
    if plan is not None:
        send_update(plan, "step_up", by)
    return change


def last_change_id(child_id: int) -> int:
    """The id of the child's latest recorded step change (0 when there is none): what a step
    form carries from the moment it was opened."""
    return db.session.scalar(
        select(func.coalesce(func.max(StepChange.id), 0)).where(StepChange.child_id == child_id)
    )


def refuse_if_changed(child: Child, seen: int | None) -> None:
    """A step form opened before someone else recorded a change of level saves nothing: its
    step was decided on a level the child has left (two people stepping down the same case
    would otherwise record two step downs). StaleEdit, like any stale form."""
    if seen is None or seen != last_change_id(child.id):
        raise StaleEdit


def last_changed_on(child_id: int) -> date | None:
    """The date of the child's latest recorded change of level, if any."""
    return db.session.scalar(
        select(func.max(StepChange.changed_on)).where(StepChange.child_id == child_id)
    )


def step_up_problems(
    child: Child, user: User, values: dict, plan: SharedPlan | None
) -> dict[str, str]:
    """Field -> what to put right, for a step up (with the child's open plan, if any)."""
    problems = {
        **level_rules.step_problems(
            values["changed_on"], today(), child.date_of_birth, last_changed_on(child.id)
        ),
        **meeting_problem(values.get("meeting_id"), child, user),
    }
    if plan is not None:
        problems.update(
            lead_change_problems(
                values.get("lead_changes"),
                values.get("new_lead_practitioner_id"),
                plan,
                current_agreement(child.id),
            )
        )
    problems.update(level_problem(level_rules.step_up_refusal(levels(), child.level_of_need)))
    return problems


def refuse_unless_may(user: User, child: Child, change: LevelChange) -> None:
    """The use case's own check of the levels' one access rule (the pages ask it first)."""
    rights = level_rights(user, child.id)
    if not rights.may(change):
        raise Refused({"level": rights.why_not(change) or NOT_YOURS})


def step_up(child: Child, user: User, values: dict) -> StepChange:
    """Record a step up within early help typed by a person, committed once. With an open plan
    the form says whether the lead practitioner changes, and who leads if so."""
    refuse_unless_may(user, child, LevelChange.STEP_UP)
    values = dict(values)
    refuse_if_changed(child, values.pop("last_change", None))
    plan = open_plan_of(child.id)
    refuse_if(step_up_problems(child, user, values, plan))
    changes_lead = values.pop("lead_changes", None)
    lead_id = values.pop("new_lead_practitioner_id", None)
    new_lead = lead_id if plan is not None and changes_lead == "yes" else None
    return commit(
        lambda: record_step_up(child, user, plan, new_lead_practitioner_id=new_lead, **values)
    )


# ---------------------------------------------------------------- step down from Social Care


def record_step_down(
    child: Child, by: User, plan: SharedPlan | None, *, to_level: str, changed_on: date, **fields
) -> StepChange:
    """Social Care has closed and handed over to early help, in the caller's transaction: the
    level changes, a plan held by Social Care reopens, paused early-help reviews are cancelled
    (the handover starts them again), an assessment outcome still due is completed as stepped
    down, the handover (TAF) meeting review opens, and the GP practice is told."""
    change = change_level(
        child, to_level, kind="step_down", changed_on=changed_on, by=by, plan=plan, **fields
    )
    if plan is not None and plan.status == "held_by_social_care":
        plan.status = "open"
        db.session.flush()
        record(
            "plan_reopened",
            target=plan,
            detail={"child_id": child.id, "step_change_id": change.id},
        )
    set_status(
        child.id,
        kinds=set(EARLY_HELP_REVIEWS),
        status="cancelled",
        from_status="paused",
        why="stepped_down",
    )
    complete_reviews(open_reviews(child.id, "assessment_outcome"), by, changed_on, "stepped_down")
    owner = plan.lead_practitioner_id if plan is not None else None
    handover = open_review(
        "step_down",
        child_id=child.id,
        from_day=changed_on,
        owner_id=owner or by.id,
        by=by,
        plan_id=plan.id if plan is not None else None,
        step_change_id=change.id,
    )
    if plan is not None:
        # The plan's next review is the handover meeting now (its date from before the case
        # went to Social Care would show as overdue); completing the handover sets the next.
        plan.next_review_on = handover.due_on
        send_update(plan, "step_down", by)
    return change


def record_step_down_within(
    child: Child, by: User, plan: SharedPlan | None, *, to_level: str, **fields
) -> StepChange:
    """A step down within early help (Targeted Early Help to Early Help or Universal), in the
    caller's transaction: the level changes and the GP practice, if told of the plan, hears."""
    change = change_level(child, to_level, kind="step_down_early_help", by=by, plan=plan, **fields)
    if plan is not None:
        send_update(plan, "step_down", by)
    return change


def step_down_problems(child: Child, user: User, values: dict) -> dict[str, str]:
    """Field -> what to put right, for a step down from the child's level now."""
    current = child.level_of_need
    problems = {
        **level_rules.step_problems(
            values["changed_on"], today(), child.date_of_birth, last_changed_on(child.id)
        ),
        **meeting_problem(values.get("meeting_id"), child, user),
    }
    allowed = {choice.code for choice in level_rules.step_down_levels(levels(), current)}
    if values["to_level"] not in allowed:
        problems["to_level"] = "Select the level of need the child steps down to"
    problems.update(level_problem(level_rules.step_down_refusal(levels(), current)))
    return problems


def step_down(child: Child, user: User, values: dict) -> StepChange:
    """Record a step down typed by a person, committed once: from Children's Social Care (the
    handover follows) or within early help."""
    refuse_unless_may(user, child, LevelChange.STEP_DOWN)
    values = dict(values)
    refuse_if_changed(child, values.pop("last_change", None))
    refuse_if(step_down_problems(child, user, values))
    plan = open_plan_of(child.id)
    recording = record_step_down if child.level_of_need == SOCIAL_CARE else record_step_down_within
    return commit(lambda: recording(child, user, plan, **values))


def complete_reviews(reviews, by: User, on: date, outcome: str) -> None:
    """Complete these open reviews with an outcome, audited (in the caller's transaction)."""
    for review in reviews:
        review.status = "completed"
        review.completed_on = on
        review.completed_by_id = by.id
        review.outcome = outcome
    if reviews:
        db.session.flush()
        record(
            "reviews_completed",
            detail={
                "child_id": reviews[0].child_id,
                "review_ids": [review.id for review in reviews],
                "outcome": outcome,
            },
        )


def level_problem(why: str | None) -> dict[str, str]:
    return {"level": why} if why else {}


__all__ = [
    "change_level",
    "complete_reviews",
    "last_change_id",
    "last_changed_on",
    "level_problem",
    "meeting_problem",
    "open_plan_of",
    "plan_started",
    "record_step_down",
    "record_step_down_within",
    "record_step_up",
    "refuse_if_changed",
    "step_down",
    "step_down_problems",
    "step_up",
    "step_up_problems",
]
