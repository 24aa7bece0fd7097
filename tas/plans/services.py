"""Starting, changing and closing a child's shared plan, and what the closure letter says."""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from tas.audit.services import audit_fields, audit_view, record
from tas.children.access import current_agreement
from tas.children.models import Agreement, Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import label
from tas.core.clock import today
from tas.core.markers import origin
from tas.core.use_cases import Refused, check_version, commit, refuse_if
from tas.extensions import db
from tas.levels.rules import SOCIAL_CARE, rank
from tas.levels.services import change_level, plan_started
from tas.organisations.models import User
from tas.plans import rules
from tas.plans.gp.services import send_update
from tas.plans.leads import (
    LeadContact,
    lead_contact,
    lead_problems,
    move_review_owner,
)
from tas.plans.models import Action, AgencyInvolvement, Outcome, SharedPlan
from tas.reviews import rules as review_rules
from tas.reviews import services as reviews
from tas.reviews.models import Review

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


def last_closed_on(child_id: int):
    """The day the child's last closed plan closed, if they had one."""
    return db.session.scalar(
        select(func.max(SharedPlan.closed_on)).where(
            SharedPlan.child_id == child_id, SharedPlan.status == "closed"
        )
    )


def start_problems(child: Child, agreement: Agreement | None, values: dict) -> dict[str, str]:
    """Field -> what to put right, for starting the child's plan."""
    problems = {
        **rules.plan_date_problems(
            values["started_on"], values["next_review_on"], today(), ENGLAND_AND_WALES
        ),
        **lead_problems(values["lead_practitioner_id"], agreement),
    }
    if "started_on" not in problems:
        problem = rules.start_date_problem(
            values["started_on"],
            born_on=child.date_of_birth,
            agreed_on=agreement.agreed_on if agreement is not None else None,
            last_closed_on=last_closed_on(child.id),
        )
        if problem:
            problems["started_on"] = problem
    if open_plan_of(child.id) is not None:
        problems["open_plan"] = OPEN_PLAN
    return problems


def change_problems(plan: SharedPlan, values: dict) -> dict[str, str]:
    """Field -> what to put right, for the plan's lead practitioner and next review date (the
    date the plan has already stands)."""
    dates = rules.plan_date_problems(
        plan.started_on,
        values["next_review_on"],
        today(),
        ENGLAND_AND_WALES,
        kept=plan.next_review_on,
    )
    return {
        **{name: text for name, text in dates.items() if name == "next_review_on"},
        **lead_problems(
            values["lead_practitioner_id"],
            current_agreement(plan.child_id),
            present_id=plan.lead_practitioner_id,
        ),
    }


def start_plan(child: Child, user: User, agreement: Agreement | None, values: dict) -> SharedPlan:
    """Start the child's one open plan, audited: a child below Early Help steps up to it, and
    the first plan review opens, due on the next review date, owned by the lead practitioner."""
    if agreement is None:
        raise Refused({"open_plan": NO_AGREEMENT})
    refuse_if(start_problems(child, agreement, values))
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
        plan_started(plan, user)
        keep_plan_review(plan, plan.next_review_on, user)
        record("plan_started", target=plan, detail=audit_fields(values, child_id=child.id))
        return plan

    try:
        return commit(write)
    except IntegrityError as error:
        db.session.rollback()
        raise Refused({"open_plan": OPEN_PLAN}) from error


def change_plan(
    plan: SharedPlan, version: int | None, values: dict, by: User | None = None
) -> dict:
    """Change the lead practitioner and next review date, unless someone saved it since. The
    open plan review moves with the date, and the plan's open reviews with the lead."""
    check_version(plan, version)
    refuse_if(change_problems(plan, values))
    changer = by if by is not None else (current_user if has_request_context() else None)

    def in_step(changed: dict) -> None:
        if "next_review_on" in changed:
            keep_plan_review(plan, plan.next_review_on, changer)
        if "lead_practitioner_id" in changed:
            move_review_owner(plan)

    return _save(plan, values, "plan_changed", then=in_step)


def returned_levels(plan: SharedPlan) -> tuple:
    """The levels a child may return to when their plan closes: the child's level now or a lower
    one, never Children's Social Care (a worry about a child's safety is a referral to the IFD,
    and a child whose needs have grown is stepped up, with the GP practice told: not a plan's
    closure)."""
    configured = reviews.levels()
    here = rank(configured, plan.child.level_of_need)
    if here < 0:  # a level no longer configured: any but Social Care, rather than none
        here = len(configured)
    return tuple(
        choice
        for choice in configured
        if choice.code != SOCIAL_CARE and rank(configured, choice.code) <= here
    )


