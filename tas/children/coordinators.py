"""What a coordinator sees of a child whose family withdrew agreement: after recording a reason,
only that the record exists, when agreement was withdrawn, and who holds the record (the school's
DSLs and the plan's lead practitioner), unless a sharing decision covers the coordinators
(tas.children.agreed.shared_with_coordinators)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_view
from tas.children.models import Agreement, Child, CoordinatorAccess
from tas.core.clock import utcnow
from tas.extensions import db
from tas.organisations.models import User
from tas.plans.models import SharedPlan


def current_reason(user: User, child_id: int, now: datetime | None = None) -> bool:
    """Whether the coordinator recorded a reason to open this record that has not run out."""
    found = db.session.scalar(
        select(CoordinatorAccess.id).where(
            CoordinatorAccess.child_id == child_id,
            CoordinatorAccess.user_id == user.id,
            CoordinatorAccess.expires_at > (now or utcnow()),
        )
    )
    return found is not None


@dataclass(frozen=True)
class Holder:
    """Someone who holds a withdrawn record, as the coordinator is told of them."""

    name: str
    email: str
    role: str  # "lead practitioner", "designated safeguarding lead at Oakfield Primary"...


@dataclass(frozen=True)
class Withdrawn:
    """The little a coordinator is told about a record whose family withdrew agreement."""

    withdrawn_on: date | None
    holders: list[Holder]


def withdrawn_summary(child_id: int) -> Withdrawn:
    """When agreement was withdrawn and who holds the record (the school's active DSLs and the
    open plan's lead practitioner), audited as a read: three queries whatever the record holds."""
    audit_view(
        "child_withdrawn_summary_viewed",
        target_type="Child",
        target_id=child_id,
        detail={"access": "withdrawn_summary"},
    )
    withdrawn_on = db.session.scalar(
        select(func.max(Agreement.withdrawn_on)).where(Agreement.child_id == child_id)
    )
    school_id = select(Child.school_id).where(Child.id == child_id).scalar_subquery()
    lead_id = (
        select(SharedPlan.lead_practitioner_id)
        .where(SharedPlan.child_id == child_id, SharedPlan.status != "closed")
        .scalar_subquery()
    )
    is_lead = func.coalesce(User.id == lead_id, False).label("is_lead")
    people = db.session.execute(
        select(User, is_lead)
        .options(joinedload(User.school))
        .where(
            User.active.is_(True),
            or_(User.id == lead_id, and_(User.role == "dsl", User.school_id == school_id)),
        )
        .order_by(User.name, User.id)
    ).unique()
    return Withdrawn(withdrawn_on, [Holder(p.name, p.email, _role(p, lead)) for p, lead in people])


def _role(person: User, lead: bool) -> str:
    roles = ["lead practitioner"] if lead else []
    if person.role == "dsl":
        school = f" at {person.school.name}" if person.school else ""
        roles.append(f"designated safeguarding lead{school}")
    return " and ".join(roles)
