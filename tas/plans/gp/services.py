"""Telling the child's GP practice that agencies are involved: what is expected on a plan,
sending it securely through the outbox or recording it by hand, and updates on step up, step
down and closure. The lists across plans (missing ones, the practice's own) are in gp_lists.

Emails go only to the practice's mailbox, and only when its domain is on the secure-email
allow-list (GP_SECURE_EMAIL_DOMAINS). Subjects carry the plan reference, never a name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask import current_app, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Agreement, Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import label
from tas.core.clock import LONDON, local, today, utcnow
from tas.core.days import add_working_days
from tas.core.use_cases import Refused, refuse_if
from tas.core.words import long_date
from tas.extensions import db
from tas.organisations.models import Agency, User
from tas.outbox.services import queue
from tas.plans.gp import rules as gp_rules
from tas.plans.models import AgencyInvolvement, GpNotification, SharedPlan
from tas.reviews.services import level_label

MISSING_LIST_ROLES = frozenset({"dsl", "link_worker", "coordinator"})
NOT_SECURE = (
    "This practice's mailbox is not on the secure email list, so the notification cannot be "
    "sent from TAS Coordinator: give it another way and record it by hand"
)


class AlreadySent(Exception):
    """Nothing of this kind is waiting to be sent: someone (or an earlier click) sent it."""

    def __init__(self, notification: GpNotification | None):
        super().__init__("already sent")
        self.notification = notification


def working_days() -> int:
    return int(current_app.config["GP_NOTIFICATION_WORKING_DAYS"])


def secure(practice: Agency | None) -> bool:
    """Whether the app may email this practice's safeguarding mailbox."""
    domains = current_app.config["GP_SECURE_EMAIL_DOMAINS"]
    return practice is not None and gp_rules.secure_address(practice.contact_email, domains)


def may_notify(user: User, plan: SharedPlan, level: Access, agreement: Agreement | None) -> bool:
    """People who may change the plan (EDIT on the child, or its lead practitioner while the
    family's agreement stands) send and record notifications, also once the plan is closed or
    held by Social Care, when the updates go."""
    if agreement is None:
        return False
    return level >= Access.EDIT or plan.lead_practitioner_id == user.id


# ---------------------------------------------------------------- one plan


@dataclass
class PlanGp:
    """What a plan shows about its GP notifications."""

    status: gp_rules.Status
    sent: list[GpNotification] = field(default_factory=list)  # newest first
    pending_updates: list[GpNotification] = field(default_factory=list)
    outstanding: str | None = None  # the kind waiting to be sent, if any

    @staticmethod
    def kind_label(kind: str) -> str:
        return label(gp_rules.KINDS, kind)

    @staticmethod
    def method_label(method: str | None) -> str:
        return gp_rules.method_label(method).capitalize()

    @property
    def flags(self) -> list[str]:
        words = [gp_rules.flag(self.status)]
        words += [gp_rules.update_flag(row.kind, row.due_on) for row in self.pending_updates]
        return [word for word in words if word]


def notifications_of(plan_id: int) -> list[GpNotification]:
    """Every notification of a plan, newest first (one query)."""
    return list(
        db.session.scalars(
            select(GpNotification)
            .where(GpNotification.plan_id == plan_id)
            .order_by(GpNotification.sent_at.desc().nulls_first(), GpNotification.id.desc())
        )
    )


def plan_gp(plan: SharedPlan, gp_known: bool, involvements: list[AgencyInvolvement]) -> PlanGp:
    """The plan's GP notification status from its involvements (already loaded): one query."""
    rows = notifications_of(plan.id)
    initial = next((r for r in rows if r.kind == gp_rules.INITIAL and r.sent_at), None)
    first = gp_rules.first_involvement_day(
        [i.started_on for i in involvements if i.status == "active"], plan.started_on
    )
    state = gp_rules.status(
        plan_open=plan.status != "closed",
        gp_known=gp_known,
        first_involved=first,
        sent_on=local(initial.sent_at).date() if initial else None,
        method=initial.method if initial else None,
        working_days=working_days(),
        today=today(),
        holidays=ENGLAND_AND_WALES,
    )
    pending = [r for r in rows if r.kind != gp_rules.INITIAL and r.sent_at is None]
    outstanding = gp_rules.INITIAL if state.missing else (pending[-1].kind if pending else None)
    return PlanGp(state, [r for r in rows if r.sent_at], pending, outstanding)


def _active_involvements(plan_id: int) -> list[AgencyInvolvement]:
    return list(
        db.session.scalars(
            select(AgencyInvolvement)
            .options(
                joinedload(AgencyInvolvement.agency), joinedload(AgencyInvolvement.practitioner)
            )
            .where(AgencyInvolvement.plan_id == plan_id, AgencyInvolvement.status == "active")
            .order_by(AgencyInvolvement.started_on, AgencyInvolvement.id)
        )
    )


def plan_to_notify(child_id: int) -> SharedPlan | None:
    """The plan a notification is about: the open one, else the latest."""
    return db.session.scalar(
        select(SharedPlan)
        .options(joinedload(SharedPlan.lead_practitioner))
        .where(SharedPlan.child_id == child_id)
        .order_by((SharedPlan.status == "closed"), SharedPlan.started_on.desc())
        .order_by(SharedPlan.id.desc())
        .limit(1)
    )


@dataclass
class NotifyPage:
    """The send-or-record page of one plan."""

    plan: SharedPlan
    child: Child
    practice: Agency | None
    secure: bool
    gp: PlanGp
    involvements: list[AgencyInvolvement]


