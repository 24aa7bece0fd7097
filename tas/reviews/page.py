"""What one review's page shows (the child's name and the review's notes only for those who may
read the child's record), its audited read, and the open reviews a plan page lists."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_view
from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import label
from tas.core.clock import local, today
from tas.extensions import db
from tas.levels.models import IfdReferral
from tas.organisations.models import User
from tas.plans.models import SharedPlan
from tas.reminders.rules import reminded_when
from tas.reviews import access, rules
from tas.reviews.completion import outcome_label
from tas.reviews.lists import DUE_TAGS, due_state, kind_label
from tas.reviews.models import Review

STATUS_TAGS = {
    "open": "govuk-tag--blue",
    "completed": "govuk-tag--green",
    "paused": "govuk-tag--purple",
    "cancelled": "govuk-tag--grey",
}


@dataclass(frozen=True)
class ReviewPage:
    """What one review's page shows to this person."""

    review: Review
    reference: str
    plan: SharedPlan | None
    referral: IfdReferral | None
    child_name: str | None  # only with READ on the child's record; so are the notes
    school_name: str
    due: tuple[str, str] | None
    may_complete: bool
    reminded: str  # when its reminders go, in words (tas.reminders.rules.reminded_when)

    @property
    def kind_label(self) -> str:
        return kind_label(self.review.kind)

    @property
    def status_label(self) -> str:
        return label(rules.REVIEW_STATUSES, self.review.status)

    @property
    def status_tag(self) -> str:
        return STATUS_TAGS.get(self.review.status, "govuk-tag--grey")

    @property
    def outcome_label(self) -> str:
        return outcome_label(self.review.kind, self.review.outcome)


def viewed(review: Review) -> None:
    """Every read of a review is in the audit log (committed before the page's rows load)."""
    audit_view(
        "review_viewed",
        target=review,
        detail={"child_id": review.child_id, "kind": review.kind},
    )


def review_page(review: Review, user: User) -> ReviewPage:
    """One review for one person: the child's name and the notes only for those who may read
    the child's record."""
    reads = access.reads_child(user, review.child_id)
    review = db.session.scalars(
        select(Review)
        .options(
            joinedload(Review.owner),
            joinedload(Review.completed_by),
            joinedload(Review.referral),
            joinedload(Review.child).joinedload(Child.school),
        )
        .where(Review.id == review.id)
    ).one()
    plan = db.session.get(SharedPlan, review.plan_id) if review.plan_id is not None else None
    state = due_state(review.status, review.due_on, today(), ENGLAND_AND_WALES)
    return ReviewPage(
        review=review,
        reference=rules.review_reference(review.id, review.plan_id, review.referral_id),
        plan=plan,
        referral=review.referral,
        child_name=review.child.full_name if reads else None,
        school_name=review.child.school.name,
        due=DUE_TAGS.get(state) if state else None,
        may_complete=access.may_complete(user, review) and review.kind != "ifd_decision",
        reminded=reminded_when(local(review.created_at).date(), review.due_on, ENGLAND_AND_WALES),
    )


def plan_reviews(plan: SharedPlan) -> list[tuple[Review, tuple[str, str] | None]]:
    """The plan's open and paused reviews, soonest first, each with its due tag (one query);
    shown on the plan page."""
    day = today()
    found = db.session.scalars(
        select(Review)
        .options(joinedload(Review.owner))
        .where(Review.plan_id == plan.id, Review.status.in_(("open", "paused")))
        .order_by(Review.due_on, Review.id)
    ).all()
    return [
        (review, DUE_TAGS.get(due_state(review.status, review.due_on, day, ENGLAND_AND_WALES)))
        for review in found
    ]
