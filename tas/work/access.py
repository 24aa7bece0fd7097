"""Who may move a leaver's open work, and to whom: the leaver's DSL or agency safeguarding lead
within their school or agency, and coordinators across their clusters."""

from __future__ import annotations

from flask import abort
from sqlalchemy import ColumnElement

from tas.extensions import db
from tas.organisations.models import User

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
