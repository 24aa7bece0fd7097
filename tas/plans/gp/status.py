"""What a plan shows about telling the child's GP practice: whether the notification is due,
sent or missing, the updates waiting, and who may send them (tas.plans.gp.services sends)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.children.access import Access
from tas.children.models import Agreement, Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import label
from tas.core.clock import local, today
from tas.extensions import db
from tas.organisations.models import Agency, User
from tas.plans.gp import rules as gp_rules
from tas.plans.models import AgencyInvolvement, GpNotification, SharedPlan

MISSING_LIST_ROLES = frozenset({"dsl", "link_worker", "coordinator"})


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
