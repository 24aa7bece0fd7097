"""Completing a review: its outcome, notes, who and when. A plan review also scores the plan's
outcomes and opens the next plan review; a handover meeting held (never before the date of the
handover meeting booked for the child) opens the first plan review;
a handover rearranged opens a new handover review on the new date. One commit, audited.

An IFD decision is not completed here: recording the IFD's decision on the child's level of
need page completes it (tas.levels.services), because the level changes with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from tas.audit.services import record
from tas.children.access import current_agreement
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import Choice, label
from tas.core.clock import today
from tas.core.use_cases import check_version, commit, refuse_if
from tas.core.words import long_date
from tas.extensions import db
from tas.levels.handover.services import held_too_early
from tas.levels.models import StepChange
from tas.levels.rules import IFD_DECISIONS
from tas.organisations.models import User
from tas.plans.models import Outcome, OutcomeScore, SharedPlan
from tas.plans.rules import next_review_problem, years_on
from tas.plans.services import keep_plan_review, open_plan_of
from tas.reviews import services as reviews
from tas.reviews.models import Review

HELD = "held"
REARRANGED = "rearranged"
REVIEWED = "reviewed"
DECLINED = "declined"
# Recorded by the step down itself (tas.levels.services), which changes the level and opens
# the handover: never chosen on the completion form, where it would change neither.
STEPPED_DOWN = "stepped_down"
CASE_CLOSED = "closed"
# Social Care closing the case after its assessment changes neither the level nor the plan it
# holds: only a step down does (tas.levels.services.record_step_down), so the busy DSL is told
# where to record it, and what follows when the family wants no early help.
CASE_CLOSED_NEXT = (
    "Children's Social Care still holds the case here until you record the step down on the "
    "child's level of need page. The handover meeting review then opens: if the family does not "
    "want early help, complete it as declined and close the shared plan"
)
STEP_DOWN_ELSEWHERE = (
    "Record the step down on the child's level of need page: that completes this review"
)
WITHDRAWN = (
    "The family has withdrawn agreement, so nothing on the plan can change: the review cannot "
    "be completed. Close the plan, or record the family's agreement again first"
)
# What can come of each kind of review (stored codes, and the words shown).
OUTCOMES: dict[str, tuple[Choice, ...]] = {
    "handover_meeting": (
        Choice(HELD, "Held"),
        Choice(REARRANGED, "Not held: rearranged"),
        Choice(DECLINED, "Not held: the family declined early help"),
    ),
    "assessment_outcome": (
        Choice(STEPPED_DOWN, "Stepped down to early help"),
        Choice("continues", "Continues with Children's Social Care"),
        Choice(CASE_CLOSED, "Closed"),
    ),
    "plan_review": (Choice(REVIEWED, "Reviewed"),),
}
COMPLETED_HERE = frozenset(OUTCOMES)


def offered(kind: str) -> tuple[Choice, ...]:
    """The outcomes the completion form offers for a review of this kind."""
    return tuple(choice for choice in OUTCOMES[kind] if choice.code != STEPPED_DOWN)


# A review in running text: "Complete the handover (TAF) meeting review".
IN_WORDS = {
    "handover_meeting": "handover (TAF) meeting review",
    "ifd_decision": "IFD decision review",
    "assessment_outcome": "assessment outcome review",
    "plan_review": "plan review",
}


def outcome_label(kind: str, code: str | None) -> str:
    """The words for a stored outcome ("" when there is none). An IFD decision review is
    completed with the IFD's decision, recorded on the level of need page."""
    if not code:
        return ""
    return label(IFD_DECISIONS if kind == "ifd_decision" else OUTCOMES.get(kind, ()), code)


@dataclass(frozen=True)
class Since:
    """The day a review's subject began (nothing can be completed before it), in words."""

    day: date
    what: str  # "the plan started"


