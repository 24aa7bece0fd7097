"""What a coordinator sees of a child whose family withdrew agreement: after recording a reason,
only that the record exists, when agreement was withdrawn, and who holds the record (the school's
DSLs and the plan's lead practitioner), unless a sharing decision covers the coordinators
(tas.children.access._shared_with_coordinators)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.clock import utcnow
from tas.extensions import db
from tas.organisations.models import User
from tas.plans.models import SharedPlan

from .models import Agreement, Child, CoordinatorAccess


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
class Withdrawn:
    """The little a coordinator is told about a record whose family withdrew agreement."""

    withdrawn_on: date | None
    holders: list[User]
    lead_id: int | None


def withdrawn_summary(child_id: int) -> Withdrawn:
    """When agreement was withdrawn and who holds the record, audited as a read (three
    queries, whatever the record holds)."""
    withdrawn_on = db.session.scalar(
        select(func.max(Agreement.withdrawn_on)).where(Agreement.child_id == child_id)
    )
    school_id = select(Child.school_id).where(Child.id == child_id).scalar_subquery()
    lead_id = db.session.scalar(
        select(SharedPlan.lead_practitioner_id).where(
            SharedPlan.child_id == child_id, SharedPlan.status != "closed"
        )
    )
    holders = list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.school))
            .where(
                User.active.is_(True),
                (User.id == lead_id) | ((User.role == "dsl") & (User.school_id == school_id)),
            )
            .order_by(User.role, User.name, User.id)
        )
    )
    record(
        "child_withdrawn_summary_viewed",
        target_type="Child",
        target_id=child_id,
        detail={"access": "withdrawn_summary"},
    )
    db.session.commit()
    return Withdrawn(withdrawn_on, holders, lead_id)
