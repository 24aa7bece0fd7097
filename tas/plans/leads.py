"""Who may lead a shared plan, the plan's reviews following its lead practitioner, and whom the
family contacts about the plan (the lead contact). Both the plan's own pages and a step up within
early help (tas.levels.services) change the lead, and both the minutes (tas.meetings) and the plan
show the lead contact, so this sits below them.

The lead practitioner reads the whole record (tas.children.access), so the lead is chosen only
from the agencies the family's current agreement covers: those it names, or any agency when it
names none (as for an involvement: tas.children.agreed.covers_involvement,
tas.plans.involvements.services.agencies_for). Without an agreement that stands, nobody new may
lead."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.children.models import Agreement
from tas.extensions import db
from tas.organisations.models import User
from tas.plans.models import SharedPlan
from tas.reviews.models import Review

LEAD_ROLES = ("link_worker", "practitioner")
HELD_BY_SOCIAL_CARE = "held_by_social_care"
SOCIAL_CARE_NAME = "Children's Social Care"


@dataclass(frozen=True)
class LeadContact:
    """Whom to contact about a child's plan: the lead practitioner, or the social worker while
    Children's Social Care holds the plan (name and team as recorded: no email is recorded for
    them, and the early-help lead's is not theirs)."""

    name: str | None  # None: Social Care holds the plan and the social worker is not recorded
    organisation: str  # the lead's agency ("" for none); the social worker's team
    email: str | None
    role: str  # "lead practitioner" or "social worker"


def lead_contact(plan: SharedPlan | None) -> LeadContact | None:
    """The plan's lead contact, or None when there is no plan or no lead practitioner named
    (loads the lead and their agency unless joined already)."""
    if plan is None:
        return None
    if plan.status == HELD_BY_SOCIAL_CARE:
        return LeadContact(
            plan.social_worker_name or None,
            plan.social_worker_team or SOCIAL_CARE_NAME,
            None,
            "social worker",
        )
    lead = plan.lead_practitioner
    if lead is None:
        return None
    agency = lead.agency.name if lead.agency else ""
    return LeadContact(lead.name, agency, lead.email, "lead practitioner")


def social_worker_words(plan: SharedPlan) -> str | None:
    """ "Sam Social, social worker, East Team", when a social worker was recorded."""
    if not plan.social_worker_name:
        return None
    team = f", {plan.social_worker_team}" if plan.social_worker_team else ""
    return f"{plan.social_worker_name}, social worker{team}"


NOT_COVERED = (
    "{name} works for {agency}, which the family's agreement does not cover: select someone "
    "from an agency it covers, or record a new agreement that includes {agency}"
)
NO_AGREEMENT = (
    "The family's agreement to early help does not stand now, so nobody new can lead the plan: "
    "record the family's agreement first"
)
# Said when a choice not offered is sent (the list holds only the agencies covered).
NOT_OFFERED = (
    "Select a link worker or practitioner from the list: only people of the agencies the "
    "family's agreement covers can lead the plan"
)


def covers(agreement: Agreement | None, person: User) -> bool:
    """Whether the family's agreement covers this person's agency (an agreement naming no
    agencies covers any; a person of no agency only such an agreement)."""
    if agreement is None:
        return False
    named = {agency.id for agency in agreement.agencies}
    return not named or person.agency_id in named


def lead_candidates(agreement: Agreement | None, present: User | None = None) -> list[User]:
    """The people who may lead the plan: active link workers and practitioners of the agencies
    the family's agreement covers (nobody without one); and `present`, the lead now, so a form
    that keeps them can be sent back as it was."""
    if agreement is None:
        found: list[User] = []
    else:
        named = sorted(agency.id for agency in agreement.agencies)
        query = select(User).options(joinedload(User.agency))
        query = query.where(User.role.in_(LEAD_ROLES), User.active.is_(True))
        if named:
            query = query.where(User.agency_id.in_(named))
        found = list(db.session.scalars(query.order_by(User.name, User.id)))
    if present is not None and all(person.id != present.id for person in found):
        found = sorted([*found, present], key=lambda person: (person.name, person.id))
    return found


def lead_problems(
    lead_id: int | None,
    agreement: Agreement | None,
    field: str = "lead_practitioner",
    *,
    present_id: int | None = None,
) -> dict[str, str]:
    """The lead chosen must be an active link worker or practitioner of an agency the family's
    agreement covers (none chosen is allowed, and so is keeping the lead the plan has now,
    `present_id`)."""
    if lead_id is None or lead_id == present_id:
        return {}
    lead = db.session.get(User, lead_id)
    if lead is None or lead.role not in LEAD_ROLES or not lead.active:
        return {field: "Select a link worker or practitioner from the list"}
    if agreement is None:
        return {field: NO_AGREEMENT}
    if not covers(agreement, lead):
        if lead.agency is None:
            return {field: NOT_OFFERED}
        return {field: NOT_COVERED.format(name=lead.name, agency=lead.agency.name)}
    return {}


def move_review_owner(plan: SharedPlan) -> int:
    """The plan's open and paused reviews follow a new lead practitioner (an IFD decision stays
    with its referrer; with no lead named, reviews keep their owner); how many moved."""
    lead = plan.lead_practitioner_id
    if lead is None:
        return 0
    moved = db.session.scalars(
        select(Review).where(
            Review.plan_id == plan.id,
            Review.status.in_(("open", "paused")),
            Review.kind != "ifd_decision",
            or_(Review.owner_id.is_(None), Review.owner_id != lead),
        )
    ).all()
    for review in moved:
        review.owner_id = lead
    if moved:
        record(
            "reviews_owner_changed",
            detail={
                "child_id": plan.child_id,
                "plan_id": plan.id,
                "review_ids": [review.id for review in moved],
                "owner_id": lead,
            },
        )
    return len(moved)


def lead_change_problems(
    changes: str | None, lead_id: int | None, plan: SharedPlan, agreement: Agreement | None
) -> dict[str, str]:
    """Field -> what to put right, for "does the lead practitioner change?" and who leads."""
    if changes not in ("yes", "no"):
        return {"lead_changes": "Select whether the lead practitioner changes"}
    if changes == "no":
        return {}
    if lead_id is None:
        return {"new_lead_practitioner": "Select the new lead practitioner"}
    if lead_id == plan.lead_practitioner_id:
        return {
            "new_lead_practitioner": "Select someone other than the present lead practitioner, "
            "or answer that the lead practitioner does not change"
        }
    return lead_problems(lead_id, agreement, "new_lead_practitioner")


def change_lead(plan: SharedPlan, lead_id: int, **detail: int) -> None:
    """A new lead practitioner for the plan, audited (ids only); the plan's open reviews follow.
    In the caller's transaction."""
    before, plan.lead_practitioner_id = plan.lead_practitioner_id, lead_id
    db.session.flush()
    record(
        "plan_changed",
        target=plan,
        detail={
            "fields": ["lead_practitioner_id"],
            "child_id": plan.child_id,
            "from": before,
            "to": lead_id,
            **detail,
        },
    )
    move_review_owner(plan)
