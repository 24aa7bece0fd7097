"""Moving a leaver's open work to someone else in one step: the reviews they own, the actions
they own as a named person, the shared plans they lead and the involvements they are the named
practitioner on; optionally marking them away or deactivating their account at the same time.

Only counts and ids leave this module: the page never names a child (administrators see no
child records). The form carries a fingerprint of the work it showed, so work that changed since
(a new review, a finished action) is shown again rather than moved unseen; each moved record's
version counter moves too, so a save racing this one is refused rather than lost.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.auth.feed_links import revoke as revoke_calendar_feed
from tas.auth.services import end_sessions
from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Child
from tas.core.use_cases import Refused, StaleEdit, commit
from tas.extensions import db
from tas.organisations.models import User
from tas.plans import rules as plan_rules
from tas.plans.leads import LEAD_ROLES
from tas.plans.models import Action, ActionEvent, AgencyInvolvement, SharedPlan
from tas.reviews.models import Review
from tas.work.access import AGENCY_STAFF, SCHOOL_STAFF, may_reassign, takers

__all__ = [
    "Work",
    "candidates",
    "open_work_counts",
    "reassign",
    "work_of",
]

OPEN_REVIEW_STATUSES = ("open", "paused")  # a paused review resumes when Social Care hands back
OPEN_INVOLVEMENT_STATUSES = ("requested", "active")
ACCOUNT_CHOICES = ("keep", "away", "deactivate")


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


def _open_reviews(leaver: User | None):
    """Open (or paused) reviews: the leaver's, or everyone's when None."""
    query = select(Review).where(Review.status.in_(OPEN_REVIEW_STATUSES))
    return query if leaver is None else query.where(Review.owner_id == leaver.id)


def _open_actions(leaver: User | None):
    query = select(Action).where(
        Action.owner_kind == "person", Action.status.in_(sorted(plan_rules.OPEN_ACTION_STATUSES))
    )
    return query if leaver is None else query.where(Action.owner_user_id == leaver.id)


def _plans_led(leaver: User | None):
    query = select(SharedPlan).where(SharedPlan.status != "closed")
    return query if leaver is None else query.where(SharedPlan.lead_practitioner_id == leaver.id)


def _involvements(leaver: User | None):
    query = select(AgencyInvolvement).where(AgencyInvolvement.status.in_(OPEN_INVOLVEMENT_STATUSES))
    return query if leaver is None else query.where(AgencyInvolvement.practitioner_id == leaver.id)


def work_of(leaver: User) -> Work:
    """The leaver's open work, by id: four queries whatever its size."""
    reviews = db.session.scalars(_open_reviews(leaver).with_only_columns(Review.id)).all()
    actions = db.session.scalars(_open_actions(leaver).with_only_columns(Action.id)).all()
    plans = db.session.scalars(_plans_led(leaver).with_only_columns(SharedPlan.id)).all()
    involvements = db.session.execute(
        _involvements(leaver).with_only_columns(AgencyInvolvement.id, AgencyInvolvement.agency_id)
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
        (Review.owner_id, _open_reviews(None)),
        (Action.owner_user_id, _open_actions(None)),
        (SharedPlan.lead_practitioner_id, _plans_led(None)),
        (AgencyInvolvement.practitioner_id, _involvements(None)),
    ):
        rows = db.session.execute(
            query.with_only_columns(column, func.count())
            .where(column.in_(user_ids))
            .group_by(column)
        )
        for user_id, number in rows:
            totals[user_id] += number
    return totals


def candidates(user: User, leaver: User) -> list[User]:
    """Who may take over the leaver's work, by name."""
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.agency), joinedload(User.school))
            .where(takers(user, leaver))
            .order_by(User.name, User.id)
        )
    )


@dataclass(frozen=True)
class Moved:
    """What one reassignment did, to tell the person who did it."""

    work: Work
    to: str  # the new person's name
    account: str  # keep, away or deactivate


def reassign(
    by: User,
    leaver: User,
    *,
    version: int | None,
    fingerprint: str | None,
    to_user_id: int | None,
    account: str,
) -> Moved:
    """Move all the leaver's open work to one person in one transaction, audited with ids.
    StaleEdit when the leaver or their work changed since the form was opened; Refused (field ->
    what to put right) when the choice cannot take the work."""
    if not may_reassign(by, leaver):
        raise Refused({"to_user": "You cannot reassign this person's work"})
    work = work_of(leaver)
    if version != leaver.version or fingerprint != work.fingerprint:
        raise StaleEdit
    taker = _taker(by, leaver, to_user_id)
    problems = _problems(by, leaver, work, taker, account)
    if problems:
        raise Refused(problems)

    def write() -> Moved:
        if taker is not None:
            _move(by, leaver, taker, work)
            db.session.flush()
            _refuse_unless_taker_sees_the_children(taker, work)
        if account == "away":
            leaver.away = True
        elif account == "deactivate":
            leaver.active = False
        db.session.flush()  # a competing save of any moved record shows here (StaleDataError)
        if account == "deactivate":
            ended = end_sessions(leaver, "deactivated")
            revoke_calendar_feed(leaver, reason="deactivated")
            record("user_deactivated", target=leaver, detail={"signed_out": ended})
        elif account == "away":
            record("user_marked_away", target=leaver)
        record(
            "work_reassigned",
            target=leaver,
            detail={
                "to_user_id": taker.id if taker else None,
                "review_ids": list(work.reviews),
                "action_ids": list(work.actions),
                "plan_ids": list(work.plans),
                "involvement_ids": list(work.involvements),
                "account": account,
            },
        )
        return Moved(work=work, to=taker.name if taker else "", account=account)

    return commit(write)


