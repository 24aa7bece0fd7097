"""Moving a leaver's open work to someone else in one step: the reviews they own, the actions
they own as a named person, the shared plans they lead and the involvements they are the named
practitioner on; optionally marking them away or deactivating their account at the same time.

Only counts and ids leave this module: the page never names a child (administrators see no
child records). The form carries a fingerprint of the work it showed, so work that changed since
(a new review, a finished action) is shown again rather than moved unseen; each moved record's
version counter moves too, so a save racing this one is refused rather than lost.
"""

from __future__ import annotations

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
from tas.plans.leads import LEAD_ROLES
from tas.plans.models import Action, ActionEvent, AgencyInvolvement, SharedPlan
from tas.reviews.models import Review
from tas.work.access import AGENCY_STAFF, SCHOOL_STAFF, may_reassign, takers
from tas.work.open_work import (
    Work,
    open_actions,
    open_involvements,
    open_reviews,
    open_work_counts,
    plans_led,
    work_of,
)

__all__ = [
    "Work",
    "candidates",
    "open_work_counts",
    "reassign",
    "work_of",
]

ACCOUNT_CHOICES = ("keep", "away", "deactivate")


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
    to: str | None  # the new person's name; None when no work moved (nobody could take it)
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
        if taker is not None and work.total:
            # Only work that moved is recorded as moved: with nobody to take it, it stays the
            # leaver's, and only what happened to their account is recorded.
            record(
                "work_reassigned",
                target=leaver,
                detail={
                    "to_user_id": taker.id,
                    "review_ids": list(work.reviews),
                    "action_ids": list(work.actions),
                    "plan_ids": list(work.plans),
                    "involvement_ids": list(work.involvements),
                    "account": account,
                },
            )
            return Moved(work=work, to=taker.name, account=account)
        return Moved(work=work, to=None, account=account)

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
    if work.total and taker is None and _anyone_could_take(by, leaver):
        problems["to_user"] = "Select who takes over the work from the list"
    elif work.total and taker is None and account == "keep":
        # With nobody to take it (the page asks no one), the leaver may still be marked away
        # (their reminders then go to their safeguarding lead or DSL) and the work moves once
        # someone is added: leaving the account as it is would change nothing.
        problems["account"] = (
            "Nobody else can take their work on yet, so there is nothing to move: choose to "
            "mark them away or deactivate their account, or go back"
        )
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
    reviews = _still(open_reviews(leaver), Review, work.reviews)
    actions = _still(open_actions(leaver), Action, work.actions)
    plans = _still(plans_led(leaver), SharedPlan, work.plans)
    involvements = _still(open_involvements(leaver), AgencyInvolvement, work.involvements)
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
