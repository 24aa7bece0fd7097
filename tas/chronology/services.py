"""Recording significant events and the decisions that answer cumulative harm (the merged
timeline is tas.chronology.timeline)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.audit.services import add_audited, audit_fields, audit_view
from tas.children.models import Child
from tas.chronology import harm, rules
from tas.chronology.models import ChronologyEvent, HarmReview
from tas.core.clock import today
from tas.core.markers import origin
from tas.core.use_cases import refuse_if
from tas.extensions import db
from tas.organisations.models import Agency, User


def viewed(action: str, child_id: int, detail: dict | None = None) -> None:
    audit_view(action, target_type="Child", target_id=child_id, detail=detail or {})


def event_problems(child: Child, values: dict) -> dict[str, str]:
    """What to put right before a significant event is added to the child's chronology."""
    if values["happened_on"] is None:
        return {}
    problem = rules.event_date_problem(values["happened_on"], today(), child.date_of_birth)
    return {"happened_on": problem} if problem else {}


def record_event(child: Child, user: User, values: dict) -> ChronologyEvent:
    """Add a significant event to the child's chronology."""
    refuse_if(event_problems(child, values))
    event = ChronologyEvent(child_id=child.id, recorded_by_id=user.id, **values, **origin(user))
    detail = audit_fields(values, child_id=child.id) | {"category": values["category"]}
    return add_audited(event, "chronology_event_added", detail)


def current_harm(child: Child) -> rules.Harm | None:
    """The cumulative harm pattern that flags the child today, if any."""
    return harm.patterns(Child.id == child.id, today()).get(child.id)


def harm_review_problems(child: Child, values: dict, pattern: rules.Harm | None) -> dict:
    """What to put right before a Neglect Toolkit completion or an escalation decision is
    kept, while `pattern` flags the child (or none does)."""
    problems = {}
    if values["done_on"] is not None:
        problem = rules.harm_review_date_problem(
            values["done_on"], values["kind"], today(), child.date_of_birth, pattern
        )
        if problem:
            problems["done_on"] = problem
    outcomes = (
        rules.TOOLKIT_OUTCOMES
        if values["kind"] == "neglect_toolkit"
        else (rules.ESCALATION_DECISIONS)
    )
    if values["outcome"] not in {choice.code for choice in outcomes}:
        problems["outcome"] = (
            "Select the Neglect Toolkit's overall outcome"
            if values["kind"] == "neglect_toolkit"
            else "Select the escalation decision"
        )
    return problems


def record_harm_review(child: Child, user: User, values: dict) -> HarmReview:
    """Record a Neglect Toolkit completion or an escalation decision: the cumulative harm flag
    clears until an event recorded after it makes a pattern again."""
    refuse_if(harm_review_problems(child, values, current_harm(child)))
    review = HarmReview(child_id=child.id, recorded_by_id=user.id, **values)
    detail = audit_fields(values, child_id=child.id) | {"kind": values["kind"]}
    return add_audited(review, "harm_review_recorded", detail)


def harm_reviews(child_id: int) -> list[HarmReview]:
    return list(
        db.session.scalars(
            select(HarmReview)
            .where(HarmReview.child_id == child_id)
            .options(joinedload(HarmReview.recorded_by))
            .order_by(HarmReview.recorded_at.desc())
        )
    )


def source_agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).order_by(Agency.name)))
