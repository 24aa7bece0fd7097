"""Who may record what about a child's level of need: step changes and referrals to the IFD
(reading the level page needs READ on the child: tas.children.access)."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Child
from tas.extensions import db
from tas.organisations.models import User
from tas.plans.models import SharedPlan

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
