"""A person's open work, as ids and counts (never children's details): the reviews they own, the
actions they own as a named person, the shared plans they lead and the involvements they are the
named practitioner on. Reassigning a leaver's work (tas.work.services) moves exactly this.

Two more kinds stay with them however their work is reassigned, and are counted too before
their account is deactivated (`held_by`): the meetings they chair or organise, still to be held
or minuted, and the requests waiting for triage at schools where they are the only link worker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import false, func, or_, select

from tas.extensions import db
from tas.meetings.models import Meeting, TasRequest
from tas.meetings.rules import AWAITING_TRIAGE, SCHEDULED
from tas.organisations.models import User, link_worker_schools
from tas.organisations.users.open_work import Held, OpenWork
from tas.plans import rules as plan_rules
from tas.plans.models import Action, AgencyInvolvement, SharedPlan
from tas.reviews.models import Review

OPEN_REVIEW_STATUSES = ("open", "paused")  # a paused review resumes when Social Care hands back
# Each kind of open work as the pages call it, in their order; the first four are reassigned.
LABELS = {
    "reviews": "Reviews they own",
    "actions": "Actions they own",
    "plans": "Shared plans they lead",
    "involvements": "Involvements they are the named practitioner on",
    "meetings": "Meetings they chair or organise, still to be held or minuted",
    "requests": "Requests waiting for triage at schools where they are the only link worker",
}
REASSIGNED = ("reviews", "actions", "plans", "involvements")


@dataclass(frozen=True)
class Work:
    """A person's open work, as ids (never children's details)."""

    reviews: tuple[int, ...] = ()
    actions: tuple[int, ...] = ()
    plans: tuple[int, ...] = ()
    involvements: tuple[int, ...] = ()
    involvement_agencies: frozenset[int] = frozenset()

    @property
    def total(self) -> int:
        return len(self.reviews) + len(self.actions) + len(self.plans) + len(self.involvements)

    @property
    def fingerprint(self) -> str:
        """What the form saw: a digest of the ids, so a change in between is noticed."""
        text = "|".join(
            ",".join(str(i) for i in sorted(ids))
            for ids in (self.reviews, self.actions, self.plans, self.involvements)
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def summary(self) -> str:
        """What the work comes to in words: "3 reviews, 2 actions, 1 plan and 1 involvement"."""
        parts = [
            _count(len(ids), word)
            for ids, word in (
                (self.reviews, "review"),
                (self.actions, "action"),
                (self.plans, "plan"),
                (self.involvements, "involvement"),
            )
            if ids
        ]
        if not parts:
            return "nothing"
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def open_reviews(leaver: User | None):
    """Open (or paused) reviews: the leaver's, or everyone's when None."""
    query = select(Review).where(Review.status.in_(OPEN_REVIEW_STATUSES))
    return query if leaver is None else query.where(Review.owner_id == leaver.id)


def open_actions(leaver: User | None):
    query = select(Action).where(
        Action.owner_kind == "person", Action.status.in_(sorted(plan_rules.OPEN_ACTION_STATUSES))
    )
    return query if leaver is None else query.where(Action.owner_user_id == leaver.id)


def plans_led(leaver: User | None):
    query = select(SharedPlan).where(SharedPlan.status != "closed")
    return query if leaver is None else query.where(SharedPlan.lead_practitioner_id == leaver.id)


def open_involvements(leaver: User | None):
    query = select(AgencyInvolvement).where(
        AgencyInvolvement.status.in_(sorted(plan_rules.OPEN_INVOLVEMENT_STATUSES))
    )
    return query if leaver is None else query.where(AgencyInvolvement.practitioner_id == leaver.id)


def meetings_run(leaver: User):
    """The leaver's meetings still to be held or minuted (not cancelled): those they chair and
    those they organised, the pair whose overdue minutes their home page flags
    (tas/meetings/attention.py)."""
    return select(Meeting).where(
        Meeting.status == SCHEDULED,
        Meeting.cancelled_at.is_(None),
        or_(Meeting.chair_id == leaver.id, Meeting.organiser_id == leaver.id),
    )


def requests_only_they_triage(leaver: User):
    """Requests waiting for triage at schools the leaver is linked to as a link worker, where no
    other active link worker is linked: nobody else could triage them."""
    if leaver.role != "link_worker":
        return select(TasRequest).where(false())  # only link workers triage
    theirs = select(link_worker_schools.c.school_id).where(
        link_worker_schools.c.user_id == leaver.id
    )
    others = (
        select(link_worker_schools.c.school_id)
        .join(User, User.id == link_worker_schools.c.user_id)
        .where(User.id != leaver.id, User.active.is_(True), User.role == "link_worker")
    )
    return select(TasRequest).where(
        TasRequest.status == AWAITING_TRIAGE,
        TasRequest.school_id.in_(theirs),
        TasRequest.school_id.not_in(others),
    )


def held_by(user: User) -> OpenWork:
    """How much open work of each kind the person holds: one query whatever its size."""
    counted = {
        "reviews": open_reviews(user).with_only_columns(func.count(Review.id)),
        "actions": open_actions(user).with_only_columns(func.count(Action.id)),
        "plans": plans_led(user).with_only_columns(func.count(SharedPlan.id)),
        "involvements": open_involvements(user).with_only_columns(func.count(AgencyInvolvement.id)),
        "meetings": meetings_run(user).with_only_columns(func.count(Meeting.id)),
        "requests": requests_only_they_triage(user).with_only_columns(func.count(TasRequest.id)),
    }
    numbers = db.session.execute(
        select(*(query.scalar_subquery().label(kind) for kind, query in counted.items()))
    ).one()
    return OpenWork(
        tuple(
            Held(kind, LABELS[kind], getattr(numbers, kind) or 0, kind in REASSIGNED)
            for kind in counted
        )
    )


def work_of(leaver: User) -> Work:
    """The leaver's open work, by id: four queries whatever its size."""
    reviews = db.session.scalars(open_reviews(leaver).with_only_columns(Review.id)).all()
    actions = db.session.scalars(open_actions(leaver).with_only_columns(Action.id)).all()
    plans = db.session.scalars(plans_led(leaver).with_only_columns(SharedPlan.id)).all()
    involvements = db.session.execute(
        open_involvements(leaver).with_only_columns(
            AgencyInvolvement.id, AgencyInvolvement.agency_id
        )
    ).all()
    return Work(
        reviews=tuple(sorted(reviews)),
        actions=tuple(sorted(actions)),
        plans=tuple(sorted(plans)),
        involvements=tuple(sorted(row.id for row in involvements)),
        involvement_agencies=frozenset(row.agency_id for row in involvements),
    )


def open_work_counts(user_ids: list[int]) -> dict[int, int]:
    """How many open records (reviews, actions, plans, involvements) each person has: four
    grouped queries whatever the number of people."""
    totals: dict[int, int] = dict.fromkeys(user_ids, 0)
    if not user_ids:
        return totals
    for column, query in (
        (Review.owner_id, open_reviews(None)),
        (Action.owner_user_id, open_actions(None)),
        (SharedPlan.lead_practitioner_id, plans_led(None)),
        (AgencyInvolvement.practitioner_id, open_involvements(None)),
    ):
        rows = db.session.execute(
            query.with_only_columns(column, func.count())
            .where(column.in_(user_ids))
            .group_by(column)
        )
        for user_id, number in rows:
            totals[user_id] += number
    return totals
