"""The kinds of thing people are reminded about: reviews, actions, GP notifications and GP
updates. Each kind is a source in a small registry, so a new kind (voice-of-the-child concerns,
say) takes a few lines: one decorated function with one query.

A source answers, for open things due up to a day (or for some ids, to check they are still
open), what reminders need: the thing's id and due date, its owner, the reference a reminder
may name (never a child's name), the link to its page in the app, and the child's school (for
fallback recipients and the coordinators' digest). Each source runs one query, however many
things are due.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import exists, func, select

from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import label
from tas.extensions import db
from tas.plans.gp import rules as gp_rules
from tas.plans.models import Action, AgencyInvolvement, GpNotification, SharedPlan
from tas.plans.rules import OPEN_ACTION_STATUSES
from tas.reviews import rules
from tas.reviews.models import Review


@dataclass(frozen=True)
class Due:
    """One open thing with a due date, as reminders see it."""

    target_kind: str
    target_id: int
    due_on: date
    owner_id: int | None
    reference: str
    link: str  # a path in the app: BASE_URL + link
    school_id: int
    what: str  # "plan review", "action", "GP notification"...
    # Also remind the available DSLs of the child's school, beside the owner (or their
    # stand-ins): a decision in the minutes still to be recorded is theirs to chase too.
    with_school_dsls: bool = False


Finder = Callable[[date | None, Collection[int] | None], list[Due]]


@dataclass(frozen=True)
class Source:
    """A kind of reminder: its target kind, what the person should do, and its one query
    (`find(due_by, ids)`: open things due on or before `due_by`, or those of `ids` still open;
    neither: every open thing)."""

    target_kind: str
    todo: str
    find: Finder


SOURCES: dict[str, Source] = {}


def source(target_kind: str, *, todo: str) -> Callable[[Finder], Finder]:
    """Register a kind of reminder (a decorator on its finder)."""

    def register(find: Finder) -> Finder:
        SOURCES[target_kind] = Source(target_kind, todo, find)
        return find

    return register


def due_until(due_by: date) -> list[Due]:
    """Every open thing of every kind due on or before `due_by` (one query per kind)."""
    return [item for entry in SOURCES.values() for item in entry.find(due_by, None)]


def still_open(keys: Collection[tuple[str, int]]) -> dict[tuple[str, int], Due]:
    """Of these (target kind, id) pairs, the ones still open, as they are now."""
    wanted: dict[str, set[int]] = {}
    for kind, target_id in keys:
        wanted.setdefault(kind, set()).add(target_id)
    found = {}
    for kind, ids in wanted.items():
        entry = SOURCES.get(kind)
        if entry is None:
            continue
        for item in entry.find(None, sorted(ids)):
            found[(item.target_kind, item.target_id)] = item
    return found


def path_for(endpoint: str, **values) -> str:
    """A page's path in the app, outside a request (the scheduler has none)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


# ---------------------------------------------------------------- reviews

REVIEW_WHAT = {
    "handover_meeting": "handover meeting",
    "ifd_decision": "IFD decision",
    "assessment_outcome": "assessment outcome",
    "plan_review": "plan review",
}


@source(
    "review",
    todo=(
        "Open the review to see what is needed. Once it has happened, record it as completed "
        "so the reminders stop."
    ),
)
def reviews(due_by: date | None, ids: Collection[int] | None) -> list[Due]:
    query = (
        select(
            Review.id,
            Review.kind,
            Review.due_on,
            Review.owner_id,
            Review.plan_id,
            Review.referral_id,
            Child.school_id,
        )
        .join(Child, Child.id == Review.child_id)
        .where(Review.status == "open")
    )
    if ids is not None:
        query = query.where(Review.id.in_(ids))
    if due_by is not None:
        query = query.where(Review.due_on <= due_by)
    found = []
    for review_id, kind, due_on, owner_id, plan_id, referral_id, school_id in db.session.execute(
        query.order_by(Review.id)
    ):
        found.append(
            Due(
                "review",
                review_id,
                due_on,
                owner_id,
                rules.review_reference(review_id, plan_id, referral_id),
                path_for("reviews.review", review_id=review_id),
                school_id,
                REVIEW_WHAT.get(kind, "review"),
            )
        )
    return found


# ---------------------------------------------------------------- actions


@source(
    "action",
    todo=(
        "Open the action and update it: mark it done once it has happened, or change its due "
        "date with the team if it has moved."
    ),
)
def actions(due_by: date | None, ids: Collection[int] | None) -> list[Due]:
    """Actions not started or in progress, with a due date, on a plan that is not closed. The
    owner is the named person, else (an agency, the family, the child) the lead practitioner."""
    query = (
        select(
            Action.id,
            Action.due_on,
            Action.owner_kind,
            Action.owner_user_id,
            SharedPlan.id,
            SharedPlan.child_id,
            SharedPlan.lead_practitioner_id,
            Child.school_id,
        )
        .join(SharedPlan, SharedPlan.id == Action.plan_id)
        .join(Child, Child.id == SharedPlan.child_id)
        .where(
            Action.status.in_(sorted(OPEN_ACTION_STATUSES)),
            Action.due_on.is_not(None),
            # Early help pauses while Social Care holds the case: its plan is read-only, so
            # nobody could update the action (GP updates still go: they are about that step).
            SharedPlan.status == "open",
        )
    )
    if ids is not None:
        query = query.where(Action.id.in_(ids))
    if due_by is not None:
        query = query.where(Action.due_on <= due_by)
    found = []
    for row in db.session.execute(query.order_by(Action.id)):
        action_id, due_on, owner_kind, owner_user_id, plan_id, child_id, lead_id, school_id = row
        owner = owner_user_id if owner_kind == "person" and owner_user_id else lead_id
        found.append(
            Due(
                "action",
                action_id,
                due_on,
                owner,
                rules.plan_reference(plan_id),
                path_for("plans.action", child_id=child_id, action_id=action_id),
                school_id,
                "action",
            )
        )
    return found


# ---------------------------------------------------------------- GP notifications

GP_TODO = (
    "Open the plan's GP notification page: send it to the child's GP practice from there, or "
    "record it if it was given another way."
)


def gp_working_days() -> int:
    return int(current_app.config["GP_NOTIFICATION_WORKING_DAYS"])


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
    days = gp_working_days()
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
