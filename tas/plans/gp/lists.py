"""GP notifications across plans: the list of missing ones for schools, link workers and
coordinators, and the GP practice's own list with its acknowledgements and replies. One plan's
notifications are in gp_notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload

from tas.audit.services import audit_view, record
from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import label
from tas.core.clock import today, utcnow
from tas.core.use_cases import check_version, commit
from tas.extensions import db
from tas.organisations.models import Agency, School, User
from tas.plans import rules
from tas.plans.gp import rules as gp_rules
from tas.plans.gp.status import working_days
from tas.plans.models import AgencyInvolvement, GpNotification, SharedPlan

# ---------------------------------------------------------------- across plans


@dataclass(frozen=True)
class MissingRow:
    plan_id: int
    child_id: int
    reference: str
    school: str
    child_name: str | None  # None for coordinators: no names without a reason
    practice: str | None
    # Who to ask: the plan's lead practitioner. None for coordinators: with the school and the
    # plan, a name would narrow who the child is, as the practice would (no reason recorded).
    lead: str | None
    kind: str
    status: gp_rules.Status


def missing_gp_notifications(user: User) -> list[MissingRow]:
    """Every plan the user may see that is missing its GP notification (or has an update
    waiting), in one query. Coordinators get the plans of the schools they cover, without
    names."""
    first_on = (
        select(func.min(func.coalesce(AgencyInvolvement.started_on, SharedPlan.started_on)))
        .where(AgencyInvolvement.plan_id == SharedPlan.id, AgencyInvolvement.status == "active")
        .correlate(SharedPlan)
        .scalar_subquery()
    )
    initial_sent = exists().where(
        GpNotification.plan_id == SharedPlan.id,
        GpNotification.kind == gp_rules.INITIAL,
        GpNotification.sent_at.is_not(None),
    )
    first_waiting = (
        select(GpNotification.id)
        .where(
            GpNotification.plan_id == SharedPlan.id,
            GpNotification.kind != gp_rules.INITIAL,
            GpNotification.sent_at.is_(None),
        )
        .order_by(GpNotification.id)
        .limit(1)
        .correlate(SharedPlan)
        .scalar_subquery()
    )
    update = aliased(GpNotification)
    coordinator = user.role == "coordinator"
    practice = aliased(Agency)
    lead = aliased(User)
    names = [] if coordinator else [Child.first_name, Child.last_name]
    expected = and_(
        SharedPlan.status != "closed",
        Child.gp_practice_id.is_not(None),
        first_on.is_not(None),
        ~initial_sent,
    )
    query = (
        select(
            SharedPlan.id,
            SharedPlan.child_id,
            School.name,
            practice.name,
            lead.name,
            first_on,
            expected,
            update.kind,
            update.due_on,
            *names,
        )
        .join(Child, SharedPlan.child_id == Child.id)
        .join(School, Child.school_id == School.id)
        .outerjoin(practice, Child.gp_practice_id == practice.id)
        .outerjoin(lead, SharedPlan.lead_practitioner_id == lead.id)
        .outerjoin(update, update.id == first_waiting)
        .where(or_(expected, update.id.is_not(None)))
        .where(children.covered_by_coordinator(user) if coordinator else children.visible(user))
    )
    day, days = today(), working_days()
    found = []
    for row in db.session.execute(query):
        plan_id, child_id, school, practice_name, lead_name, first, initial_missing, *rest = row
        update_kind, update_due, *name = rest
        if initial_missing:
            # The notification itself is what is missing: due 5 working days after the first
            # involvement. Once given, only an update can wait, with its own due date.
            kind = gp_rules.INITIAL
            due = gp_rules.due_on(first, days, ENGLAND_AND_WALES)
        else:
            kind, due = update_kind, update_due
        found.append(
            MissingRow(
                plan_id=plan_id,
                child_id=child_id,
                reference=rules.plan_reference(plan_id),
                school=school,
                child_name=None if coordinator else " ".join(name),
                practice=None if coordinator else practice_name,
                lead=None if coordinator else lead_name,
                kind=kind,
                status=gp_rules.waiting_status(kind, due, day),
            )
        )
    return sorted(found, key=lambda r: (r.status.due_on or date.max, r.plan_id))


def missing_list_viewed(count: int) -> None:
    audit_view("gp_notifications_missing_viewed", detail={"plans": count})


# ---------------------------------------------------------------- the GP practice's own list


@dataclass(frozen=True)
class PracticeRow:
    """One notification as the practice sees it: who the child is and who is involved."""

    notification: GpNotification
    plan: SharedPlan
    child: Child
    lead: User | None
    involvements: list[AgencyInvolvement]

    @property
    def kind_label(self) -> str:
        return label(gp_rules.KINDS, self.notification.kind)


def _for_practice(user: User):
    """Notifications sent to the user's practice about children registered with it now."""
    return (
        select(GpNotification, SharedPlan, Child)
        .join(SharedPlan, GpNotification.plan_id == SharedPlan.id)
        .join(Child, SharedPlan.child_id == Child.id)
        .where(
            GpNotification.gp_practice_id == user.agency_id,
            GpNotification.sent_at.is_not(None),
            children.visible(user, Access.GP_SUMMARY),
        )
    )