@dataclass(frozen=True)
class PlanContext:
    """What completing a review needs to know about the child's plan."""

    plan: SharedPlan | None
    outcomes: list[Outcome]
    since: Since | None = None
    agreed: bool = True  # the family's agreement to early help stands

    @property
    def plan_open(self) -> bool:
        return self.plan is not None and self.plan.status == "open"

    @property
    def read_only(self) -> bool:
        """A plan review of a plan the family withdrew agreement to: nothing on it changes."""
        return not self.agreed and self.plan_open


def plan_context(review: Review) -> PlanContext:
    """The plan a review belongs to (for a handover: the child's plan that is not closed), for
    a plan review the outcomes to score (with their scores so far, for the form to show the
    last) and whether the family's agreement stands, and the day its subject began, in at most
    six queries."""
    if review.plan_id is not None:
        plan = db.session.get(SharedPlan, review.plan_id)
    else:
        plan = open_plan_of(review.child_id)
    outcomes: list[Outcome] = []
    agreed = True
    if review.kind == "plan_review" and plan is not None:
        outcomes = list(
            db.session.scalars(
                select(Outcome)
                .where(Outcome.plan_id == plan.id)
                .order_by(Outcome.id)
                .options(selectinload(Outcome.scores))
            )
        )
        agreed = current_agreement(review.child_id) is not None
    return PlanContext(plan, outcomes, _since(review, plan), agreed)


def _since(review: Review, plan: SharedPlan | None) -> Since | None:
    if review.kind == "plan_review":
        return _plan_since(review, plan) if plan is not None else None
    if review.kind == "assessment_outcome" and review.referral_id is not None:
        decided_on = review.referral.decided_on
        return Since(decided_on, "the IFD decided on an assessment") if decided_on else None
    if review.kind == "handover_meeting" and review.step_change_id is not None:
        change = db.session.get(StepChange, review.step_change_id)
        return Since(change.changed_on, "the step down was decided") if change else None
    return None


def _plan_since(review: Review, plan: SharedPlan) -> Since:
    """A plan review is completed on or after the plan's last review (a plan review, or the
    handover meeting held that began its reviews), else its start: reviews follow one another,
    so the next one counts from the latest and the scores over time stay in order (one
    query)."""
    last = db.session.execute(
        select(Review.completed_on, Review.kind)
        .where(
            Review.plan_id == plan.id,
            Review.id != review.id,
            Review.status == "completed",
            Review.completed_on.is_not(None),
            or_(
                Review.kind == "plan_review",
                and_(Review.kind == "handover_meeting", Review.outcome == HELD),
            ),
        )
        .order_by(Review.completed_on.desc(), Review.id.desc())
        .limit(1)
    ).first()
    if last is None or last.completed_on < plan.started_on:
        return Since(plan.started_on, "the plan started")
    if last.kind == "handover_meeting":
        return Since(last.completed_on, "the handover meeting was held")
    return Since(last.completed_on, "the last plan review was completed")


def next_due(review: Review, completed_on: date) -> date:
    """The default next date: the plan review rule in force, from the day of this review."""
    return reviews.due_after("plan_review", completed_on)


