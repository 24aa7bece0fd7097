"""Actions on a shared plan: who does what by when, with every change kept as its history.

Every change goes through the ORM one action at a time, so the version counter catches two
people saving the same action; never a bulk Query.update(), which bypasses it (docs/security.md
I36).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_fields, audit_view, plain, record
from tas.children import access as children
from tas.children import agreed
from tas.children.models import Child, FamilyMember
from tas.core import clock
from tas.core.markers import origin
from tas.core.paging import window
from tas.core.use_cases import check_version, commit, refuse_if
from tas.extensions import db
from tas.organisations.models import Agency, School, User, link_worker_schools
from tas.plans import rules
from tas.plans.models import Action, ActionEvent, AgencyInvolvement, SharedPlan

SCHOOL_ROLES = ("dsl", "school_staff")
# Who may be named as an action's owner (owner_people), and so has actions of their own to list.
OWNER_ROLES = frozenset({*SCHOOL_ROLES, "link_worker", "practitioner"})


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


def problems(plan: SharedPlan, values: dict, action: Action | None = None) -> dict:
    """What to put right before an action (new, or `action` changed) is saved on the plan."""
    status = values.get("status", action.status if action else None)
    note = values.get("completion_note", action.completion_note if action else None)
    return {
        **_owner_problems(plan, values),
        **_involvement_problems(plan, values),
        **rules.action_problems(status, note),
        **rules.due_date_problems(
            values.get("due_on"), plan.started_on, clock.today(), kept=action and action.due_on
        ),
    }


def add_action(plan: SharedPlan, user: User, values: dict) -> Action:
    """A new action on the plan; its history starts with what it was created as."""
    refuse_if(problems(plan, values))
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
    refuse_if(problems(db.session.get(SharedPlan, action.plan_id), values, action))
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


# The records an action's history names by id, and how each is named.
NAMED_IDS = ("owner_agency_id", "owner_user_id", "owner_family_member_id", "involvement_id")


def names_in_history(events: Iterable[ActionEvent]) -> dict[str, dict[int, str]]:
    """For each id field of `NAMED_IDS`, the names of the records a history mentions (before
    or after a change): one query a kind, however long the history."""
    ids: dict[str, set[int]] = {field_name: set() for field_name in NAMED_IDS}
    for event in events:
        for field_name in NAMED_IDS:
            ids[field_name].update(v for v in event.changes.get(field_name, ()) if v is not None)
    lookups = {
        "owner_agency_id": select(Agency.id, Agency.name).where(
            Agency.id.in_(ids["owner_agency_id"])
        ),
        "owner_user_id": select(User.id, User.name).where(User.id.in_(ids["owner_user_id"])),
        "owner_family_member_id": select(
            FamilyMember.id,
            FamilyMember.name + " (" + FamilyMember.relationship_to_child + ")",
        ).where(FamilyMember.id.in_(ids["owner_family_member_id"])),
        "involvement_id": select(AgencyInvolvement.id, Agency.name)
        .join(Agency, Agency.id == AgencyInvolvement.agency_id)
        .where(AgencyInvolvement.id.in_(ids["involvement_id"])),
    }
    return {
        field_name: dict(db.session.execute(query).all()) if ids[field_name] else {}
        for field_name, query in lookups.items()
    }


def viewed(action: Action) -> None:
    audit_view("action_viewed", target=action, detail={"plan_id": action.plan_id})


# ---------------------------------------------------------------- your actions


@dataclass(frozen=True)
class YourAction:
    """An open action the person owns, with the child whose plan it is on."""

    action: Action
    owner: str  # "You", or the agency's name
    child_id: int
    child_name: str
    school: str
    overdue: bool


def _owned_by(user: User) -> ColumnElement[bool]:
    """Actions the person owns by name, and their agency's actions on plans where they are the
    agency's named practitioner (on an involvement requested or active; reading the child needs
    an active one): the agency's work on that child is theirs to do."""
    by_name = and_(Action.owner_kind == "person", Action.owner_user_id == user.id)
    if user.agency_id is None:
        return by_name
    named = (
        exists()
        .where(
            AgencyInvolvement.plan_id == Action.plan_id,
            AgencyInvolvement.agency_id == user.agency_id,
            AgencyInvolvement.practitioner_id == user.id,
            AgencyInvolvement.status.in_(sorted(rules.OPEN_INVOLVEMENT_STATUSES)),
        )
        .correlate(Action)
    )
    by_agency = and_(Action.owner_kind == "agency", Action.owner_agency_id == user.agency_id, named)
    return or_(by_name, by_agency)


def _yours(user: User, *columns) -> Select:
    """The person's open actions (`_owned_by`) that they can update now: on open plans (not held
    by Social Care, not closed) whose family's agreement stands, of children they may still read
    (the children's access check), as `PlanRights.may_update_action` asks. A person who lost
    the child loses the action here too."""
    return (
        select(*columns)
        .join(SharedPlan, SharedPlan.id == Action.plan_id)
        .join(Child, Child.id == SharedPlan.child_id)
        .where(
            _owned_by(user),
            Action.status.in_(sorted(rules.OPEN_ACTION_STATUSES)),
            SharedPlan.status == "open",
            agreed.agreement_stands(),
            children.visible(user),
        )
    )


@dataclass(frozen=True)
class YourActions:
    """One page of the person's open actions, with how many they have and how many are
    overdue in all."""

    rows: list[YourAction] = field(default_factory=list)
    number: int = 1
    pages: int = 1
    total: int = 0
    overdue: int = 0


def _counted(user: User, today: date) -> tuple[int, int]:
    """(open actions, of which overdue): one query."""
    every = func.count(Action.id)
    total, overdue = db.session.execute(
        _yours(user, every, every.filter(Action.due_on < today))
    ).one()
    return total or 0, overdue or 0


def yours(user: User, today: date, page: int, size: int) -> YourActions:
    """A page of the person's open actions, soonest due first (those with no due date last):
    two queries whatever their number. The page names children, so its read is audited."""
    if user.role not in OWNER_ROLES or not user.active:
        return YourActions()
    total, overdue = _counted(user, today)
    shown = window(page, total, size)
    rows = db.session.execute(
        _yours(user, Action, Child.id, Child.first_name, Child.last_name, School.name)
        .join(School, School.id == Child.school_id)
        .options(joinedload(Action.owner_agency))
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
        .limit(shown.size)
        .offset(shown.start)
    ).all()
    found = [
        YourAction(
            action=action,
            owner="You" if action.owner_kind == "person" else action.owner_agency.name,
            child_id=child_id,
            child_name=f"{first} {last}",
            school=school,
            overdue=rules.action_is_overdue(action.status, action.due_on, today),
        )
        for action, child_id, first, last, school in rows
    ]
    if found:
        audit_view(
            "actions_listed",
            detail={
                "child_ids": sorted({row.child_id for row in found}),
                "action_ids": [row.action.id for row in found],
                "page": shown.number,
            },
        )
    return YourActions(found, shown.number, shown.pages, total, overdue)


def overdue_count(user: User, today: date) -> int:
    """How many of the person's open actions are overdue (for the home page: a count, no
    child's details, one query)."""
    if user.role not in OWNER_ROLES or not user.active:
        return 0
    return _counted(user, today)[1]