def notify_page(plan: SharedPlan) -> NotifyPage:
    child = plan.child
    involvements = _active_involvements(plan.id)
    practice = child.gp_practice
    gp = plan_gp(plan, practice is not None, involvements)
    return NotifyPage(plan, child, practice, secure(practice), gp, involvements)


def _waiting_row(plan: SharedPlan, kind: str) -> GpNotification | None:
    """Lock the plan (PostgreSQL) so two clicks cannot both send, then check what is waiting:
    the pending row of an update, or a new row for the initial notification."""
    db.session.scalar(select(SharedPlan.id).where(SharedPlan.id == plan.id).with_for_update())
    page = notify_page(plan)
    if page.gp.outstanding != kind and not (
        kind in gp_rules.UPDATE_KINDS and any(r.kind == kind for r in page.gp.pending_updates)
    ):
        already = next((r for r in page.gp.sent if r.kind == kind), None)
        raise AlreadySent(already)
    if kind == gp_rules.INITIAL:
        return GpNotification(
            plan_id=plan.id,
            gp_practice_id=page.child.gp_practice_id,
            kind=kind,
            due_on=page.gp.status.due_on,
        )
    return next(r for r in page.gp.pending_updates if r.kind == kind)


def _email(page: NotifyPage, kind: str, reason: str | None, ask: bool, agreement) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return render_template(
        "plans/email/gp_notification.txt",
        kind=kind,
        kind_label=label(gp_rules.KINDS, kind),
        plan=page.plan,
        child=page.child,
        practice=page.practice,
        level_label=level_label(page.plan.level_of_need),
        reason_label=label(gp_rules.REASONS, reason) if reason else None,
        involvements=page.involvements,
        lead=page.plan.lead_practitioner,
        family_told=agreement.family_told_what_and_why if agreement else None,
        ask_health_services=ask,
        link=base + url_for("gp.notifications"),
        long_date=long_date,
    )


def _send_now(
    page: NotifyPage, row: GpNotification, user: User, reason, ask: bool, agreement
) -> GpNotification:
    """Queue the email and mark the row sent, in the caller's transaction."""
    practice = page.practice
    message = queue(
        [(practice.contact_email, practice.name)],
        gp_rules.subject(row.kind, page.plan.reference),
        _email(page, row.kind, reason, ask, agreement),
    )
    db.session.add(row)
    db.session.flush()
    row.sent_at = utcnow()
    row.method = gp_rules.SENT_FROM_APP
    row.recorded_by_id = user.id
    row.outbox_message_id = message.id
    db.session.flush()
    record(
        "gp_notification_sent",
        target=row,
        detail={
            "plan_id": page.plan.id,
            "child_id": page.child.id,
            "kind": row.kind,
            "gp_practice_id": practice.id,
            "reason": reason,
            "asked_for_health_services": ask,
            "outbox_message_id": message.id,
        },
    )
    return row


def send(plan: SharedPlan, user: User, agreement, kind: str, reason, ask: bool) -> GpNotification:
    """Send the waiting notification (or update) from the app, audited, committed once."""
    if agreement is None:
        refuse_if({"reason": "The family has not agreed to early help: nothing can be sent"})
    row = _waiting_row(plan, kind)
    page = notify_page(plan)
    if not page.secure:
        db.session.rollback()
        raise Refused({"reason": NOT_SECURE})
    _send_now(page, row, user, reason, ask, agreement)
    db.session.commit()
    return row


def record_by_hand(plan: SharedPlan, user: User, kind: str, values: dict) -> GpNotification:
    """Record a notification given another way: the day, how, and by whom (the user)."""
    refuse_if(gp_rules.sent_on_problems(values["sent_on"], plan.started_on, today()))
    row = _waiting_row(plan, kind)
    row.sent_at = _noon(values["sent_on"])
    row.method = values["method"]
    row.recorded_by_id = user.id
    db.session.add(row)
    db.session.flush()
    record(
        "gp_notification_recorded",
        target=row,
        detail={
            "plan_id": plan.id,
            "child_id": plan.child_id,
            "kind": kind,
            "sent_on": values["sent_on"].isoformat(),
            "method": values["method"],
        },
    )
    db.session.commit()
    return row


def _noon(day: date):
    """A day given by hand, stored as midday in London (so it shows as that day)."""
    return datetime.combine(day, time(12, 0), tzinfo=LONDON)


def send_update(plan: SharedPlan, kind: str, user: User) -> GpNotification | None:
    """Tell the GP practice of a step up, step down or closure, inside the caller's
    transaction (the caller commits). Only practices already told about the plan get updates;
    without a secure mailbox the update waits, flagged, to be given and recorded by hand."""
    if kind not in gp_rules.UPDATE_KINDS:
        raise ValueError(f"Not a GP update: {kind}")
    child = plan.child
    agreement = children.current_agreement(child.id)
    told = db.session.scalar(
        select(GpNotification.id).where(
            GpNotification.plan_id == plan.id,
            GpNotification.gp_practice_id == child.gp_practice_id,
            GpNotification.sent_at.is_not(None),
        )
    )
    if child.gp_practice_id is None or told is None or agreement is None:
        return None
    row = GpNotification(
        plan_id=plan.id,
        gp_practice_id=child.gp_practice_id,
        kind=kind,
        due_on=add_working_days(today(), working_days(), ENGLAND_AND_WALES),
    )
    page = notify_page(plan)
    if page.secure:
        return _send_now(page, row, user, None, False, agreement)
    db.session.add(row)
    db.session.flush()
    record(
        "gp_update_waiting",
        target=row,
        detail={"plan_id": plan.id, "kind": kind, "reason": "no secure mailbox"},
    )
    return row
