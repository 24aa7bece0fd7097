"""Who may see which child (docs/security.md, Roles): one clause for lists, one check for a record.

Every route, list, search and export about children goes through this module. Deny by default:
a role not named here sees nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from flask import abort, has_request_context, request
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    or_,
    select,
    union,
)

from tas.children import agreed
from tas.children.models import (
    Agreement,
    Child,
    CoordinatorAccess,
    SchoolMove,
    StaffGrant,
)
from tas.core import per_request
from tas.core.clock import utcnow
from tas.extensions import db
from tas.organisations.models import School, User, coordinator_clusters, link_worker_schools
from tas.plans.models import AgencyInvolvement, SharedPlan

# Those who work with the child record what they learn: what the child said (tas.voice), the
# significant events of their life (tas.chronology).
RECORDERS = frozenset({"dsl", "school_staff", "link_worker", "practitioner"})
# Of them, school staff and link workers add to a record only while they may change it (not a
# moved-away school's read-only days, not after the family withdrew agreement); practitioners
# read a record only while the agreement covers their involvement, so reading is enough.
CHANGE_TO_ADD = frozenset({"dsl", "school_staff", "link_worker"})


class Access(enum.IntEnum):
    """How much of a child's record someone may use, from nothing to changing it."""

    NONE = 0
    GP_SUMMARY = 1  # GP practice: notifications and who is involved, nothing more
    READ = 2
    EDIT = 3


def _leads_a_plan(user: User) -> ColumnElement[bool]:
    return agreed.about_child(
        SharedPlan.child_id == Child.id,
        SharedPlan.lead_practitioner_id == user.id,
        SharedPlan.status != "closed",
    )


