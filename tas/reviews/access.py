"""Who may see and do what with levels of need, referrals and reviews: the one access check of
this domain. It builds on the children's check (tas.children.access): a child's level, step
changes, referrals and reviews are part of the child's record.

- Reading a child's level, history, referrals and reviews: READ on the child.
- Recording a step change, a referral or its decision: EDIT on the child as if the family agreed
  (a safeguarding referral does not need the family's agreement), or the plan's lead practitioner.
- Completing a review: its owner, or anyone with EDIT on the child.
- Review lists: reviews of children the user may read, reviews they own, and for coordinators
  the reviews of schools they cover, shown by reference only (figures, never a child's name).
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import ColumnElement, exists, false, or_, select

from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Child
from tas.extensions import db
from tas.organisations.models import User
from tas.plans.models import SharedPlan

from .models import Review

LEVEL_CHANGERS = frozenset({"dsl", "link_worker", "practitioner", "school_staff"})


def may_record_level(user: User, child_id: int) -> bool:
    """Whether the user may record a step change, a referral to the IFD or its decision."""
    if user.role not in LEVEL_CHANGERS:
        return False
    if children.access_to(user, child_id, as_if_agreed=True) >= Access.EDIT:
        return True
    return leads_plan_of(user, child_id)


def leads_plan_of(user: User, child_id: int) -> bool:
    """The user is the lead practitioner of the child's open (or held) shared plan."""
    found = db.session.scalar(
        select(SharedPlan.id).where(
            SharedPlan.child_id == child_id,
            SharedPlan.status != "closed",
            SharedPlan.lead_practitioner_id == user.id,
        )
    )
    return found is not None


def require_level_change(user: User, child_id: int) -> None:
    """Stop the request unless the user may record level changes for the child (404 when they
    may not even see the child, 403 when they may see it but not do this)."""
    if children.access_to(user, child_id) == Access.NONE and not leads_plan_of(user, child_id):
        abort(404)
    if not may_record_level(user, child_id):
        abort(403)


def may_complete(user: User, review: Review) -> bool:
    """The review's owner, or anyone who may change the child's record."""
    if review.status != "open":
        return False
    if review.owner_id == user.id:
        return True
    return children.access_to(user, review.child_id) >= Access.EDIT


def visible(user: User) -> ColumnElement[bool]:
    """The condition on Review for lists: reviews of children the user may read, reviews they
    own, and for a coordinator those of the schools they cover (by reference only)."""
    own = Review.owner_id == user.id
    readable = exists().where(Child.id == Review.child_id, children.visible(user, Access.READ))
    covered = (
        exists().where(Child.id == Review.child_id, children.covered_by_coordinator(user))
        if user.role == "coordinator"
        else false()
    )
    return or_(own, readable, covered)


def names_children(user: User) -> bool:
    """Whether lists may show children's names to this user: coordinators see references only."""
    return user.role != "coordinator"


def require_review(user: User, review_id: int) -> Review:
    """The review, if this user may see it; 404 otherwise."""
    review = db.session.scalar(select(Review).where(Review.id == review_id, visible(user)))
    if review is None:
        abort(404)
    return review