def to_acknowledge(user: User) -> int:
    """How many of the practice's notifications nobody there has acknowledged yet (one query):
    what a GP's home page points to first."""
    if user.role != "gp" or user.agency_id is None or not user.active:
        return 0
    waiting = _for_practice(user).where(GpNotification.acknowledged_at.is_(None)).subquery()
    return db.session.scalar(select(func.count()).select_from(waiting)) or 0


def practice_notifications(user: User) -> list[PracticeRow]:
    """The practice's notifications, newest first, with who is involved (two queries)."""
    if user.role != "gp" or user.agency_id is None:
        abort(403)
    found = db.session.execute(
        _for_practice(user)
        .options(joinedload(SharedPlan.lead_practitioner))
        .order_by(GpNotification.sent_at.desc(), GpNotification.id.desc())
    ).all()
    plan_ids = {plan.id for _, plan, _ in found}
    involved: dict[int, list[AgencyInvolvement]] = {plan_id: [] for plan_id in plan_ids}
    if plan_ids:
        for involvement in db.session.scalars(
            select(AgencyInvolvement)
            .options(
                joinedload(AgencyInvolvement.agency), joinedload(AgencyInvolvement.practitioner)
            )
            .where(
                AgencyInvolvement.plan_id.in_(plan_ids),
                AgencyInvolvement.status.in_(("active", "requested")),
            )
            .order_by(AgencyInvolvement.id)
        ):
            involved[involvement.plan_id].append(involvement)
    return [
        PracticeRow(row, plan, child, plan.lead_practitioner, involved[plan.id])
        for row, plan, child in found
    ]


@dataclass(frozen=True)
class ChildNotification:
    """One of the practice's notifications about a child, as the child's page lists it."""

    notification: GpNotification
    reference: str

    @property
    def kind_label(self) -> str:
        return label(gp_rules.KINDS, self.notification.kind)


def practice_notifications_of(user: User, child_id: int) -> list[ChildNotification]:
    """The notifications the user's practice was sent about this child, newest first (one
    query; none for anyone but a GP practice's staff): the child's page links each."""
    if user.role != "gp" or user.agency_id is None:
        return []
    found = db.session.execute(
        _for_practice(user)
        .where(Child.id == child_id)
        .with_only_columns(GpNotification, SharedPlan.id)
        .order_by(GpNotification.sent_at.desc(), GpNotification.id.desc())
    ).all()
    return [ChildNotification(row, rules.plan_reference(plan_id)) for row, plan_id in found]


def practice_notification(user: User, notification_id: int) -> GpNotification:
    """One of the practice's notifications, or 404 (another practice's, or a guessed id)."""
    if user.role != "gp" or user.agency_id is None:
        abort(403)
    row = db.session.scalar(
        _for_practice(user)
        .where(GpNotification.id == notification_id)
        .with_only_columns(GpNotification)
    )
    if row is None:
        abort(404)
    return row


def practice_list_viewed(user: User) -> None:
    if user.role != "gp" or user.agency_id is None:
        abort(403)
    audit_view("gp_notifications_viewed", detail={"gp_practice_id": user.agency_id})


def acknowledge(user: User, notification: GpNotification) -> bool:
    """The practice has noted it (once: a second click, or a colleague's at the same moment,
    changes nothing). Written in place, leaving the version alone: noting it changes no answer,
    so a colleague's open reply form still saves."""
    noted = db.session.execute(
        update(GpNotification)
        .where(GpNotification.id == notification.id, GpNotification.acknowledged_at.is_(None))
        .values(acknowledged_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not noted:
        db.session.rollback()
        return False
    record("gp_notification_acknowledged", target=notification, actor=user)
    db.session.commit()
    return True


def reply(user: User, notification: GpNotification, version: int | None, text: str) -> dict:
    """The practice's answer to "which health services are involved?" (acknowledges too), from
    a form opened on `version`: what changed, or {} with nothing written when it is the answer
    given already. Refused (StaleEdit) when someone else at the practice saved since."""
    check_version(notification, version)
    if notification.health_services_reply == text and notification.acknowledged_at is not None:
        return {}

    def write() -> dict:
        notification.health_services_reply = text
        if notification.acknowledged_at is None:
            notification.acknowledged_at = utcnow()
        record(
            "gp_health_services_replied",
            target=notification,
            actor=user,
            detail={"plan_id": notification.plan_id, "characters": len(text)},
        )
        return {"health_services_reply": text}

    return commit(write)