def _school_clauses(
    user: User, now: datetime, withdrawn: ColumnElement[bool]
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    if user.role == "dsl":
        own = Child.school_id == user.school_id
        moved_away = agreed.about_child(
            SchoolMove.child_id == Child.id,
            SchoolMove.from_school_id == user.school_id,
            SchoolMove.read_only_until > now,
        )
        return and_(own, ~withdrawn), or_(own, moved_away)
    granted = and_(
        Child.school_id == user.school_id,
        agreed.about_child(
            StaffGrant.child_id == Child.id,
            StaffGrant.user_id == user.id,
            StaffGrant.revoked_at.is_(None),
        ),
    )
    # After a withdrawal only the DSL and the lead practitioner keep the record (read-only).
    granted_now = and_(granted, ~withdrawn)
    return granted_now, granted_now


def _link_worker_clauses(
    user: User, withdrawn: ColumnElement[bool]
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    linked = Child.school_id.in_(
        select(link_worker_schools.c.school_id).where(link_worker_schools.c.user_id == user.id)
    )
    lead = _leads_a_plan(user)
    editable = and_(or_(linked, lead), ~withdrawn)
    # A link worker may also be the named practitioner of an involvement at another school.
    return editable, or_(editable, _practitioner_clause(user))


def _involvements_of(user: User) -> ColumnElement[bool]:
    """The involvements that are the user's: named on them, or (an agency's safeguarding lead)
    any of their agency's."""
    if user.is_safeguarding_lead:
        return AgencyInvolvement.agency_id == user.agency_id
    return AgencyInvolvement.practitioner_id == user.id


def _practitioner_clause(user: User) -> ColumnElement[bool]:
    """Named practitioner of an active involvement (their agency's safeguarding lead: any of the
    agency's) that the family's current agreement covers; and the lead practitioner of an open
    plan, always (read-only once agreement is withdrawn)."""
    mine = _involvements_of(user)
    involved = agreed.about_child(
        AgencyInvolvement.plan_id == SharedPlan.id,
        SharedPlan.child_id == Child.id,
        SharedPlan.status != "closed",
        AgencyInvolvement.status == "active",
        mine,
        agreed.covers_involvement(),
    )
    return or_(involved, _leads_a_plan(user))


def _coordinator_clause(
    user: User, now: datetime, withdrawn: ColumnElement[bool]
) -> ColumnElement[bool]:
    """A recorded, unexpired reason to open this child's record, for a school they cover; once
    the family withdrew agreement, only with a sharing decision since then that covers the
    coordinators (a reason alone shows that the record exists, not what is in it)."""
    reason = agreed.about_child(
        CoordinatorAccess.child_id == Child.id,
        CoordinatorAccess.user_id == user.id,
        CoordinatorAccess.expires_at > now,
    )
    return and_(
        reason, covered_by_coordinator(user), or_(~withdrawn, agreed.shared_with_coordinators())
    )


def covered_by_coordinator(user: User) -> ColumnElement[bool]:
    """The child's school is in the coordinator's clusters (or they cover the whole district)."""
    if user.district_wide:
        return Child.id.is_not(None)
    return Child.school_id.in_(
        select(School.id).where(
            School.cluster_id.in_(
                select(coordinator_clusters.c.cluster_id).where(
                    coordinator_clusters.c.user_id == user.id
                )
            )
        )
    )


def clauses(
    user: User, now: datetime | None = None, *, as_if_agreed: bool = False
) -> dict[Access, ColumnElement[bool]]:
    """For each access level, the SQL condition on Child under which this user has it. The
    READ condition covers the children with EDIT too (every role's readable set holds its
    editable one), so a list asks one of them, never both.

    `as_if_agreed` ignores a withdrawal: who could change the record if the family agreed, the
    people who may record a new agreement or a decision to share without one.

    Within a request, "now" is the request's moment, and the conditions are built once for
    each person (tas.core.per_request).
    """
    if now is not None:
        return _clauses(user, now, as_if_agreed)
    return per_request.once(
        "child_access",
        (per_request.person(user), as_if_agreed),
        lambda: _clauses(user, utcnow(), as_if_agreed),
    )


def _clauses(user: User, now: datetime, as_if_agreed: bool) -> dict[Access, ColumnElement[bool]]:
    nothing = false()
    withdrawn = nothing if as_if_agreed else agreed.withdrawn()
    if user.role in ("dsl", "school_staff"):
        editable, readable = _school_clauses(user, now, withdrawn)
    elif user.role == "link_worker":
        editable, readable = _link_worker_clauses(user, withdrawn)
    elif user.role == "practitioner":
        editable, readable = nothing, _practitioner_clause(user)
    elif user.role == "coordinator":
        editable, readable = nothing, _coordinator_clause(user, now, withdrawn)
    else:
        editable, readable = nothing, nothing
    gp = (
        and_(Child.gp_practice_id == user.agency_id, agreed.agreement_stands())
        if user.role == "gp" and user.agency_id is not None
        else nothing
    )
    return {Access.EDIT: editable, Access.READ: readable, Access.GP_SUMMARY: gp}


def _candidates(user: User, now: datetime) -> Select | None:
    """Index first: the ids of every child this user could have any access to, each path read
    by its index (the school's children, a move away, a grant, a recorded reason, a plan led,
    an involvement, a GP registration). Every condition of `clauses` implies one of these
    paths, so the conditions, with their checks of the family's agreement, run on this small
    set rather than on every child of the region. None: no path at all."""
    paths: list[Select] = []
    if user.role == "dsl":
        paths.append(select(Child.id).where(Child.school_id == user.school_id))
        paths.append(
            select(SchoolMove.child_id).where(
                SchoolMove.from_school_id == user.school_id, SchoolMove.read_only_until > now
            )
        )
    if user.role == "school_staff":
        paths.append(
            select(StaffGrant.child_id).where(
                StaffGrant.user_id == user.id, StaffGrant.revoked_at.is_(None)
            )
        )
    if user.role == "link_worker":
        schools = select(link_worker_schools.c.school_id).where(
            link_worker_schools.c.user_id == user.id
        )
        paths.append(select(Child.id).where(Child.school_id.in_(schools)))
    if user.role in ("link_worker", "practitioner"):
        paths.append(
            select(SharedPlan.child_id).where(
                SharedPlan.lead_practitioner_id == user.id, SharedPlan.status != "closed"
            )
        )
        paths.append(
            select(SharedPlan.child_id)
            .join(AgencyInvolvement, AgencyInvolvement.plan_id == SharedPlan.id)
            .where(
                _involvements_of(user),
                AgencyInvolvement.status == "active",
                SharedPlan.status != "closed",
            )
        )
    if user.role == "coordinator":
        paths.append(
            select(CoordinatorAccess.child_id).where(
                CoordinatorAccess.user_id == user.id, CoordinatorAccess.expires_at > now
            )
        )
    if user.role == "gp" and user.agency_id is not None:
        paths.append(select(Child.id).where(Child.gp_practice_id == user.agency_id))
    if not paths:
        return None
    # Each path is a query of its own, never tied to the Child row of the query it filters.
    return union(*(path.correlate(None) for path in paths))


def visible(user: User, level: Access = Access.READ, now: datetime | None = None):
    """The condition for lists and searches: children this user has at least `level` on,
    the candidates found by index first (_candidates), then each level's condition once."""
    candidates = _candidates(user, now or utcnow())
    if candidates is None:
        return false()
    return and_(Child.id.in_(candidates), visible_among_few(user, level, now))


def visible_among_few(user: User, level: Access = Access.READ, now: datetime | None = None):
    """The same condition for a query that has already found its few children by their own
    index (a child's siblings, a meeting's agenda): each level's condition alone. Every
    condition implies one of the candidates' paths, so the candidates add nothing there but
    the cost of finding every child the person may see."""
    levels = clauses(user, now)
    if level >= Access.READ:
        return levels[Access.EDIT] if level >= Access.EDIT else levels[Access.READ]
    return or_(levels[Access.READ], levels[Access.GP_SUMMARY])


def access_to(
    user: User, child_id: int, now: datetime | None = None, *, as_if_agreed: bool = False
) -> Access:
    """This user's access to one child, in one query (NONE when the child does not exist)."""
    levels = clauses(user, now, as_if_agreed=as_if_agreed)
    level = case(
        (levels[Access.EDIT], int(Access.EDIT)),
        (levels[Access.READ], int(Access.READ)),
        (levels[Access.GP_SUMMARY], int(Access.GP_SUMMARY)),
        else_=int(Access.NONE),
    )
    found = db.session.scalar(select(level).where(Child.id == child_id))
    return Access(found or 0)


def may_add_records(user: User, level: Access) -> bool:
    """Whether the user may add to the child's record what they learn: what the child said, a
    significant event, a decision that answers a flag."""
    if user.role in CHANGE_TO_ADD:
        return level >= Access.EDIT
    return user.role in RECORDERS and level >= Access.READ


@dataclass(frozen=True)
class Reader:
    """Who is reading, as the restricted marker asks ("ask the originator before sharing
    further"): their organisation, and whether they hold the child's record (the school's DSL,
    the plan's lead practitioner)."""

    agency_id: int | None
    school_id: int | None
    holds_the_record: bool

    def sees_restricted(self, agency_id: int | None, school_id: int | None) -> bool:
        """A restricted record shows its details to its own organisation and to those who hold
        the record; others see that it exists and whom to ask."""
        if self.holds_the_record:
            return True
        if agency_id is not None:
            return agency_id == self.agency_id
        return school_id is not None and school_id == self.school_id


def reader(user: User, child_school_id: int, lead_practitioner_id: int | None) -> Reader:
    holds = (user.role == "dsl" and user.school_id == child_school_id) or (
        lead_practitioner_id is not None and user.id == lead_practitioner_id
    )
    return Reader(user.agency_id, user.school_id, holds)


def may_record_consent_decisions(user: User, child_id: int) -> bool:
    """Whether the user may record the family's agreement or a sharing decision: those who
    could change the record were the agreement standing (so a family can agree again after a
    withdrawal, and a decision to share without agreement can be recorded)."""
    return access_to(user, child_id, as_if_agreed=True) >= Access.EDIT


def current_agreement(child_id: int) -> Agreement | None:
    """The family's agreement that stands now (the newest one not withdrawn), if any."""
    return db.session.scalar(
        select(Agreement).where(Agreement.id == current_agreement_id(child_id))
    )


def withdrawn_on(child_id: int) -> date | None:
    """The day the family withdrew agreement, while none has stood since (else None): from
    then the record is read-only, as the pages say."""
    stands = exists().where(Agreement.child_id == child_id, Agreement.withdrawn_on.is_(None))
    return db.session.scalar(
        select(func.max(Agreement.withdrawn_on)).where(Agreement.child_id == child_id, ~stands)
    )


def current_agreement_id(child_id: int):
    """The id of the agreement that stands now, as a subquery (to read it with other rows)."""
    return (
        select(Agreement.id)
        .where(Agreement.child_id == child_id, Agreement.withdrawn_on.is_(None))
        .order_by(Agreement.agreed_on.desc(), Agreement.id.desc())
        .limit(1)
        .scalar_subquery()
    )


class ReasonNeeded(Exception):
    """A coordinator who covers the child's school opened a page of the record (a link in a
    reminder, say) with no reason recorded: they are asked why, then sent on to the page
    (tas.children.views)."""

    def __init__(self, child_id: int):
        super().__init__(child_id)
        self.child_id = child_id


def asked_for_reason(user: User, child_id: int, now: datetime | None = None) -> bool:
    """Whether this is a coordinator covering the child's school with no current reason."""
    if user.role != "coordinator":
        return False
    reason = select(CoordinatorAccess.id).where(
        CoordinatorAccess.child_id == Child.id,
        CoordinatorAccess.user_id == user.id,
        CoordinatorAccess.expires_at > (now or utcnow()),
    )
    covered = select(Child.id).where(
        Child.id == child_id, covered_by_coordinator(user), ~reason.exists()
    )
    return db.session.scalar(covered) is not None


def require(user: User, child_id: int, level: Access = Access.READ) -> Access:
    """Stop the request unless the user has `level` on the child: 404 when they may not even
    know it exists, 403 when they may see it but not do this. A coordinator who may read the
    record once they say why is asked to, when only reading (ReasonNeeded)."""
    have = access_to(user, child_id)
    if have == Access.NONE:
        # A reason opens the record to read: a page that changes it stays not found.
        looking = level <= Access.READ and has_request_context() and request.method == "GET"
        if looking and asked_for_reason(user, child_id):
            raise ReasonNeeded(child_id)
        abort(404)
    if have < level:
        abort(403)
    return have
