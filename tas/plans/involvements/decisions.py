"""A decision about an involvement whose engagement stayed low: continue with a joint approach
(and what it is), escalate, or close (with reasons). It answers the low engagement flag for the
engagement recorded up to it; later updates count afresh. It is recorded only while the
involvement has the flag (tas.flags.progress). One commit, audited."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tas.audit.services import add_audited, audit_fields
from tas.core.clock import today
from tas.core.decisions import decided_in_future
from tas.core.use_cases import refuse_if
from tas.extensions import db
from tas.flags import progress
from tas.flags.rules import Flag
from tas.organisations.models import User
from tas.plans.models import AgencyInvolvement, EngagementDecision, EngagementUpdate

NOT_FLAGGED = (
    "This involvement is not flagged for low engagement, so there is no decision to record"
)


def flag_of(involvement: AgencyInvolvement) -> Flag | None:
    """The involvement's low engagement flag, if it has one today."""
    return progress.low_engagement_of(involvement.id, today())


def decisions_of(involvement: AgencyInvolvement) -> list[EngagementDecision]:
    return list(
        db.session.scalars(
            select(EngagementDecision)
            .where(EngagementDecision.involvement_id == involvement.id)
            .options(joinedload(EngagementDecision.recorded_by))
            .order_by(EngagementDecision.recorded_at.desc())
        )
    )


def decide(involvement: AgencyInvolvement, user: User, values: dict) -> EngagementDecision:
    """Record the decision, while the involvement is flagged: a decision never claims to clear
    a flag that is not there."""
    refuse_if({"decision": NOT_FLAGGED} if flag_of(involvement) is None else {})
    refuse_if(decided_in_future(values["decided_on"], today()))
    latest = db.session.scalar(
        select(func.max(EngagementUpdate.id)).where(
            EngagementUpdate.involvement_id == involvement.id
        )
    )
    decision = EngagementDecision(
        involvement_id=involvement.id, after_update_id=latest, recorded_by_id=user.id, **values
    )
    detail = audit_fields(values, involvement_id=involvement.id) | {"decision": values["decision"]}
    return add_audited(decision, "engagement_decision_recorded", detail)
