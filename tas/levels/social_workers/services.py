"""The lead contact while Children's Social Care holds a child's plan: the social worker leads
in the council's own system (docs/glossary.md), so their name and team are recorded here and
shown in place of the early-help lead practitioner. Loaded, checked, changed, audited (field
names and ids only) and committed once."""

from __future__ import annotations

from tas.audit.services import audit_fields, record
from tas.core.use_cases import check_version, commit, refuse_if
from tas.organisations.models import User
from tas.plans.models import SharedPlan

NOT_HELD = (
    "Children's Social Care does not hold this child's plan, so there is no social worker to "
    "record: the lead practitioner leads the plan"
)


def not_held(plan: SharedPlan | None) -> str | None:
    """Why no social worker can be recorded for this plan, or None."""
    if plan is None or plan.status != "held_by_social_care":
        return NOT_HELD
    return None


def record_social_worker(
    plan: SharedPlan, user: User, version: int | None, values: dict
) -> list[str]:
    """Save the social worker's name and team on a plan Social Care holds, unless someone saved
    the plan since the form was opened (StaleEdit): the names of the fields that changed (none
    when the form came back as it was, and nothing is written)."""
    check_version(plan, version)
    refuse_if({"social_worker_name": NOT_HELD} if not_held(plan) else {})
    changed = sorted(name for name, value in values.items() if getattr(plan, name) != value)
    if not changed:
        return changed

    def write() -> list[str]:
        for name, value in values.items():
            setattr(plan, name, value)
        record(
            "social_worker_recorded",
            target=plan,
            detail=audit_fields(dict.fromkeys(changed), child_id=plan.child_id),
            actor=user,
        )
        return changed

    return commit(write)
