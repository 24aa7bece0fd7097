"""Reminder sources for telling GP practices: a plan's first GP notification still to give, and
the step up, step down and closure updates waiting to be given by hand (tas.reminders.sources
keeps the registry)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import exists, func, select

from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import label
from tas.core.paths import path_for
from tas.extensions import db
from tas.plans.gp import rules as gp_rules
from tas.plans.gp.status import working_days
from tas.plans.models import AgencyInvolvement, GpNotification, SharedPlan
from tas.reminders.sources import Due, source
from tas.reviews import rules

GP_TODO = (
    "Open the plan's GP notification page: send it to the child's GP practice from there, or "
    "record it if it was given another way."
)


@source("gp_notification", todo=GP_TODO)
def gp_notifications(due_by: date | None, ids: Collection[int] | None) -> list[Due]:
    """Plans whose first GP notification is expected and not given (the target is the plan, as
    gp_lists counts it): due 5 working days after the first active involvement. Owner: the
    lead practitioner."""
    first_on = (
        select(func.min(func.coalesce(AgencyInvolvement.started_on, SharedPlan.started_on)))
        .where(AgencyInvolvement.plan_id == SharedPlan.id, AgencyInvolvement.status == "active")
        .correlate(SharedPlan)
        .scalar_subquery()
    )
    initial_given = exists().where(
        GpNotification.plan_id == SharedPlan.id,
        GpNotification.kind == gp_rules.INITIAL,
        GpNotification.sent_at.is_not(None),
    )
    query = (
        select(
            SharedPlan.id,
            SharedPlan.child_id,
            SharedPlan.lead_practitioner_id,
            Child.school_id,
            first_on,
        )
        .join(Child, Child.id == SharedPlan.child_id)
        .where(
            SharedPlan.status != "closed",
            Child.gp_practice_id.is_not(None),
            first_on.is_not(None),
            ~initial_given,
        )
    )
    if ids is not None:
        query = query.where(SharedPlan.id.in_(ids))
    days = working_days()
    found = []
    for plan_id, child_id, lead_id, school_id, first in db.session.execute(
        query.order_by(SharedPlan.id)
    ):
        due_on = gp_rules.due_on(first, days, ENGLAND_AND_WALES)
        if due_by is not None and due_on > due_by:
            continue
        found.append(
            Due(
                "gp_notification",
                plan_id,
                due_on,
                lead_id,
                rules.plan_reference(plan_id),
                path_for("plans.gp_notification", child_id=child_id, plan_id=plan_id),
                school_id,
                "GP notification",
            )
        )
    return found


@source("gp_update", todo=GP_TODO)
def gp_updates(due_by: date | None, ids: Collection[int] | None) -> list[Due]:
    """Step up, step down and closure updates waiting to be given to the GP practice by hand
    (the practice has no secure mailbox). Owner: the lead practitioner."""
    query = (
        select(
            GpNotification.id,
            GpNotification.kind,
            GpNotification.due_on,
            SharedPlan.id,
            SharedPlan.child_id,
            SharedPlan.lead_practitioner_id,
            Child.school_id,
        )
        .join(SharedPlan, SharedPlan.id == GpNotification.plan_id)
        .join(Child, Child.id == SharedPlan.child_id)
        .where(
            GpNotification.kind != gp_rules.INITIAL,
            GpNotification.sent_at.is_(None),
            GpNotification.due_on.is_not(None),
        )
    )
    if ids is not None:
        query = query.where(GpNotification.id.in_(ids))
    if due_by is not None:
        query = query.where(GpNotification.due_on <= due_by)
    return [
        Due(
            "gp_update",
            row_id,
            due_on,
            lead_id,
            rules.plan_reference(plan_id),
            path_for("plans.gp_notification", child_id=child_id, plan_id=plan_id),
            school_id,
            "GP " + label(gp_rules.KINDS, kind).lower(),
        )
        for row_id, kind, due_on, plan_id, child_id, lead_id, school_id in db.session.execute(
            query.order_by(GpNotification.id)
        )
    ]
