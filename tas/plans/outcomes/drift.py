"""A decision about a plan that drifted: try a different approach (and what it is), escalate,
or continue (and why). It answers the drift flag for twelve months, and is recorded only while
the plan has one (tas.flags.progress). One commit, audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.audit.services import add_audited, audit_fields
from tas.core.clock import today
from tas.core.decisions import decided_in_future
from tas.core.use_cases import refuse_if
from tas.extensions import db
from tas.flags import progress
from tas.flags.rules import Flag
from tas.organisations.models import User
from tas.plans.models import DriftDecision, SharedPlan

NOT_FLAGGED = "This plan is not flagged for drift, so there is no decision to record"


def flag_of(plan: SharedPlan) -> Flag | None:
    """The plan's drift flag, if it has one today."""
    return progress.drift_of(plan.id, today())


def decisions_of(plan: SharedPlan) -> list[DriftDecision]:
    return list(
        db.session.scalars(
            select(DriftDecision)
            .where(DriftDecision.plan_id == plan.id)
            .options(joinedload(DriftDecision.recorded_by))
            .order_by(DriftDecision.recorded_at.desc())
        )
    )


def decide(plan: SharedPlan, user: User, values: dict) -> DriftDecision:
    """Record the decision, while the plan is flagged: a decision never claims to clear a flag
    that is not there."""
    refuse_if({"decision": NOT_FLAGGED} if flag_of(plan) is None else {})
    refuse_if(decided_in_future(values["decided_on"], today()))
    if values["decided_on"] is not None and values["decided_on"] < plan.started_on:
        refuse_if({"decided_on": "The date of the decision must be on or after the plan started"})
    decision = DriftDecision(plan_id=plan.id, recorded_by_id=user.id, **values)
    detail = audit_fields(values, plan_id=plan.id) | {"decision": values["decision"]}
    return add_audited(decision, "drift_decision_recorded", detail)
