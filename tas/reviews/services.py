"""Creating, pausing and cancelling reviews inside the caller's transaction (the caller's use
case audits and commits once). The rules in force are the defaults with a coordinator's
changes; lists and completion are in review_lists and review_completion."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from tas.audit.services import record
from tas.core import per_request
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import Choice, label
from tas.extensions import db
from tas.organisations.models import User
from tas.reviews import rules
from tas.reviews.models import Review, ReviewRule
from tas.reviews.rules import RuleInForce


def levels() -> tuple[Choice, ...]:
    """The configured levels of need, in order (setting LEVELS_OF_NEED)."""
    return current_app.config["LEVEL_CHOICES"]


def level_label(code: str | None) -> str:
    return label(levels(), code) if code else "Not recorded"


def rules_now() -> dict[str, RuleInForce]:
    """The review rules in force: the defaults, with a coordinator's changes (one query)."""
    changes = {row.event: (row.amount, row.unit) for row in db.session.scalars(select(ReviewRule))}
    return rules.rules_in_force(changes)


def timescale(event: str) -> str:
    """How long after its event the rule in force makes a review due, in words ("3 working
    days"), for pages that explain it: the rules are read once a request (one query)."""
    rule = per_request.once("review_rules", None, rules_now)[event]
    return rules.how_long(rule.amount, rule.unit)


def due_after(event: str, from_day: date) -> date:
    """When a review made by the event's rule is due, counted from `from_day`."""
    return rules.due_date(rules_now()[event], from_day, ENGLAND_AND_WALES)


def open_review(
    event: str,
    *,
    child_id: int,
    from_day: date,
    owner_id: int | None,
    by: User | None,
    plan_id: int | None = None,
    referral_id: int | None = None,
    step_change_id: int | None = None,
    due_on: date | None = None,
) -> Review:
    """Add the review the event's rule makes (due `due_on` when given, e.g. a plan review date
    chosen by hand), audited, in the caller's transaction."""
    rule = rules_now()[event]
    review = Review(
        kind=rule.review_kind,
        child_id=child_id,
        plan_id=plan_id,
        referral_id=referral_id,
        step_change_id=step_change_id,
        due_on=due_on or rules.due_date(rule, from_day, ENGLAND_AND_WALES),
        owner_id=owner_id,
        created_by_id=by.id if by is not None else None,
    )
    db.session.add(review)
    db.session.flush()
    record(
        "review_opened",
        target=review,
        detail={
            "child_id": child_id,
            "kind": review.kind,
            "due_on": review.due_on.isoformat(),
            "owner_id": owner_id,
            "plan_id": plan_id,
            "referral_id": referral_id,
        },
    )
    return review


def open_reviews(child_id: int, kind: str | None = None, *, plan_id: int | None = None):
    """The child's open reviews (of one kind, or of one plan), oldest due first."""
    query = select(Review).where(Review.child_id == child_id, Review.status == "open")
    if kind is not None:
        query = query.where(Review.kind == kind)
    if plan_id is not None:
        query = query.where(Review.plan_id == plan_id)
    return list(db.session.scalars(query.order_by(Review.due_on, Review.id)))


def set_status(
    child_id: int, *, kinds: set[str], status: str, why: str, from_status: str = "open"
) -> int:
    """Pause, resume or cancel the child's reviews of these kinds, audited; how many changed.
    (An ORM loop rather than a bulk update, so each row's version counter moves.)"""
    rows = db.session.scalars(
        select(Review).where(
            Review.child_id == child_id,
            Review.kind.in_(sorted(kinds)),
            Review.status == from_status,
        )
    ).all()
    for review in rows:
        review.status = status
    if rows:
        db.session.flush()
        record(
            "reviews_" + status,
            detail={
                "child_id": child_id,
                "review_ids": [row.id for row in rows],
                "why": why,
            },
        )
    return len(rows)


__all__ = [
    "due_after",
    "level_label",
    "levels",
    "open_review",
    "open_reviews",
    "rules_now",
    "set_status",
    "timescale",
]
