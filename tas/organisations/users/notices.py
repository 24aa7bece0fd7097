"""Telling people when an administrator creates an account, or changes who holds one or which
children's records it reaches (issue 11, section 7): nobody can quietly give themselves access.

Who is told, one email each, never the administrator who made the change:
- every other active administrator;
- the designated safeguarding leads of each school the account works at or is linked to, before
  and after the change;
- the safeguarding leads of its agency, before and after (the agency's contact address when it
  has none), so a GP practice or an agency hears of a new account in its name;
- for a coordinator account (before or after), the district-wide coordinators: a coordinator
  belongs to no school or agency, and they answer for the district's access to children and
  would know a coordinator nobody asked for, as other administrators might not;
- for a change, the account holder at the address the account had, which is where a takeover
  by changing the address would show.

The emails are queued in the administrator's transaction: they go once with the change, and
never without it. They name no child (there is none here) and carry no password or link token.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template, url_for
from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import joinedload

from tas.core.choices import label
from tas.extensions import db
from tas.organisations import rules
from tas.organisations.models import Agency, Cluster, School, User
from tas.outbox.services import queue


@dataclass(frozen=True)
class Told:
    """Someone to tell, and why they are told."""

    address: str
    name: str
    why: str
    user_id: int | None = None  # None: an agency's contact address
    agency_id: int | None = None
    admin: bool = False


@dataclass(frozen=True)
class Line:
    label: str
    before: str
    after: str


def tell_added(by: User, account: User) -> dict:
    """Queue the emails about a new account; what to add to its audit entry."""
    after = _values(account)
    shown = [field for field in rules.WATCHED if field in ("role", "email") or after[field]]
    return _tell(by, account, before={}, after=after, fields=shown, added=True)


def tell_changed(by: User, account: User, changes: dict[str, list]) -> dict:
    """Queue the emails about a change to what decides an account's reach (nothing for a change
    of name alone); what to add to its audit entry."""
    fields = rules.watched_changes(changes)
    if not fields:
        return {}
    before = {field: changes[field][0] for field in fields}
    return _tell(by, account, before=before, after=_values(account), fields=fields, added=False)


def _values(account: User) -> dict:
    """The watched values of the account as saved: ids for schools, agencies and clusters."""
    return {
        "role": account.role,
        "email": account.email,
        "school_id": account.school_id,
        "agency_id": account.agency_id,
        "linked_schools": sorted(school.id for school in account.linked_schools),
        "district_wide": account.district_wide,
        "clusters": sorted(cluster.id for cluster in account.clusters),
        "is_safeguarding_lead": account.is_safeguarding_lead,
    }


def _tell(by: User, account: User, *, before: dict, after: dict, fields, added: bool) -> dict:
    was = {**after, **before}
    schools = {after["school_id"], was["school_id"], *after["linked_schools"]}
    schools |= set(was["linked_schools"])
    agencies = {after["agency_id"], was["agency_id"]} - {None}
    coordinator = "coordinator" in (after["role"], was["role"])
    people = _recipients(by, account, schools - {None}, agencies, coordinator)
    if not added and account.active:
        people.insert(0, Told(was["email"], account.name, "this is your account", account.id))
    names = _names(schools - {None}, agencies, set(was["clusters"]) | set(after["clusters"]))
    subject = rules.notice_subject(
        added=added,
        changed=fields,
        role=account.role,
        organisation=names["school"].get(account.school_id)
        or names["agency"].get(account.agency_id),
    )
    lines = [
        Line(
            rules.WATCHED_LABELS[field],
            _shown(field, was[field], names) if not added else "",
            _shown(field, after[field], names),
        )
        for field in fields
    ]
    base = current_app.config["BASE_URL"].rstrip("/")
    sent_to: set[str] = set()
    for person in people:
        if person.address in sent_to or person.address == by.email:
            continue
        sent_to.add(person.address)
        page = url_for("organisations.user_change", user_id=account.id) if person.admin else "/"
        body = render_template(
            "organisations/email/account_notice.txt",
            by=by,
            account=account,
            added=added,
            lines=lines,
            why=person.why,
            link=base + page,
            config=current_app.config,
        )
        queue([(person.address, person.name)], subject, body)
    told = [person for person in people if person.address in sent_to]
    return {
        "told": sorted({person.user_id for person in told if person.user_id}),
        "told_agency_contacts": sorted({p.agency_id for p in told if p.agency_id}),
    }


def _recipients(
    by: User, account: User, schools: set[int], agencies: set[int], coordinator: bool
) -> list[Told]:
    """The active people to tell (one query), then the contact address of each agency that has
    no active safeguarding lead (one more)."""
    found = db.session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            User.id.not_in([by.id, account.id]),
            or_(
                User.role == "admin",
                and_(User.role == "dsl", User.school_id.in_(schools)),
                and_(User.is_safeguarding_lead.is_(True), User.agency_id.in_(agencies)),
                and_(User.role == "coordinator", User.district_wide.is_(True))
                if coordinator
                else false(),
            ),
        )
        .options(joinedload(User.school), joinedload(User.agency))
        .order_by(User.id)
    ).all()
    people = []
    led = set()
    for user in found:
        if user.role == "admin":
            people.append(
                Told(user.email, user.name, "you are an administrator", user.id, admin=True)
            )
        elif user.role == "dsl" and user.school_id in schools:
            why = f"you are a designated safeguarding lead at {user.school.name}"
            people.append(Told(user.email, user.name, why, user.id))
        elif user.is_safeguarding_lead and user.agency_id in agencies:
            led.add(user.agency_id)
            why = f"you are a safeguarding lead at {user.agency.name}"
            people.append(Told(user.email, user.name, why, user.id))
        else:
            why = "you are a coordinator for the whole district"
            people.append(Told(user.email, user.name, why, user.id))
    if agencies - led:
        for agency in db.session.scalars(select(Agency).where(Agency.id.in_(agencies - led))):
            why = f"this is the contact address of {agency.name}"
            people.append(Told(agency.contact_email, agency.name, why, agency_id=agency.id))
    return people


def _names(schools: set[int], agencies: set[int], clusters: set[int]) -> dict[str, dict]:
    """Names of the schools, agencies and clusters the notice mentions (a query each)."""
    found = {}
    for kind, model, wanted in (
        ("school", School, schools),
        ("agency", Agency, agencies),
        ("cluster", Cluster, clusters),
    ):
        query = select(model.id, model.name).where(model.id.in_(wanted))
        found[kind] = dict(db.session.execute(query).all()) if wanted else {}
    return found


def _shown(field: str, value, names: dict[str, dict[int, str]]) -> str:
    if field == "role":
        return label(rules.ROLES, value)
    if field in ("school_id", "agency_id"):
        kind = field.removesuffix("_id")
        return rules.shown_value(names[kind].get(value))
    if field in ("linked_schools", "clusters"):
        kind = "school" if field == "linked_schools" else "cluster"
        return rules.shown_value(sorted(names[kind].get(i, "") for i in value))
    return rules.shown_value(value)
