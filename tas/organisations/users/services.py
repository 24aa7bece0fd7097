"""Use cases for the people who sign in: add, change, deactivate, reactivate, send a link."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from tas.audit.services import record
from tas.auth.feed_links import revoke as revoke_calendar_feed
from tas.auth.services import end_sessions, send_password_link
from tas.core.use_cases import Refused, StaleEdit
from tas.extensions import db
from tas.organisations import rules
from tas.organisations.models import Agency, Cluster, School, User
from tas.organisations.services import add, change
from tas.organisations.users import notices as account_notices
from tas.organisations.users.open_work import OpenWork, open_work_of


def add_user(values: dict, *, by: User) -> User:
    """Add a user with no password and email them a single-use link to choose one; the people
    who answer for where they work, and the other administrators, are told (account_notices)."""
    belonging, problems = _belonging(values)

    def then(user: User) -> dict:
        send_password_link(user, "setup")
        return account_notices.tell_added(by, user)

    return add(User, belonging, "user_added", problems=problems, then=then)


def change_user(user: User, version: int | None, values: dict, *, by: User) -> dict:
    """Change a user's details and where they belong; an admin cannot demote themself. A change
    of role, email address or membership is told as adding an account is."""
    belonging, problems = _belonging(values)
    if user.id == by.id and belonging["role"] != "admin":
        problems["role"] = "You cannot take away your own administrator role"
    return change(
        user,
        version,
        belonging,
        "user_changed",
        problems=problems,
        then=lambda saved, changes: account_notices.tell_changed(by, saved, changes),
    )


@dataclass(frozen=True)
class Deactivation:
    """What pressing "Deactivate account" came to: "deactivated"; "already" (they were
    deactivated already: nothing changed); or "ask" (nothing changed: they hold open work,
    which the administrator sees and confirms first)."""

    outcome: Literal["deactivated", "already", "ask"]
    work: OpenWork = field(default_factory=OpenWork)


def deactivate_user(user: User, *, by: User, confirmed: str | None = None) -> Deactivation:
    """Stop the user signing in, end every session they have and turn off their calendar feed
    link at once. Someone who still holds open work is deactivated only when `confirmed` holds
    the numbers of it (`OpenWork.seen`) the administrator was shown and deactivated anyway,
    and they are still true: otherwise nothing changes and the numbers of now are asked
    about. Choosing to deactivate anyway is audited with those numbers, never what the work
    is about."""
    if user.id == by.id:
        raise Refused({"user": "You cannot deactivate your own account"})
    if not user.active:
        return Deactivation("already")
    work = open_work_of(user)
    if work.total and confirmed != work.seen:
        return Deactivation("ask", work)
    try:
        user.active = False
        ended = end_sessions(user, "deactivated")
        revoke_calendar_feed(user, reason="deactivated")
        detail: dict = {"signed_out": ended}
        if work.total:
            detail["open_work"] = work.numbers  # what they left, which the admin was shown
        record("user_deactivated", target=user, detail=detail)
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise StaleEdit from error
    return Deactivation("deactivated", work)


def reactivate_user(user: User) -> bool:
    """Let a deactivated user sign in again with their password: False, with nothing changed,
    when they could already."""
    if user.active:
        return False
    try:
        user.active = True
        record("user_reactivated", target=user)
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise StaleEdit from error
    return True


def send_new_password_link(user: User) -> str:
    """Email a new link: to set a first password, or to reset one they already have."""
    if not user.active:
        raise Refused({"user": "Reactivate this account before sending a link"})
    purpose = "setup" if user.password_hash is None else "reset"
    send_password_link(user, purpose)
    record("password_link_sent", target=user, detail={"purpose": purpose})
    db.session.commit()
    return purpose


def problems(values: dict) -> dict[str, str]:
    """What is missing for the role chosen (nothing to say until a role is chosen)."""
    return _belonging(values)[1] if values.get("role") else {}


def _belonging(values: dict) -> tuple[dict, dict[str, str]]:
    """The user's values with only the memberships their role uses, and what is missing."""
    role = values["role"]
    uses = rules.memberships_for(role)
    agency = db.session.get(Agency, values["agency_id"]) if values["agency_id"] else None
    agency = agency if "agency" in uses else None
    district_wide = "district_wide" in uses and values["district_wide"]
    wants_clusters = "clusters" in uses and not district_wide
    belonging = {
        "name": values["name"],
        "email": values["email"],
        "role": role,
        "school_id": values["school_id"] if "school" in uses else None,
        "agency_id": agency.id if agency else None,
        "linked_schools": (
            _rows(School, values["linked_school_ids"]) if "linked_schools" in uses else []
        ),
        "district_wide": district_wide,
        "clusters": _rows(Cluster, values["cluster_ids"]) if wants_clusters else [],
        "is_safeguarding_lead": ("is_safeguarding_lead" in uses and values["is_safeguarding_lead"]),
    }
    problems = rules.membership_problems(
        role,
        has_school=belonging["school_id"] is not None,
        has_agency=agency is not None,
        agency_is_gp=bool(agency and agency.is_gp_practice),
        linked_schools=len(belonging["linked_schools"]),
        district_wide=district_wide,
        clusters=len(belonging["clusters"]),
    )
    return belonging, problems


def _rows(model: type, ids: list[int]) -> list:
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(ids)).order_by(model.name)))


def everyone() -> list[User]:
    """Every account, by name, with its school or agency."""
    return list(
        db.session.scalars(
            select(User)
            .options(selectinload(User.school), selectinload(User.agency))
            .order_by(User.name, User.id)
        )
    )
