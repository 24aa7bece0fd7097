"""Whom a person is told to go to when they are worried about a child, in the words of their
role (docs/security.md, Roles): a school's DSL acts (they phone the Integrated Front Door), school
staff go to their school's DSLs, agency staff to their agency's safeguarding lead, each named.
The product is never the way to report a child at risk."""

from __future__ import annotations

from sqlalchemy import select

from tas.extensions import db
from tas.organisations.models import School, User

AGENCY_ROLES = ("practitioner", "link_worker")
IFD = "phone the Integrated Front Door (IFD) now"
# For a page whose reader is not known (signed out): true whatever their role.
ANYONE = (
    "This service is not for reporting a child at risk. If you are worried a child is at risk "
    "of harm, act now: tell your school's designated safeguarding lead or your agency's "
    f"safeguarding lead straight away or, if that is you, {IFD}. In an emergency, phone 999."
)
COORDINATOR = "the partnership coordinator"


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


def ask_words(
    role: str, *, is_safeguarding_lead: bool, organisation: str | None, leads: list[str]
) -> str:
    """Whom a person of this role asks about access they think they should have (pure): school
    staff their school's DSLs, agency staff their agency's safeguarding lead, both named; a DSL
    or a safeguarding lead the partnership coordinator, never "your designated safeguarding
    lead"."""
    named = f" ({', '.join(leads)})" if leads else ""
    if role == "school_staff":
        return f"your school's designated safeguarding lead{named} or {COORDINATOR}"
    if role in AGENCY_ROLES and not is_safeguarding_lead:
        return f"{organisation or 'your agency'}'s safeguarding lead{named} or {COORDINATOR}"
    if role in ("coordinator", "admin"):
        return "another partnership coordinator or the service's administrator"
    return COORDINATOR


def plan_ask_words(school: str | None, dsls: list[str], lead: str | None) -> str:
    """Whom to ask for a change to a plan the person cannot make (pure): the plan's lead
    practitioner and the child's school's DSLs, by name, leaving out the person asking."""
    who = [f"the plan's lead practitioner ({lead})"] if lead else []
    if dsls:
        who.append(f"{school}'s designated safeguarding lead ({', '.join(dsls)})")
    return " or ".join(who) or COORDINATOR


def worried_words(user: User) -> str:
    """The warning for the signed-in person, with the names of the people to go to (one query
    for school staff and agency staff, none for others)."""
    return worry_words(user.role, **_leads(user))


def who_to_ask(user: User) -> str:
    """Whom the signed-in person asks about access, named (one query at most, as above)."""
    return ask_words(user.role, **_leads(user))


def who_to_ask_about_plan(user: User, *, school_id: int, lead: User | None) -> str:
    """Whom to ask for a change to a plan of a child at this school (one query)."""
    rows = db.session.execute(
        select(User.name, School.name)
        .join(School, School.id == User.school_id)
        .where(
            User.role == "dsl",
            User.school_id == school_id,
            User.active.is_(True),
            User.id != user.id,
        )
        .order_by(User.name)
    ).all()
    return plan_ask_words(
        rows[0][1] if rows else None,
        [name for name, _ in rows],
        lead.name if lead is not None and lead.id != user.id and lead.active else None,
    )


def _leads_query(user: User):
    """The active people this person goes to: their school's DSLs (school staff), or their
    agency's safeguarding leads (agency staff who are not one); None for other roles."""
    query = None
    if user.role == "school_staff" and user.school_id is not None:
        query = select(User).where(User.role == "dsl", User.school_id == user.school_id)
    elif user.role in AGENCY_ROLES and user.agency_id and not user.is_safeguarding_lead:
        query = select(User).where(
            User.agency_id == user.agency_id, User.is_safeguarding_lead.is_(True)
        )
    return None if query is None else query.where(User.active.is_(True)).order_by(User.name)


def leads_of(user: User) -> list[User]:
    """Whom this person goes to, as above, or for a DSL their school's other DSLs and for an
    agency's safeguarding lead its others (told when something about the person's account
    changes, such as an administrator resetting their second factors)."""
    query = _leads_query(user)
    if query is None and user.role == "dsl" and user.school_id is not None:
        query = select(User).where(User.role == "dsl", User.school_id == user.school_id)
    elif query is None and user.agency_id and user.is_safeguarding_lead:
        query = select(User).where(
            User.agency_id == user.agency_id, User.is_safeguarding_lead.is_(True)
        )
    if query is None:
        return []
    return [lead for lead in db.session.scalars(query.where(User.active.is_(True))) if lead != user]


def _leads(user: User) -> dict:
    """The words' inputs for this person: their role's leads, named."""
    query = _leads_query(user)
    leads = [] if query is None else [lead.name for lead in db.session.scalars(query)]
    return {
        "is_safeguarding_lead": user.is_safeguarding_lead,
        "organisation": user.organisation_name,
        "leads": leads,
    }
