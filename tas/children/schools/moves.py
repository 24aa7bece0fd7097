"""Changing a child's school once it has happened: the date of the move (today or in the past),
what it will change (shown before anything changes), and the move itself, audited and committed
once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import or_, select

from tas.audit.services import record
from tas.children.models import Child, FileTransfer, SchoolMove, StaffGrant
from tas.children.schools import rules as school_move_rules
from tas.children.schools.services import staff_grants
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import local, utcnow
from tas.core.days import academic_year, add_working_days
from tas.core.school_calendar import SchoolClosures
from tas.core.use_cases import Refused, StaleEdit, commit
from tas.extensions import db
from tas.meetings.models import Term
from tas.organisations.models import School, User, link_worker_schools
from tas.plans.models import Action, ActionEvent, SharedPlan
from tas.plans.rules import OPEN_ACTION_STATUSES

# ---------------------------------------------------------------- moving school


def school_closures(today):
    """Bank holidays and the school holidays of this academic year and the next (term dates)."""
    year = academic_year(today)
    terms = db.session.scalars(select(Term).where(Term.academic_year.in_((year, year + 1))))
    return SchoolClosures.of(
        ENGLAND_AND_WALES, [period for term in terms for period in term.school_periods]
    )


def schools_to_move_to(child: Child) -> list[School]:
    return list(
        db.session.scalars(select(School).where(School.id != child.school_id).order_by(School.name))
    )


def last_move_on(child: Child) -> date | None:
    """The day of the child's last recorded move (older rows: the day it was recorded)."""
    row = db.session.execute(
        select(SchoolMove.moved_on, SchoolMove.moved_at)
        .where(SchoolMove.child_id == child.id)
        .order_by(SchoolMove.moved_at.desc(), SchoolMove.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return row.moved_on or local(row.moved_at).date()


def _checked(child: Child, to_school_id: int | None, moved_on: date | None) -> School:
    """The new school, or Refused with what to put right."""
    problems = school_move_rules.move_date_problems(
        moved_on, local(utcnow()).date(), last_move_on(child)
    )
    school = db.session.get(School, to_school_id) if to_school_id else None
    if school is None or to_school_id == child.school_id:
        problems["school"] = "Select the child's new school"
    if problems:
        raise Refused(problems)
    return school


@dataclass(frozen=True)
class MoveCheck:
    """What a change of school will change, shown before anything changes."""

    child: Child
    old_school: School
    new_school: School
    moved_on: date
    read_only_until: date
    file_due_on: date
    old_dsls: list[str]  # read-only for a time, then no access
    staff_losing: list[str]  # other staff the DSL let see the child: no access at once
    link_workers_losing: list[str]  # linked to the old school only, not leading the plan
    new_dsls: list[str]
    # Open actions the old school's staff own on the plan: handed to the plan's lead, who can
    # still act on them (the old school only reads the record from the move).
    actions_handed: int = 0
    plan_lead: str | None = None
    # Open actions the old school's staff own on a plan with no lead: they stay with them.
    actions_kept: int = 0
    leaderless_plan_id: int | None = None


def _names(query) -> list[str]:
    return list(db.session.scalars(query.order_by(User.name, User.id)))


def _linked_to(school_id: int):
    return select(link_worker_schools.c.user_id).where(link_worker_schools.c.school_id == school_id)


def check_move(child: Child, to_school_id: int | None, moved_on: date | None) -> MoveCheck:
    """Check the move and say what it will change (a few queries, however many people)."""
    new_school = _checked(child, to_school_id, moved_on)
    owned = _school_owned_actions(child)
    handed, kept = _handed(owned), _kept(owned)
    now = utcnow()
    config = current_app.config
    today = local(now).date()
    until = school_move_rules.read_only_until(now, config["OLD_SCHOOL_READ_ONLY_DAYS"])
    active = select(User.name).where(User.active.is_(True))
    leads = select(SharedPlan.lead_practitioner_id).where(
        SharedPlan.child_id == child.id,
        SharedPlan.status != "closed",
        SharedPlan.lead_practitioner_id.is_not(None),
    )
    return MoveCheck(
        child=child,
        old_school=child.school,
        new_school=new_school,
        moved_on=moved_on,
        read_only_until=local(until).date(),
        file_due_on=_file_due(today),
        old_dsls=_names(active.where(User.role == "dsl", User.school_id == child.school_id)),
        staff_losing=[grant.user.name for grant in staff_grants(child)],
        link_workers_losing=_names(
            active.where(
                User.role == "link_worker",
                User.id.in_(_linked_to(child.school_id)),
                User.id.not_in(_linked_to(new_school.id)),
                User.id.not_in(leads),
            )
        ),
        new_dsls=_names(active.where(User.role == "dsl", User.school_id == new_school.id)),
        actions_handed=len(handed),
        plan_lead=handed[0][1].lead_practitioner.name if handed else None,
        actions_kept=len(kept),
        leaderless_plan_id=kept[0][1].id if kept else None,
    )


def _school_owned_actions(child: Child) -> list[tuple[Action, SharedPlan]]:
    """The open actions on the child's open plans owned by a DSL or member of staff of the
    child's present school (one query), each with its plan: those on a plan with a lead are
    handed to the lead; a plan with no lead keeps them (`_handed`, `_kept`)."""
    rows = db.session.execute(
        select(Action, SharedPlan)
        .join(SharedPlan, Action.plan_id == SharedPlan.id)
        .join(User, User.id == Action.owner_user_id)
        .where(
            SharedPlan.child_id == child.id,
            SharedPlan.status != "closed",
            or_(
                SharedPlan.lead_practitioner_id.is_(None),
                Action.owner_user_id != SharedPlan.lead_practitioner_id,
            ),
            Action.status.in_(sorted(OPEN_ACTION_STATUSES)),
            User.school_id == child.school_id,
            User.role.in_(("dsl", "school_staff")),
        )
        .order_by(Action.id)
    )
    return [(action, plan) for action, plan in rows]


def _handed(owned: list[tuple[Action, SharedPlan]]) -> list[tuple[Action, SharedPlan]]:
    return [(action, plan) for action, plan in owned if plan.lead_practitioner_id is not None]


def _kept(owned: list[tuple[Action, SharedPlan]]) -> list[tuple[Action, SharedPlan]]:
    """Those that stay with the old school's staff, who can only read the record from the
    move: their plan has no lead to take them (the check says so before anything changes)."""
    return [(action, plan) for action, plan in owned if plan.lead_practitioner_id is None]


def _file_due(today: date) -> date:
    """KCSIE: the file goes within 5 school days of the move being recorded (a move is
    recorded once it has happened)."""
    days = current_app.config["FILE_TRANSFER_SCHOOL_DAYS"]
    return add_working_days(today, days, school_closures(today))


def move_school(
    user: User,
    child: Child,
    version: int | None,
    to_school_id: int,
    moved_on: date | None = None,
    now: datetime | None = None,
) -> SchoolMove:
    """Move the child to another school, on or after the day of the move (never before: the
    date is checked again here): the new school has the record at once, the old one reads it
    for a set time, and its DSL is asked to send the child protection file on (KCSIE: within 5
    school days, receipt confirmed). Staff grants at the old school end."""
    if version is None or version != child.version:
        raise StaleEdit
    _checked(child, to_school_id, moved_on)
    now = now or utcnow()
    config = current_app.config
    today = local(now).date()
    move = SchoolMove(
        child_id=child.id,
        from_school_id=child.school_id,
        to_school_id=to_school_id,
        moved_at=now,
        moved_on=moved_on or today,
        read_only_until=school_move_rules.read_only_until(now, config["OLD_SCHOOL_READ_ONLY_DAYS"]),
        moved_by_id=user.id,
    )
    due = _file_due(today)
    transfer = FileTransfer(move=move, due_on=due)
    ended = list(
        db.session.scalars(
            select(StaffGrant).where(
                StaffGrant.child_id == child.id, StaffGrant.revoked_at.is_(None)
            )
        )
    )
    handed = _handed(_school_owned_actions(child))

    def write() -> None:
        for grant in ended:
            grant.revoked_at = now
        for action, plan in handed:
            before = action.owner_user_id
            action.owner_user_id = plan.lead_practitioner_id
            db.session.add(
                ActionEvent(
                    action_id=action.id,
                    at=now,
                    by_id=user.id,
                    changes={"owner_user_id": [before, plan.lead_practitioner_id]},
                )
            )
        child.school_id = to_school_id
        db.session.add_all([move, transfer])
        db.session.flush()  # a competing change to the child shows here
        record(
            "child_school_changed",
            target=child,
            detail={
                "from_school_id": move.from_school_id,
                "to_school_id": to_school_id,
                "moved_on": move.moved_on.isoformat(),
                "file_transfer_due_on": due.isoformat(),
                "staff_grants_ended": len(ended),
                "actions_handed_to_plan_lead": [action.id for action, _plan in handed],
            },
        )

    commit(write)
    return move