def problems_with(review: Review, context: PlanContext, values: dict) -> dict[str, str]:
    """Field -> what to put right, for a completion."""
    problems: dict[str, str] = {}
    completed_on: date | None = values["completed_on"]
    if review.status != "open":
        problems["outcome"] = "This review is no longer open, so it cannot be completed"
    if context.read_only:
        problems["outcome"] = WITHDRAWN
    elif values["outcome"] == STEPPED_DOWN:
        problems["outcome"] = STEP_DOWN_ELSEWHERE
    if completed_on is None:
        problems["completed_on"] = "Enter the date the review was completed"
    elif completed_on > today():
        problems["completed_on"] = "The date the review was completed must be today or in the past"
    elif context.since is not None and completed_on < context.since.day:
        problems["completed_on"] = (
            "The date the review was completed must be on or after "
            f"{long_date(context.since.day)}, when {context.since.what}"
        )
    too_early = held_too_early(review, values["outcome"], completed_on)
    if too_early and "completed_on" not in problems:
        problems["completed_on"] = too_early
    next_on: date | None = values.get("next_on")
    if review.kind == "handover_meeting" and values["outcome"] == REARRANGED:
        # The rearranged date only records when the meeting now is, so a weekend or bank
        # holiday is not refused here: a handover meeting may be held at the family's home on
        # any day, and booking one on a closed day is a warning to confirm (tas.meetings), not
        # an error. The review it opens is due that day.
        if next_on is None:
            problems["next_on"] = "Enter the date the handover meeting has been rearranged for"
        elif completed_on is not None and next_on < completed_on:
            problems["next_on"] = (
                "The rearranged meeting must be on or after the date the review was completed"
            )
        elif next_on > years_on(today(), 1):
            problems["next_on"] = "The rearranged meeting must be within the next year"
    if review.kind == "plan_review" and completed_on is not None and "completed_on" not in problems:
        problems.update(_scored_already(context, values.get("scores") or {}, completed_on))
    next_review = review.kind == "plan_review" and context.plan_open
    if next_review and next_on is not None:
        problem = next_review_problem(
            next_on, today(), ENGLAND_AND_WALES, after=completed_on, since="the date of this review"
        )
        if problem:
            problems["next_on"] = problem
    return problems


def _scored_already(
    context: PlanContext, scores: dict[int, int | None], on: date
) -> dict[str, str]:
    """One score a day for an outcome (as scoring one on its own): a score given here for an
    outcome already scored on the review's date is refused (one query); so is one dated before
    the outcome's last score, which the form shows as the score to move on from (the scores the
    form loaded)."""
    given = [outcome.id for outcome in context.outcomes if scores.get(outcome.id) is not None]
    if not given:
        return {}
    earlier = {
        f"score_{outcome.id}": f"This outcome was last scored on {long_date(last)}: the "
        "review must be on or after that date"
        for outcome in context.outcomes
        if outcome.id in given
        and outcome.scores
        and (last := max(score.scored_on for score in outcome.scores)) > on
    }
    if earlier:
        return earlier
    taken = set(
        db.session.scalars(
            select(OutcomeScore.outcome_id).where(
                OutcomeScore.outcome_id.in_(given), OutcomeScore.scored_on == on
            )
        )
    )
    return {
        f"score_{outcome_id}": f"This outcome already has a score for {long_date(on)}: leave "
        "this score blank, or complete the review on the day it was held"
        for outcome_id in given
        if outcome_id in taken
    }


def recorded(review: Review, context: PlanContext) -> dict:
    """What a completed review recorded beyond its own row, in the completion form's fields:
    a plan review's scores (one a day for each outcome: those of its date) and the date of the
    review that follows it (for a plan review, the plan's next review as saved now; for a
    handover rearranged, the meeting's new date). At most two queries."""
    fields: dict = {}
    ids = [outcome.id for outcome in context.outcomes]
    if ids and review.completed_on is not None:
        for score in db.session.scalars(
            select(OutcomeScore).where(
                OutcomeScore.outcome_id.in_(ids), OutcomeScore.scored_on == review.completed_on
            )
        ):
            fields[f"score_{score.outcome_id}"] = str(score.score)
            fields[f"changed_{score.outcome_id}"] = score.what_changed or ""
    if review.kind == "plan_review" and context.plan is not None:
        plan = db.session.get(SharedPlan, context.plan.id, populate_existing=True)
        fields["next_on"] = plan.next_review_on if plan is not None else None
    elif review.kind == "handover_meeting" and review.outcome == REARRANGED:
        fields["next_on"] = db.session.scalar(
            select(Review.due_on)
            .where(
                Review.child_id == review.child_id,
                Review.kind == "handover_meeting",
                Review.id > review.id,
            )
            .order_by(Review.id)
            .limit(1)
        )
    return fields


