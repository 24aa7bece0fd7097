"""Whom a person is told to go to when they are worried about a child, in the words of their
role (DESIGN.md section 3): a school's DSL acts (they phone the Integrated Front Door), school
staff go to their school's DSLs, agency staff to their agency's safeguarding lead, each named.
The product is never the way to report a child at risk."""

from __future__ import annotations

from sqlalchemy import select

from tas.extensions import db

from .models import User

AGENCY_ROLES = ("practitioner", "link_worker")
IFD = "phone the Integrated Front Door (IFD) now"


def worry_words(
    role: str, *, is_safeguarding_lead: bool, organisation: str | None, leads: list[str]
) -> str:
    """The warning shown to a person of this role, naming whom to go to (pure)."""
    named = f" ({', '.join(leads)})" if leads else ""
    if role == "dsl":
        who = (
            f"as a designated safeguarding lead, {IFD} for a consultation, then tell the "
            "child's lead practitioner"
        )
    elif role == "school_staff":
        who = f"speak to your school's designated safeguarding lead{named} straight away"
    elif role == "gp" or (role in AGENCY_ROLES and is_safeguarding_lead):
        who = f"as {organisation or 'your agency'}'s safeguarding lead, {IFD}"
    elif role in AGENCY_ROLES:
        who = f"speak to {organisation or 'your agency'}'s safeguarding lead{named} or {IFD}"
    elif role == "coordinator":
        who = f"tell the child's school's designated safeguarding lead or {IFD}"
    else:
        who = f"speak to your own organisation's safeguarding lead or {IFD}"
    return (
        "This service records and coordinates support. If you are worried a child is at risk of "
        f"harm, {who}. In an emergency, phone 999."
    )


def worried_words(user: User) -> str:
    """The warning for the signed-in person, with the names of the people to go to (one query
    for school staff and agency staff, none for others)."""
    query = None
    if user.role == "school_staff" and user.school_id is not None:
        query = select(User.name).where(User.role == "dsl", User.school_id == user.school_id)
    elif user.role in AGENCY_ROLES and user.agency_id and not user.is_safeguarding_lead:
        query = select(User.name).where(
            User.agency_id == user.agency_id, User.is_safeguarding_lead.is_(True)
        )
    leads = (
        list(db.session.scalars(query.where(User.active.is_(True)).order_by(User.name)))
        if query is not None
        else []
    )
    return worry_words(
        user.role,
        is_safeguarding_lead=user.is_safeguarding_lead,
        organisation=user.organisation_name,
        leads=leads,
    )
