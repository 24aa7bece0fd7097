"""Starting, changing and closing a child's shared plan, and what the closure letter says."""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from tas.audit.services import record
from tas.children.models import Agreement, Child
from tas.extensions import db
from tas.organisations.models import User

from . import rules
from .models import Action, AgencyInvolvement, Outcome, SharedPlan
from .services import Refused, audit_fields, check_version, commit, origin, refuse_if, today

LEAD_ROLES = ("link_worker", "practitioner")
OPEN_PLAN = (
    "This child already has an open shared plan: change that plan, or close it before starting "
    "a new one"
)
NO_AGREEMENT = "The family has not agreed to early help, so a plan cannot be started"


def open_plan_of(child_id: int) -> SharedPlan | None:
    """The child's plan that is not closed (open or held by Social Care), if any."""
    return db.session.scalar(
        select(SharedPlan).where(SharedPlan.child_id == child_id, SharedPlan.status != "closed")
    )


def lead_candidates() -> list[User]:
    """The people who may lead a plan: active link workers and practitioners."""
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.agency))
            .where(User.role.in_(LEAD_ROLES), User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )


def _lead_problems(lead_id: int | None) -> dict[str, str]:
    if lead_id is None:
        return {}
    lead = db.session.get(User, lead_id)
    if lead is None or lead.role not in LEAD_ROLES or not lead.active:
        return {"lead_practitioner": "Select a link worker or practitioner from the list"}
    return {}


def start_plan(child: Child, user: User, agreement: Agreement | None, values: dict) -> SharedPlan:
    """Start the child's one open plan, at the default level of need, audited."""
    if agreement is None:
        raise Refused({"open_plan": NO_AGREEMENT})
    problems = {
        **rules.plan_date_problems(values["started_on"], values["next_review_on"], today()),
        **_lead_problems(values["lead_practitioner_id"]),
    }
    if open_plan_of(child.id) is not None:
        problems["open_plan"] = OPEN_PLAN
    refuse_if(problems)
    plan = SharedPlan(
        child_id=child.id,
        status="open",
        level_of_need=rules.DEFAULT_LEVEL,
        **values,
        **origin(user),
    )
    db.session.add(plan)

    def write() -> SharedPlan:
        db.session.flush()  # the one-open-plan index answers here when another start won
        record("plan_started", target=plan, detail=audit_fields(values, child_id=child.id))
        return plan

    try:
        return commit(write)
    except IntegrityError as error:
        db.session.rollback()
        raise Refused({"open_plan": OPEN_PLAN}) from error


def change_plan(plan: SharedPlan, version: int | None, values: dict) -> dict:
    """Change the lead practitioner and next review date, unless someone saved it since."""
    check_version(plan, version)
    dates = rules.plan_date_problems(plan.started_on, values["next_review_on"], today())
    refuse_if(
        {
            **{name: text for name, text in dates.items() if name == "next_review_on"},
            **_lead_problems(values["lead_practitioner_id"]),
        }
    )
    return _save(plan, values, "plan_changed")


def close_plan(plan: SharedPlan, version: int | None, values: dict, by: User | None = None) -> dict:
    """Close the plan with a reason; it stays, read-only, and a new one may be started. The
    GP practice, if told of the plan, gets a closure update in the same transaction."""
    from .gp_notifications import send_update

    check_version(plan, version)
    refuse_if(rules.closure_problems(values["closed_on"], plan.started_on, today()))
    closer = by if by is not None else (current_user if has_request_context() else None)
    return _save(
        plan,
        {**values, "status": "closed"},
        "plan_closed",
        then=lambda: send_update(plan, "closure", closer) if closer is not None else None,
    )


def _save(plan: SharedPlan, values: dict, action: str, then=None) -> dict:
    before = {name: getattr(plan, name) for name in values}
    changed = rules.changes(before, values)

    def write() -> dict:
        for name in changed:
            setattr(plan, name, values[name])
        db.session.flush()
        record(action, target=plan, detail=audit_fields(changed))
        if then is not None:
            then()
        return changed

    return commit(write)


@dataclass(frozen=True)
class ClosureLetter:
    """What the family's closure letter says: nothing marked not for them or third-party, and
    no agency's notes or summaries."""

    plan: SharedPlan
    child: Child
    involvements: list[AgencyInvolvement]
    outcomes: list[Outcome]
    done: list[Action]


def closure_letter(plan: SharedPlan) -> ClosureLetter:
    involvements = db.session.scalars(
        select(AgencyInvolvement)
        .options(joinedload(AgencyInvolvement.agency))
        .where(AgencyInvolvement.plan_id == plan.id, AgencyInvolvement.status != "declined")
        .order_by(AgencyInvolvement.started_on, AgencyInvolvement.id)
    )
    outcomes = db.session.scalars(
        select(Outcome)
        .options(selectinload(Outcome.scores))
        .where(Outcome.plan_id == plan.id)
        .order_by(Outcome.id)
    )
    done = db.session.scalars(
        select(Action)
        .where(Action.plan_id == plan.id, Action.status == "done")
        .order_by(Action.due_on, Action.id)
    )
    return ClosureLetter(
        plan=plan,
        child=plan.child,
        involvements=rules.for_family(involvements),
        outcomes=rules.for_family(outcomes),
        done=rules.for_family(done),
    )


def letter_viewed(plan: SharedPlan) -> None:
    record("closure_letter_viewed", target=plan, detail={"child_id": plan.child_id})
    db.session.commit()
