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
from tas.reviews.models import Review

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


def may_record_levels(user: User, child_ids) -> set[int]:
    """Of these children, those whose level changes the user may record (two queries: the
    bulk twin of may_record_level, for pages listing many children)."""
    ids = sorted(set(child_ids))
    if user.role not in LEVEL_CHANGERS or not ids:
        return set()
    editable = children.clauses(user, as_if_agreed=True)[Access.EDIT]
    found = set(db.session.scalars(select(Child.id).where(Child.id.in_(ids), editable)))
    leads = db.session.scalars(
        select(SharedPlan.child_id).where(
            SharedPlan.child_id.in_(ids),
            SharedPlan.status != "closed",
            SharedPlan.lead_practitioner_id == user.id,
        )
    )
    return found | set(leads)


def may_disagree(user: User, referral) -> bool:
    """Marking a decided referral as a professional disagreement: its referrer while they may
    still read the child's record, or anyone who may record the child's level changes."""
    if (
        referral.referred_by_id == user.id
        and children.access_to(user, referral.child_id) >= Access.READ
    ):
        return True
    return may_record_level(user, referral.child_id)


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

# Who may take over whose work: people of the same kind of job.
WORK_GROUPS = (
    frozenset({"link_worker", "practitioner"}),
    frozenset({"dsl", "school_staff"}),
    frozenset({"coordinator"}),
    frozenset({"gp"}),
)
AGENCY_STAFF = frozenset({"link_worker", "practitioner"})
SCHOOL_STAFF = frozenset({"dsl", "school_staff"})


def may_reassign(user: User, leaver: User) -> bool:
    """Whether the user may move the leaver's open work to someone else (and mark them away or
    deactivate them while doing so): an administrator for anyone, an agency's safeguarding lead
    for their agency's staff, a school's DSL for their school's staff."""
    if not user.active:
        return False
    if user.role == "admin":
        return True
    if is_agency_lead(user):
        return leaver.agency_id == user.agency_id and leaver.role in AGENCY_STAFF
    if user.role == "dsl" and user.school_id is not None:
        return leaver.school_id == user.school_id and leaver.role in SCHOOL_STAFF
    return False


def is_agency_lead(user: User) -> bool:
    """A practitioner who is their agency's safeguarding lead."""
    return (
        user.role == "practitioner"
        and bool(user.is_safeguarding_lead)
        and user.agency_id is not None
    )


def may_reassign_anyone(user: User) -> bool:
    """Whether the user reassigns work at all (the list of their people is theirs to open)."""
    return user.active and (
        user.role == "admin"
        or is_agency_lead(user)
        or (user.role == "dsl" and user.school_id is not None)
    )


def require_reassign(user: User, leaver_id: int) -> User:
    """The leaver, when the user may reassign their work; 404 otherwise (whether the person
    exists is not given away)."""
    leaver = db.session.get(User, leaver_id)
    if leaver is None or not may_reassign(user, leaver):
        abort(404)
    return leaver


def takers(user: User, leaver: User) -> ColumnElement[bool]:
    """The condition on User for who may take over the leaver's work: active people of the same
    kind of job, in the leaver's agency or school, whoever reassigns (an administrator too)."""
    group = next((roles for roles in WORK_GROUPS if leaver.role in roles), frozenset())
    condition = (User.id != leaver.id) & User.active.is_(True) & User.role.in_(sorted(group))
    if leaver.role not in SCHOOL_STAFF and leaver.agency_id is None:
        return condition  # coordinators: any coordinator (they cover clusters, not one place)
    if leaver.role in SCHOOL_STAFF:
        return condition & (User.school_id == leaver.school_id)
    return condition & (User.agency_id == leaver.agency_id)
