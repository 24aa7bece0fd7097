"""The kinds of thing people are reminded about: reviews, actions, GP notifications and GP
updates. Each kind is a source in a small registry, so a new kind (voice-of-the-child concerns,
say) takes a few lines: one decorated function with one query. Reviews and actions are here;
GP notifications are in tas.reminders.gp_sources, decisions in tas.reminders.decisions.

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

from sqlalchemy import exists, or_, select

from tas.children.models import Agreement, Child
from tas.core.paths import path_for
from tas.extensions import db
from tas.plans.models import Action, SharedPlan
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


def still_open(
    keys: Collection[tuple[str, int]], *, every_kind: bool = False
) -> dict[tuple[str, int], Due]:
    """Of these (target kind, id) pairs, the ones still open, as they are now. With
    `every_kind`, every kind is asked (one query each) whichever the pairs hold, so a page
    runs the same statements whatever it lists."""
    wanted: dict[str, set[int]] = {kind: set() for kind in SOURCES} if every_kind else {}
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


# Early help work on the plan goes ahead only while the family's agreement stands: withdrawn,
# the plan is read-only (tas.plans.access.rights), so nobody is reminded of its actions or its
# plan reviews, which nobody could update (its lead closes the plan instead).
AGREEMENT_STANDS = exists().where(Agreement.child_id == Child.id, Agreement.withdrawn_on.is_(None))
CONSENT_BASED_REVIEWS = ("plan_review",)


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
        .where(
            Review.status == "open",
            or_(Review.kind.not_in(CONSENT_BASED_REVIEWS), AGREEMENT_STANDS),
        )
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
            AGREEMENT_STANDS,
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
