"""Outcomes on a shared plan, each scored 0-10 at every review; every score is kept."""

from __future__ import annotations

from sqlalchemy import select

from tas.audit.services import audit_fields, record
from tas.core.clock import today
from tas.core.markers import origin
from tas.core.use_cases import Refused, commit, refuse_if
from tas.core.words import long_date
from tas.extensions import db
from tas.organisations.models import User
from tas.plans import rules
from tas.plans.models import Outcome, OutcomeScore, SharedPlan


def _score_problems(score: int | None, scored_on, plan: SharedPlan) -> dict[str, str]:
    problems = {}
    if score is not None and not rules.valid_score(score):
        problems["score"] = "Enter a score from 0 to 10"
    if scored_on is not None and scored_on > today():
        problems["scored_on"] = "The date of the score must be today or in the past"
    elif scored_on is not None and scored_on < plan.started_on:
        problems["scored_on"] = "The date of the score must be on or after the plan started"
    return problems


def outcome_problems(plan: SharedPlan, values: dict) -> dict[str, str]:
    """Field -> what to put right, for a new outcome and its first score."""
    problems = _score_problems(values["score"], values["scored_on"], plan)
    if values["score"] is not None and values["scored_on"] is None:
        problems["scored_on"] = "Enter the date of the score"
    return problems


def score_problems(plan: SharedPlan, outcome: Outcome, values: dict) -> dict[str, str]:
    """Field -> what to put right, for a score at a review: one score a day for an outcome, so
    its history and chart never show two answers for the same day."""
    problems = _score_problems(values["score"], values["scored_on"], plan)
    scored_on = values["scored_on"]
    if "scored_on" not in problems and scored_on is not None and _scored_on(outcome, scored_on):
        problems["scored_on"] = (
            f"The outcome already has a score for {long_date(scored_on)}: enter another date, "
            "or leave that score as it is"
        )
    return problems


def _scored_on(outcome: Outcome, day) -> bool:
    return (
        db.session.scalar(
            select(OutcomeScore.id)
            .where(OutcomeScore.outcome_id == outcome.id, OutcomeScore.scored_on == day)
            .limit(1)
        )
        is not None
    )


def add_outcome(plan: SharedPlan, user: User, values: dict) -> Outcome:
    """A new outcome, with its first score when one was given."""
    refuse_if(outcome_problems(plan, values))
    score, scored_on = values.pop("score"), values.pop("scored_on")
    outcome = Outcome(plan_id=plan.id, **values, **origin(user))
    db.session.add(outcome)

    def write() -> Outcome:
        db.session.flush()
        if score is not None:
            _add_score(outcome, user, score, scored_on)
        record(
            "outcome_added",
            target=outcome,
            detail=audit_fields(
                {**values, "score": score, "scored_on": scored_on}, plan_id=plan.id
            ),
        )
        return outcome

    return commit(write)


def add_score(plan: SharedPlan, outcome: Outcome, user: User, values: dict) -> OutcomeScore:
    """Score an outcome at a review; earlier scores stay as its history."""
    if values["score"] is None:
        raise Refused({"score": "Enter a score from 0 to 10"})
    refuse_if(score_problems(plan, outcome, values))

    def write() -> OutcomeScore:
        row = _add_score(
            outcome, user, values["score"], values["scored_on"], values.get("what_changed")
        )
        db.session.flush()
        record("outcome_scored", target=outcome, detail=audit_fields(values, plan_id=plan.id))
        return row

    return commit(write)


def _add_score(
    outcome: Outcome, user: User, score: int, scored_on, what_changed: str | None = None
) -> OutcomeScore:
    row = OutcomeScore(
        outcome_id=outcome.id,
        score=score,
        scored_on=scored_on,
        what_changed=what_changed,
        recorded_by_id=user.id,
    )
    db.session.add(row)
    return row