def closing_problems(plan: SharedPlan, values: dict) -> dict[str, str]:
    """Field -> what to put right, for closing this plan."""
    problems = rules.closure_problems(values["closed_on"], plan.started_on, today())
    if values.get("returned_to_level") not in {choice.code for choice in returned_levels(plan)}:
        problems["returned_to_level"] = "Select the level of need the child returns to"
    return problems


def close_plan(plan: SharedPlan, version: int | None, values: dict, by: User | None = None) -> dict:
    """Close the plan with a reason and the level of need the child returns to (the child's
    level or a lower one), always recorded as a step change of the "Shared plan closed" kind,
    even back to the same level: the closure is an event in the child's history of levels,
    never a step up or down. The GP practice, if told of the plan, gets a closure update, and
    the plan's open and paused reviews are cancelled, in the same transaction."""
    check_version(plan, version)
    closer = by if by is not None else (current_user if has_request_context() else None)
    if closer is None:
        raise ValueError("A plan is closed by someone: the step change records who")
    refuse_if(closing_problems(plan, values))

    def closed(_changed: dict) -> None:
        change_level(
            plan.child,
            values["returned_to_level"],
            kind="plan_closed",
            changed_on=values["closed_on"],
            reason=f"Shared plan {plan.reference} closed",
            decided_by=closer.name,
            by=closer,
            plan=plan,
        )
        send_update(plan, "closure", closer)
        for status in ("open", "paused"):
            reviews.set_status(
                plan.child_id,
                kinds=PLAN_REVIEW_KINDS,
                status="cancelled",
                why="plan_closed",
                from_status=status,
            )

    return _save(plan, {**values, "status": "closed"}, "plan_closed", then=closed)


def _save(plan: SharedPlan, values: dict, action: str, then=None) -> dict:
    before = {name: getattr(plan, name) for name in values}
    changed = rules.changes(before, values)
    if not changed:
        return changed

    def write() -> dict:
        for name in changed:
            setattr(plan, name, values[name])
        db.session.flush()
        record(action, target=plan, detail=audit_fields(changed))
        if then is not None:
            then(changed)
        return changed

    return commit(write)


# ---------------------------------------------------------------- plan reviews in step

# The reviews a plan's closure cancels: those about the early-help plan itself. A referral's
# IFD decision and a Social Care assessment go on whatever happens to the plan.
PLAN_REVIEW_KINDS = frozenset({"plan_review", "handover_meeting"})


def handover_pending():
    """For a query of plans: whether the plan's next review is its handover (TAF) meeting,
    whose due date is the plan's review date after a step down until the meeting is held
    (tas.levels.services). A column, so the query needs no other."""
    return exists().where(
        Review.plan_id == SharedPlan.id,
        Review.kind == "handover_meeting",
        Review.status == "open",
    )


HANDOVER_MEETING = label(review_rules.REVIEW_KINDS, "handover_meeting")


def keep_plan_review(plan: SharedPlan, due_on, by: User | None) -> Review | None:
    """The plan's open plan review, due `due_on`: moved when there is one, opened (owned by the
    lead practitioner) when there is none, cancelled when the date was taken away. None while
    Children's Social Care holds the plan or it is closed. In the caller's transaction."""
    if plan.status != "open":
        return None
    found = reviews.open_reviews(plan.child_id, "plan_review", plan_id=plan.id)
    if due_on is None:
        for review in found:
            review.status = "cancelled"
        if found:
            record(
                "reviews_cancelled",
                detail={
                    "child_id": plan.child_id,
                    "review_ids": [review.id for review in found],
                    "why": "review_date_removed",
                },
            )
        return None
    if not found:
        return reviews.open_review(
            "plan_review",
            child_id=plan.child_id,
            from_day=due_on,
            owner_id=plan.lead_practitioner_id,
            by=by,
            plan_id=plan.id,
            due_on=due_on,
        )
    review = found[0]
    if review.due_on != due_on:
        before, review.due_on = review.due_on, due_on
        record(
            "review_moved",
            target=review,
            detail={
                "child_id": plan.child_id,
                "plan_id": plan.id,
                "from": before.isoformat(),
                "to": due_on.isoformat(),
            },
        )
    return review


@dataclass(frozen=True)
class ClosureLetter:
    """What the family's closure letter says: nothing marked (restricted, not for them or
    third-party), and no agency's notes or summaries."""

    plan: SharedPlan
    child: Child
    involvements: list[AgencyInvolvement]
    outcomes: list[Outcome]
    done: list[Action]
    contact: LeadContact | None  # whom to ask for help again (tas.plans.leads.lead_contact)


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
        contact=lead_contact(plan),
    )


def letter_viewed(plan: SharedPlan) -> None:
    audit_view("closure_letter_viewed", target=plan, detail={"child_id": plan.child_id})
