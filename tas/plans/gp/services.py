"""Telling the child's GP practice that agencies are involved: what is expected on a plan,
sending it securely through the outbox or recording it by hand, and updates on step up, step
down and closure. The lists across plans (missing ones, the practice's own) are in
tas.plans.gp.lists; what a plan shows about them is in tas.plans.gp.status.

Emails go only to the practice's mailbox, and only when its domain is on the secure-email
allow-list (GP_SECURE_EMAIL_DOMAINS). Subjects carry the plan reference, never a name.
"""

from __future__ import annotations

from datetime import date, datetime, time

from flask import current_app, render_template, url_for
from sqlalchemy import select

from tas.audit.services import record
from tas.children import access as children
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import label
from tas.core.clock import LONDON, today, utcnow
from tas.core.days import add_working_days
from tas.core.use_cases import Refused, refuse_if
from tas.core.words import long_date
from tas.extensions import db
from tas.organisations.models import User
from tas.outbox.services import queue
from tas.plans.gp import rules as gp_rules
from tas.plans.gp.status import NotifyPage, notify_page, working_days
from tas.plans.models import GpNotification, SharedPlan
from tas.reviews.services import level_label

NOT_SECURE = (
    "This practice's mailbox is not on the secure email list, so the notification cannot be "
    "sent from TAS Coordinator: give it another way and record it by hand"
)


class AlreadySent(Exception):
    """Nothing of this kind is waiting to be sent: someone (or an earlier click) sent it."""

    def __init__(self, notification: GpNotification | None):
        super().__init__("already sent")
        self.notification = notification


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


def by_hand_problems(plan: SharedPlan, values: dict) -> dict[str, str]:
    """Field -> what to put right, for a notification recorded by hand on this plan."""
    return gp_rules.sent_on_problems(values["sent_on"], plan.started_on, today())


def record_by_hand(plan: SharedPlan, user: User, kind: str, values: dict) -> GpNotification:
    """Record a notification given another way: the day, how, and by whom (the user)."""
    refuse_if(by_hand_problems(plan, values))
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