def complete(
    review: Review, version: int | None, values: dict, by: User, context: PlanContext
) -> Review | None:
    """Complete the review, unless someone changed it since the form was opened (StaleEdit) or
    what was sent needs putting right (Refused). Returns the review it opens next, if any."""
    check_version(review, version)
    refuse_if(problems_with(review, context, values))
    completed_on: date = values["completed_on"]

    def write() -> Review | None:
        review.status = "completed"
        review.outcome = values["outcome"]
        review.notes = values["notes"] or None
        review.child_says = values.get("child_says")
        review.family_says = values.get("family_says")
        review.completed_on = completed_on
        review.completed_by_id = by.id
        db.session.flush()
        scored = _score(
            review,
            context,
            values.get("scores") or {},
            values.get("changes") or {},
            completed_on,
            by,
        )
        opened = _what_follows(review, context, values.get("next_on"), completed_on, by)
        record(
            "review_completed",
            target=review,
            detail={
                "child_id": review.child_id,
                "kind": review.kind,
                "outcome": review.outcome,
                "plan_id": context.plan.id if context.plan is not None else None,
                "scored_outcome_ids": scored,
                "next_review_id": opened.id if opened is not None else None,
                "plan_next_review_on": _iso(context.plan.next_review_on)
                if context.plan is not None
                else None,
            },
        )
        return opened

    return commit(write)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _score(
    review: Review,
    context: PlanContext,
    scores: dict[int, int],
    changes: dict[int, str | None],
    on: date,
    by: User,
) -> list[int]:
    """A plan review's scores, one per outcome of the plan, each with what has changed;
    earlier scores stay as history."""
    if review.kind != "plan_review":
        return []
    scored = []
    for outcome in context.outcomes:
        if scores.get(outcome.id) is None:
            continue
        db.session.add(
            OutcomeScore(
                outcome_id=outcome.id,
                score=scores[outcome.id],
                scored_on=on,
                what_changed=changes.get(outcome.id),
                recorded_by_id=by.id,
            )
        )
        scored.append(outcome.id)
    return scored


def _what_follows(
    review: Review, context: PlanContext, next_on: date | None, completed_on: date, by: User
) -> Review | None:
    """The review a completion opens: the next plan review (never while Social Care holds the
    plan or it is closed), or a handover meeting on its rearranged date."""
    plan = context.plan
    # Until the handover meeting is held, the plan's next review is the meeting (set by the
    # step down, tas.levels.services.record_step_down): its date moves with the meeting, and
    # goes when the family declines early help, so the plan never shows a review no one holds.
    # (A plan review opened meanwhile by a date typed on the plan keeps its own date.)
    handover_of_plan = (
        review.kind == "handover_meeting"
        and context.plan_open
        and review.plan_id == plan.id
        and not reviews.open_reviews(review.child_id, "plan_review", plan_id=plan.id)
    )
    if review.kind == "handover_meeting" and review.outcome == REARRANGED:
        if handover_of_plan:
            plan.next_review_on = next_on
        return reviews.open_review(
            "step_down",
            child_id=review.child_id,
            from_day=completed_on,
            owner_id=review.owner_id,
            by=by,
            plan_id=review.plan_id,
            step_change_id=review.step_change_id,
            due_on=next_on,
        )
    if handover_of_plan and review.outcome == DECLINED:
        plan.next_review_on = None
        return None
    first_plan_review = review.kind == "handover_meeting" and review.outcome == HELD
    if not (review.kind == "plan_review" or first_plan_review) or not context.plan_open:
        return None
    # A handover held counts its first plan review by the rule: the date asked on its form is
    # only that of a rearranged meeting.
    typed = next_on if review.kind == "plan_review" else None
    plan.next_review_on = typed or next_due(review, completed_on)
    return keep_plan_review(plan, plan.next_review_on, by)
