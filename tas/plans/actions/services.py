"""Actions on a shared plan: who does what by when, with every change kept as its history.

Every change goes through the ORM one action at a time, so the version counter catches two
people saving the same action; never a bulk Query.update(), which bypasses it (docs/security.md
I36).
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_fields, audit_view, plain, record
from tas.children.models import FamilyMember
from tas.core.markers import origin
from tas.core.use_cases import check_version, commit, refuse_if
from tas.extensions import db
from tas.organisations.models import Agency, User, link_worker_schools
from tas.plans import rules
from tas.plans.models import Action, ActionEvent, AgencyInvolvement, SharedPlan

SCHOOL_ROLES = ("dsl", "school_staff")


def owner_agencies(plan: SharedPlan) -> list[Agency]:
    """Agencies that may own an action: those involved in the plan."""
    involved = select(AgencyInvolvement.agency_id).where(AgencyInvolvement.plan_id == plan.id)
    return list(
        db.session.scalars(select(Agency).where(Agency.id.in_(involved)).order_by(Agency.name))
    )


def owner_people(plan: SharedPlan) -> list[User]:
    """People who may own an action: the lead practitioner, the named practitioners, the
    child's school staff and the link workers linked to the school (all active)."""
    named = select(AgencyInvolvement.practitioner_id).where(AgencyInvolvement.plan_id == plan.id)
    school_id = plan.child.school_id
    linked = select(link_worker_schools.c.user_id).where(
        link_worker_schools.c.school_id == school_id
    )
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.agency), joinedload(User.school))
            .where(
                User.active.is_(True),
                or_(
                    User.id == plan.lead_practitioner_id,
                    User.id.in_(named),
                    (User.school_id == school_id) & User.role.in_(SCHOOL_ROLES),
                    User.id.in_(linked),
                ),
            )
            .order_by(User.name, User.id)
        )
    )


def owner_family(plan: SharedPlan) -> list[FamilyMember]:
    return list(
        db.session.scalars(
            select(FamilyMember)
            .where(FamilyMember.child_id == plan.child_id)
            .order_by(FamilyMember.name, FamilyMember.id)
        )
    )


def plan_involvements(plan: SharedPlan) -> list[AgencyInvolvement]:
    return list(
        db.session.scalars(
            select(AgencyInvolvement)
            .options(joinedload(AgencyInvolvement.agency))
            .where(AgencyInvolvement.plan_id == plan.id)
            .order_by(AgencyInvolvement.id)
        )
    )


def _owner_problems(plan: SharedPlan, values: dict) -> dict:
    kind = values.get("owner_kind")
    missing = {
        "agency": ("owner_agency_id", "owner_agency", "Select the agency that owns the action"),
        "person": ("owner_user_id", "owner_user", "Select the person who owns the action"),
        "family_member": (
            "owner_family_member_id",
            "owner_family_member",
            "Select the parent or carer who owns the action",
        ),
    }.get(kind)
    if missing and values.get(missing[0]) is None:
        return {missing[1]: missing[2]}
    family_id = values.get("owner_family_member_id")
    if family_id is not None:
        member = db.session.get(FamilyMember, family_id)
        if member is None or member.child_id != plan.child_id:
            return {"owner_family_member": "Select a parent or carer of this child"}
    return {}


def _involvement_problems(plan: SharedPlan, values: dict) -> dict:
    involvement_id = values.get("involvement_id")
    if involvement_id is None:
        return {}
    linked = db.session.get(AgencyInvolvement, involvement_id)
    if linked is None or linked.plan_id != plan.id:
        return {"involvement": "Select an involvement on this plan"}
    return {}


def add_action(plan: SharedPlan, user: User, values: dict) -> Action:
    """A new action on the plan; its history starts with what it was created as."""
    refuse_if(
        {
            **_owner_problems(plan, values),
            **_involvement_problems(plan, values),
            **rules.action_problems(values["status"], values.get("completion_note")),
        }
    )
    action = Action(plan_id=plan.id, **values, **origin(user))
    db.session.add(action)

    def write() -> Action:
        db.session.flush()
        detail = plain({name: [None, value] for name, value in values.items() if value is not None})
        db.session.add(ActionEvent(action_id=action.id, by_id=user.id, changes=detail))
        record("action_added", target=action, detail=audit_fields(detail, plan_id=plan.id))
        return action

    return commit(write)


def change_action(action: Action, user: User, version: int | None, values: dict) -> dict:
    """Save what changed on an action and add it to the history, unless someone else saved the
    action since the form was opened."""
    check_version(action, version)
    plan = db.session.get(SharedPlan, action.plan_id)
    status = values.get("status", action.status)
    note = values.get("completion_note", action.completion_note)
    refuse_if(
        {
            **_owner_problems(plan, values),
            **_involvement_problems(plan, values),
            **rules.action_problems(status, note),
        }
    )
    before = {name: getattr(action, name) for name in values}
    changed = rules.changes(before, values)
    if not changed:
        return changed

    def write() -> dict:
        for name in changed:
            setattr(action, name, values[name])
        db.session.flush()  # a competing save shows here, as StaleDataError
        db.session.add(ActionEvent(action_id=action.id, by_id=user.id, changes=plain(changed)))
        record("action_changed", target=action, detail=audit_fields(changed))
        return changed

    return commit(write)


def history(action: Action) -> list[tuple[ActionEvent, str]]:
    """Every change to the action, oldest first, with who made it."""
    rows = db.session.execute(
        select(ActionEvent, User.name)
        .join(User, User.id == ActionEvent.by_id)
        .where(ActionEvent.action_id == action.id)
        .order_by(ActionEvent.at, ActionEvent.id)
    )
    return [(event, name) for event, name in rows]


def viewed(action: Action) -> None:
    audit_view("action_viewed", target=action, detail={"plan_id": action.plan_id})
