"""Who may see and do what with levels of need, referrals and reviews: the one access check of
this domain. It builds on the children's check (tas.children.access): a child's level, step
changes, referrals and reviews are part of the child's record.

- Reading a child's level, history, referrals and reviews: READ on the child.
- Recording a step change, a referral or its decision: tas.levels.access (a referral to the IFD
  needs no agreement; a step up within early help does).
- Completing a review: its owner, or anyone with EDIT on the child.
- Review lists: reviews of children the user may read, reviews they own, and for coordinators
  the reviews of schools they cover, shown by reference only (figures, never a child's name).
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import ColumnElement, Select, select, true, union

from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Child
from tas.extensions import db
from tas.organisations.models import User
from tas.reviews.models import Review


def may_complete(user: User, review: Review) -> bool:
    """The review's owner, or anyone who may change the child's record."""
    if review.status != "open":
        return False
    if review.owner_id == user.id:
        return True
    return children.access_to(user, review.child_id) >= Access.EDIT


def _candidates(user: User) -> Select:
    """Index first: the ids of the reviews this user could see, each path read by its index
    (the reviews they own; the reviews of the children they may read, or for a coordinator of
    the children of the schools they cover)."""
    if user.role == "coordinator":
        # Everything a coordinator may read is at a school they cover.
        about = select(Child.id).where(children.covered_by_coordinator(user))
    else:
        about = select(Child.id).where(children.visible(user, Access.READ))
    # Each path is a query of its own, never tied to the Review row of the query it filters.
    return union(
        select(Review.id).where(Review.owner_id == user.id).correlate(None),
        select(Review.id).where(Review.child_id.in_(about)).correlate(None),
    )


def visible(user: User) -> ColumnElement[bool]:
    """The condition on Review for lists: reviews of children the user may read, reviews they
    own, and for a coordinator those of the schools they cover (by reference only): found by
    index first (`_candidates`); a district-wide coordinator's are every review."""
    if user.role == "coordinator" and user.district_wide:
        return true()
    return Review.id.in_(_candidates(user))


def names_children(user: User) -> bool:
    """Whether lists may show children's names to this user: coordinators see references only."""
    return user.role != "coordinator"


def require_review(user: User, review_id: int) -> Review:
    """The review, if this user may see it; 404 otherwise."""
    review = db.session.scalar(select(Review).where(Review.id == review_id, visible(user)))
    if review is None:
        abort(404)
    return review


# Who has review lists and pages at all (a GP practice and an administrator have none), and
# who may read and change the review rules.
REVIEW_ROLES = frozenset({"dsl", "school_staff", "link_worker", "practitioner", "coordinator"})


def may_list(user: User) -> bool:
    """Whether the user has review lists (the rows themselves go through `visible`)."""
    return user.role in REVIEW_ROLES


def may_read_rules(user: User) -> bool:
    """Everyone with reviews, and administrators, may read the review rules."""
    return user.role in REVIEW_ROLES or user.role == "admin"


def may_change_rules(user: User) -> bool:
    """Only district-wide coordinators change the review rules: they are the district's, so a
    coordinator of some clusters reads them as everyone else does."""
    return user.role == "coordinator" and user.district_wide


def responsible_for(user: User, review: Review) -> bool:
    """The review's owner, or anyone who may change the child's record, whatever its status
    (may_complete adds that it must still be open)."""
    if review.owner_id == user.id:
        return True
    return children.access_to(user, review.child_id) >= Access.EDIT


def reads_child(user: User, child_id: int) -> bool:
    """Whether a review page may show the child's name and the review's notes."""
    return children.access_to(user, child_id) >= Access.READ


# ---------------------------------------------------------------- reassigning a leaver's work
