"""Agency involvements: one agency's work with the child, always on the shared plan, with the
child's and the parent's or carer's engagement kept as a dated history."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_fields, audit_view, record
from tas.children.models import Agreement
from tas.core.clock import today
from tas.core.markers import origin
from tas.core.use_cases import check_version, commit, refuse_if
from tas.extensions import db
from tas.organisations.models import Agency, User
from tas.plans import rules
from tas.plans.models import AgencyInvolvement, EngagementUpdate, SharedPlan

PRACTITIONER_ROLES = ("practitioner", "link_worker")
NOT_COVERED = (
    "The family's agreement does not cover this agency: record a new agreement that includes "
    "it before adding its involvement"
)


def agencies_for(agreement: Agreement | None) -> list[Agency]:
    """Agencies that may be involved: those the family's agreement names (when it names any),
    otherwise every agency but the GP practices, which are notified rather than involved."""
    if agreement is not None and agreement.agencies:
        return sorted(agreement.agencies, key=lambda agency: agency.name.lower())
    return list(
        db.session.scalars(
            select(Agency).where(Agency.service_type != "gp_practice").order_by(Agency.name)
        )
    )


def practitioners_of(agency_ids: list[int]) -> list[User]:
    """Active practitioners and link workers of these agencies, who may be named on one."""
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.agency))
            .where(
                User.agency_id.in_(agency_ids),
                User.role.in_(PRACTITIONER_ROLES),
                User.active.is_(True),
            )
            .order_by(User.name, User.id)
        )
    )


def problems(values: dict, agency_id: int | None, agencies: list[Agency] | None = None) -> dict:
    """What to put right before an involvement is saved (`agencies`: those it may be for)."""
    found = rules.involvement_problems(
        values["status"],
        values["started_on"],
        values["ended_on"],
        values["child_engagement"],
        values["parent_engagement"],
    )
    if agencies is not None and agency_id not in {agency.id for agency in agencies}:
        found["agency"] = NOT_COVERED
    practitioner_id = values.get("practitioner_id")
    if practitioner_id is not None and agency_id is not None:
        person = db.session.get(User, practitioner_id)
        if person is None or person.agency_id != agency_id or not person.active:
            found["practitioner"] = "Select a practitioner who works for this agency"
    last_contact = values.get("last_contact_on")
    if last_contact is not None and last_contact > today():
        found["last_contact_on"] = "The date of last contact must be today or in the past"
    return found


def add_involvement(
    plan: SharedPlan, user: User, agreement: Agreement | None, values: dict
) -> AgencyInvolvement:
    """Link an agency's work to the plan (only while the family's agreement stands)."""
    note = values.pop("engagement_note", None)
    if agreement is None:
        refuse_if({"agency": "The family has not agreed to early help: nothing can be added"})
    refuse_if(problems(values, values["agency_id"], agencies_for(agreement)))
    involvement = AgencyInvolvement(plan_id=plan.id, **values, **origin(user))
    db.session.add(involvement)

    def write() -> AgencyInvolvement:
        db.session.flush()
        _engagement(involvement, user, None, note)
        record("involvement_added", target=involvement, detail=audit_fields(values))
        return involvement

    return commit(write)


def change_involvement(
    involvement: AgencyInvolvement, user: User, version: int | None, values: dict
) -> dict:
    """Update an involvement, unless someone saved it since; a change of engagement (or a note
    about it) adds a dated entry to its history."""
    note = values.pop("engagement_note", None)
    check_version(involvement, version)
    refuse_if(problems(values, involvement.agency_id))
    before = {name: getattr(involvement, name) for name in values}
    changed = rules.changes(before, values)
    if not changed and not note:
        return changed

    def write() -> dict:
        for name in changed:
            setattr(involvement, name, values[name])
        db.session.flush()
        _engagement(involvement, user, before, note)
        record("involvement_changed", target=involvement, detail=audit_fields(changed))
        # A note alone is a change too: the page says it was saved.
        return {**changed, **({"engagement_note": [None, note]} if note else {})}

    return commit(write)


def _engagement(involvement: AgencyInvolvement, user: User, before: dict | None, note) -> None:
    """Add to the engagement history when either engagement changed or a note was written."""
    child, parent = involvement.child_engagement, involvement.parent_engagement
    if not child or not parent:
        return
    moved = before is None or (child, parent) != (
        before.get("child_engagement"),
        before.get("parent_engagement"),
    )
    if moved or note:
        db.session.add(
            EngagementUpdate(
                involvement_id=involvement.id,
                recorded_on=today(),
                child_engagement=child,
                parent_engagement=parent,
                note=note or None,
                recorded_by_id=user.id,
            )
        )


def engagement_history(involvement: AgencyInvolvement) -> list[tuple[EngagementUpdate, str]]:
    """The involvement's engagement over time, newest first, with who recorded each."""
    rows = db.session.execute(
        select(EngagementUpdate, User.name)
        .join(User, User.id == EngagementUpdate.recorded_by_id)
        .where(EngagementUpdate.involvement_id == involvement.id)
        .order_by(EngagementUpdate.recorded_on.desc(), EngagementUpdate.id.desc())
    )
    return [(update, name) for update, name in rows]


def viewed(involvement: AgencyInvolvement) -> None:
    audit_view("involvement_viewed", target=involvement, detail={"plan_id": involvement.plan_id})