def _taker(by: User, leaver: User, to_user_id: int | None) -> User | None:
    if to_user_id is None:
        return None
    return db.session.scalar(select(User).where(User.id == to_user_id, takers(by, leaver)))


def _anyone_could_take(by: User, leaver: User) -> bool:
    return db.session.scalar(select(User.id).where(takers(by, leaver)).limit(1)) is not None


def _problems(
    by: User, leaver: User, work: Work, taker: User | None, account: str
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if account not in ACCOUNT_CHOICES:
        problems["account"] = "Select what happens to their account"
    elif account == "deactivate" and leaver.id == by.id:
        problems["account"] = "You cannot deactivate your own account"
    elif account == "deactivate" and by.role != "admin":
        problems["account"] = "Only an administrator can deactivate an account"
    if work.total and taker is None and (account == "keep" or _anyone_could_take(by, leaver)):
        # With nobody to take it, the leaver may still be marked away (their reminders then go
        # to their safeguarding lead or DSL) and the work moves once someone is added.
        problems["to_user"] = "Select who takes over the work from the list"
    elif not work.total and account == "keep":
        problems["account"] = (
            "There is no open work to move: choose to mark them away or deactivate their "
            "account, or go back"
        )
    if taker is None:
        return problems
    if work.plans and taker.role not in LEAD_ROLES:
        problems["to_user"] = (
            f"{taker.name} cannot lead a shared plan: choose a link worker or practitioner"
        )
    elif work.involvements and any(a != taker.agency_id for a in work.involvement_agencies):
        problems["to_user"] = (
            f"{taker.name} does not work for the agency of every involvement: choose someone "
            "from the same agency"
        )
    return problems


def _refuse_unless_taker_sees_the_children(taker: User, work: Work) -> None:
    """After the move (so plans led now count), the taker must be able to read the record of
    every child whose reviews and actions they take over: no one is reminded of work they
    cannot open (need to know). Refused rolls the whole move back."""
    children_of_work = (
        select(Review.child_id)
        .where(Review.id.in_(work.reviews))
        .union(
            select(SharedPlan.child_id)
            .join(Action, Action.plan_id == SharedPlan.id)
            .where(Action.id.in_(work.actions))
        )
    )
    unseen = db.session.scalar(
        select(func.count(Child.id)).where(
            Child.id.in_(children_of_work), ~children.visible(taker, Access.READ)
        )
    )
    if unseen:
        raise Refused(
            {
                "to_user": (
                    f"{taker.name} cannot see the records of {unseen} of the children this work "
                    "is about: choose someone who works with them, or ask a DSL to grant access"
                )
            }
        )


def _move(by: User, leaver: User, taker: User, work: Work) -> None:
    """Change each record the form showed through the ORM, so each one's version counter moves;
    one that stopped being the leaver's open work meanwhile makes the whole move stale."""
    reviews = _still(_open_reviews(leaver), Review, work.reviews)
    actions = _still(_open_actions(leaver), Action, work.actions)
    plans = _still(_plans_led(leaver), SharedPlan, work.plans)
    involvements = _still(_involvements(leaver), AgencyInvolvement, work.involvements)
    for review in reviews:
        review.owner_id = taker.id
    for action in actions:
        action.owner_user_id = taker.id
        db.session.add(
            ActionEvent(
                action_id=action.id,
                by_id=by.id,
                changes={"owner_user_id": [leaver.id, taker.id]},
            )
        )
    for plan in plans:
        plan.lead_practitioner_id = taker.id
    for involvement in involvements:
        involvement.practitioner_id = taker.id


def _still(query, model, ids: tuple[int, ...]) -> list:
    if not ids:
        return []
    rows = list(db.session.scalars(query.where(model.id.in_(ids))))
    if len(rows) != len(ids):
        raise StaleEdit
    return rows


def staff_of(lead: User) -> list[User]:
    """The people of a DSL's school or a safeguarding lead's agency, active first."""
    if lead.role == "dsl":
        where = (User.school_id == lead.school_id) & User.role.in_(sorted(SCHOOL_STAFF))
    else:
        where = (User.agency_id == lead.agency_id) & User.role.in_(sorted(AGENCY_STAFF))
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.school), joinedload(User.agency))
            .where(where)
            .order_by(User.active.desc(), User.name, User.id)
        )
    )
