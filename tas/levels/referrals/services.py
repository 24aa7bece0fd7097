"""Referrals to the Integrated Front Door (a step up to Children's Social Care): recording the
referral, then the IFD's decision (the only moment the level changes), and a professional
disagreement with that decision.

Use cases load, check, change, audit (ids and codes only, never what was typed) and commit once
through tas.core.use_cases.commit; a decision saved from a stale form is refused (StaleEdit).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tas.audit.services import audit_fields, record
from tas.children.models import Child
from tas.core.choices import label
from tas.core.clock import today
from tas.core.transactions import lock
from tas.core.use_cases import Refused, check_version, commit, refuse_if
from tas.core.words import long_date
from tas.extensions import db
from tas.levels import rules as level_rules
from tas.levels.decisions.services import referral_recorded
from tas.levels.models import IfdReferral
from tas.levels.rules import ASSESSMENT_DECISIONS, IFD_DECISIONS, SOCIAL_CARE, level_after_decision
from tas.levels.services import (
    EARLY_HELP_REVIEWS,
    change_level,
    complete_reviews,
    last_changed_on,
    level_problem,
    open_plan_of,
)
from tas.organisations.models import User
from tas.plans.gp.services import send_update
from tas.plans.models import SharedPlan
from tas.reviews.services import levels, open_review, open_reviews, set_status

DECIDED_BY = "The Integrated Front Door (IFD)"
SAME_MARF = "A referral of this child with this MARF reference is recorded already"
ALREADY_DECIDED = "The IFD's decision on this referral is recorded already"


def awaiting_decision(child_id: int) -> IfdReferral | None:
    """The child's referral still awaiting the IFD's decision, if any (the oldest)."""
    return db.session.scalar(
        select(IfdReferral)
        .where(IfdReferral.child_id == child_id, IfdReferral.status == "awaiting_decision")
        .order_by(IfdReferral.id)
        .limit(1)
    )


def still_awaiting(referral: IfdReferral) -> str:
    """Why no other referral is recorded while this one awaits its decision."""
    return (
        f"Referral {referral.reference} to the IFD is still awaiting the IFD's decision: record "
        "that decision before you record another referral"
    )


def referral_problems(child: Child, values: dict) -> dict[str, str]:
    """Field -> what to put right, for a referral of this child: its dates, the child's level,
    a referral still awaiting its decision, and a MARF reference already recorded for them.

    One referral awaits a decision at a time: two would be decided in any order, and the later
    decision would stand on a level the earlier one had changed."""
    problems = {
        **level_rules.referral_problems(
            values["consultation_on"], values["referred_on"], today(), child.date_of_birth
        ),
        **level_problem(level_rules.referral_refusal(levels(), child.level_of_need)),
    }
    if "level" not in problems:
        waiting = awaiting_decision(child.id)
        if waiting is not None:
            problems["level"] = still_awaiting(waiting)
    if values["marf_reference"]:
        same = db.session.scalar(
            select(IfdReferral).where(
                IfdReferral.child_id == child.id,
                IfdReferral.marf_reference == values["marf_reference"],
            )
        )
        if same is not None:
            already = f"Referral {same.reference} has this MARF reference already"
            problems["marf_reference"] = already
    return problems


def decision_problems(referral: IfdReferral, values: dict) -> dict[str, str]:
    """Field -> what to put right, for the IFD's decision on this referral. A decision that
    changes the child's level is a step change like any other: dated on or after the last one
    (one that leaves the level as it is may be dated when the IFD decided, however late it is
    recorded)."""
    child = referral.child
    moves = values["decision"] is not None and child.level_of_need != level_after_decision(
        levels(), child.level_of_need, values["decision"]
    )
    return level_rules.decision_problems(
        values["decision"],
        values["decided_on"],
        referral.referred_on,
        today(),
        last_changed_on(child.id) if moves else None,
    )


def disagreement_problems(referral: IfdReferral, values: dict) -> dict[str, str]:
    """Field -> what to put right, for a disagreement with the decision on this referral."""
    return level_rules.disagreement_problems(values["disagreed_on"], referral.decided_on, today())


def refer(child: Child, user: User, values: dict) -> IfdReferral:
    """Record a referral to the IFD by this person, and the review of its decision (owned by
    the referrer). The child's level does not change: only the IFD's decision changes it."""
    refuse_if(referral_problems(child, values))
    plan = open_plan_of(child.id)

    def write() -> IfdReferral:
        # Two people recording different forms at once: the second waits, then finds the first.
        lock(f"ifd-referral:{child.id}")
        waiting = awaiting_decision(child.id)
        if waiting is not None:
            raise Refused({"level": still_awaiting(waiting)})
        referral = IfdReferral(
            child_id=child.id,
            plan_id=plan.id if plan is not None else None,
            referred_by_id=user.id,
            recorded_by_id=user.id,
            status="awaiting_decision",
            **values,
        )
        db.session.add(referral)
        db.session.flush()
        record(
            "ifd_referral_recorded",
            target=referral,
            detail=audit_fields(values, child_id=child.id, meeting_id=values["meeting_id"]),
        )
        referral_recorded(referral, user)  # closes the minutes' open decision to refer
        open_review(
            "referral",
            child_id=child.id,
            from_day=referral.referred_on,
            owner_id=user.id,
            by=user,
            plan_id=referral.plan_id,  # its reminders name the plan's reference, if there is one
            referral_id=referral.id,
        )
        return referral

    try:
        return commit(write)
    except IntegrityError:  # the same form recorded by someone else a moment ago
        raise Refused({"marf_reference": SAME_MARF}) from None


def record_decision(referral: IfdReferral, user: User, version: int | None, values: dict):
    """Record the IFD's decision, unless someone saved the referral since the form was opened:
    the referral is decided, its review completed, and the level changes now (if it does).
    When Social Care now holds the case, early help stops (see hold_for_social_care)."""
    check_version(referral, version)
    if referral.status != "awaiting_decision":
        refuse_if({"decision": ALREADY_DECIDED})
    refuse_if(decision_problems(referral, values))
    child = referral.child
    plan = open_plan_of(child.id)
    decision = values["decision"]

    def write():
        referral.status = "decided"
        referral.decision = decision
        referral.decided_on = values["decided_on"]
        referral.feedback = values["feedback"]
        db.session.flush()  # a competing save shows here, as StaleDataError
        reviews = [
            r for r in open_reviews(child.id, "ifd_decision") if r.referral_id == referral.id
        ]
        complete_reviews(reviews, user, values["decided_on"], decision)
        to_level = level_after_decision(levels(), child.level_of_need, decision)
        change = None
        if to_level != child.level_of_need:
            change = change_level(
                child,
                to_level,
                kind="step_up_social_care" if to_level == SOCIAL_CARE else "ifd_decision",
                changed_on=values["decided_on"],
                reason="IFD decision: " + label(IFD_DECISIONS, decision),
                decided_by=DECIDED_BY,
                by=user,
                plan=plan,
                meeting_id=referral.meeting_id,
                referral_id=referral.id,
            )
        if decision in ASSESSMENT_DECISIONS:
            hold_for_social_care(child, plan, referral, user, stepped_up=change is not None)
        record(
            "ifd_decision_recorded",
            target=referral,
            detail={
                "child_id": child.id,
                "decision": decision,
                "step_change_id": change.id if change is not None else None,
                "fields": ["decided_on", "feedback"],
            },
        )
        return change

    return commit(write)


def hold_for_social_care(
    child: Child, plan: SharedPlan | None, referral: IfdReferral, by: User, *, stepped_up: bool
) -> None:
    """Children's Social Care holds the case (in the caller's transaction): the shared plan is
    held by Social Care (read-only), early-help reviews pause, the assessment outcome is due,
    and the GP practice hears of the step up (when the level changed now)."""
    if plan is not None and plan.status == "open":
        plan.status = "held_by_social_care"
        db.session.flush()
        record(
            "plan_held_by_social_care",
            target=plan,
            detail={"child_id": child.id, "referral_id": referral.id},
        )
    set_status(child.id, kinds=set(EARLY_HELP_REVIEWS), status="paused", why="social_care")
    open_review(
        "assessment_opened",
        child_id=child.id,
        from_day=referral.referred_on,
        owner_id=referral.referred_by_id,
        by=by,
        plan_id=plan.id if plan is not None else None,
        referral_id=referral.id,
    )
    if plan is not None and stepped_up:
        send_update(plan, "step_up", by)


def already_disagreed(referral: IfdReferral) -> str:
    """A disagreement stands once recorded: a second one would write over the first."""
    return (
        "A professional disagreement with this decision was recorded already, dated "
        f"{long_date(referral.disagreed_on)}"
    )


def record_disagreement(referral: IfdReferral, user: User, version: int | None, values: dict):
    """Mark a decided referral as a professional disagreement, with its date and a note."""
    check_version(referral, version)
    if referral.status != "decided":
        refuse_if(
            {"disagreed_on": "The IFD has not decided yet: there is nothing to disagree with"}
        )
    if referral.disagreed_on is not None:
        refuse_if({"disagreed_on": already_disagreed(referral)})
    refuse_if(disagreement_problems(referral, values))

    def write() -> IfdReferral:
        referral.disagreed_on = values["disagreed_on"]
        referral.disagreement_note = values["disagreement_note"]
        db.session.flush()
        record(
            "ifd_disagreement_recorded",
            target=referral,
            detail=audit_fields(values, child_id=referral.child_id),
        )
        return referral

    return commit(write)
