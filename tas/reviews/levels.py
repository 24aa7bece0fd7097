"""A child's level of need and its dated history: changing the level (recorded as a step
change), and what a new shared plan means for it. Step up, referral, decision and step down
use cases build on change_level."""

from __future__ import annotations

from datetime import date

from tas.audit.services import record
from tas.children.models import Child
from tas.extensions import db
from tas.organisations.models import User
from tas.plans.models import SharedPlan

from . import rules
from .models import StepChange
from .reviews import levels


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
        },
    )
    return change


def plan_started(plan: SharedPlan, by: User) -> None:
    """A shared plan is early help: a child below Early Help steps up to it (recorded), and the
    plan takes the child's level. In the caller's transaction."""
    child = plan.child
    if rules.rank(levels(), child.level_of_need) < rules.rank(levels(), rules.EARLY_HELP):
        change_level(
            child,
            rules.EARLY_HELP,
            kind="other",
            changed_on=plan.started_on,
            reason=f"Shared plan {plan.reference} started",
            decided_by=by.name,
            by=by,
            plan=plan,
        )
    plan.level_of_need = child.level_of_need
