"""A decision about an involvement whose engagement stayed low: continue with a joint approach
(and what it is), escalate, or close (with reasons): a decision to close ends the involvement on
the date of the decision, in the same commit. It answers the low engagement flag for the
engagement recorded up to it; later updates count afresh. It is recorded only while the
involvement has the flag (tas.flags.progress). One commit, audited."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_fields, record
from tas.core.clock import today
from tas.core.decisions import decided_in_future
from tas.core.use_cases import commit, refuse_if
from tas.core.words import long_date
from tas.extensions import db
from tas.flags import progress
from tas.flags.rules import Flag
from tas.organisations.models import User
from tas.plans import rules
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


CLOSE = "close"


def decide(involvement: AgencyInvolvement, user: User, values: dict) -> EngagementDecision:
    """Record the decision, while the involvement is flagged: a decision never claims to clear
    a flag that is not there. A decision to close ends the involvement on its date."""
    refuse_if({"decision": NOT_FLAGGED} if flag_of(involvement) is None else {})
    decided_on = values["decided_on"]
    refuse_if(decided_in_future(decided_on, today()))
    closing = values["decision"] == CLOSE
    started_on = involvement.started_on
    if closing and decided_on is not None and started_on is not None and decided_on < started_on:
        started = long_date(started_on)
        refuse_if(
            {
                "decided_on": "The date of a decision to close the involvement must be on or "
                f"after the day it started, {started}: it ends on that date"
            }
        )
    latest = db.session.scalar(
        select(func.max(EngagementUpdate.id)).where(
            EngagementUpdate.involvement_id == involvement.id
        )
    )
    decision = EngagementDecision(
        involvement_id=involvement.id, after_update_id=latest, recorded_by_id=user.id, **values
    )
    detail = audit_fields(values, involvement_id=involvement.id) | {"decision": values["decision"]}
    db.session.add(decision)

    def write() -> EngagementDecision:
        db.session.flush()
        record("engagement_decision_recorded", target=decision, detail=detail)
        if closing:
            ended = {"status": "ended", "ended_on": decided_on}
            changed = rules.changes({name: getattr(involvement, name) for name in ended}, ended)
            for name, value in ended.items():
                setattr(involvement, name, value)
            db.session.flush()
            record(
                "involvement_changed",
                target=involvement,
                detail=audit_fields(changed, engagement_decision_id=decision.id),
            )
        return decision

    return commit(write)
