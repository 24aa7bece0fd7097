"""The checks every booking and move makes, and the choices it offers: the schools and chairs a
person may choose, clashes with other meetings, and a place or a note that names a child."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from tas.children.models import Child
from tas.extensions import db
from tas.meetings import rules
from tas.meetings.access import organising_schools
from tas.meetings.models import AgendaItem, Meeting
from tas.meetings.requests import identifiers
from tas.meetings.requests.identifiers import Known, identifies, what_identifies
from tas.meetings.rules import SCHEDULED
from tas.organisations.models import School, User, link_worker_schools

REASON_NAMES_A_CHILD = (
    "The reason is shown to everyone invited, coordinators and GP practices: remove the name or "
    "identifier of a child (it matches a child on the agenda, or a child of the school by full "
    "name)"
)


PLACE_WORDS = {"location": "The location", "online_link": "The online meeting link"}


PLACE_PROBLEMS = {
    identifiers.NAME: "{what} must not name a child: it matches the name of a child of the "
    "school or on the agenda, and invitations and calendars show it. Leave the name out",
    identifiers.DATE: "{what} must not contain a date: invitations and calendars show it, and a "
    "date could be a child's date of birth",
    identifiers.NHS_NUMBER: "{what} must not contain an NHS number: invitations and calendars "
    "show it",
    identifiers.UPN: "{what} must not contain a unique pupil number (UPN): invitations and "
    "calendars show it",
    identifiers.REFERENCE: "{what} must not contain a child's reference number: invitations and "
    "calendars show it",
}


NOTES_NAME_A_CHILD = (
    "Notes for attendees are shown to everyone who can see the meeting, coordinators and GP "
    "practices too: remove the name or identifier of a child (it matches a child on the agenda, "
    "or a child of the school by full name)"
)


def schools_for(user: User) -> list[School]:
    """The schools this user books meetings for."""
    ids = organising_schools(user)
    if ids is None or not user.active:
        return []
    return list(db.session.scalars(select(School).where(School.id.in_(ids)).order_by(School.name)))


def chair_candidates(school_ids: Iterable[int]) -> list[User]:
    """Who may chair a meeting of these schools: the active DSLs of the schools and the active
    link workers linked to them (one query)."""
    ids = list(school_ids)
    linked = select(link_worker_schools.c.user_id).where(link_worker_schools.c.school_id.in_(ids))
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.school))
            .where(
                User.active.is_(True),
                or_(
                    and_(User.role == "dsl", User.school_id.in_(ids)),
                    and_(User.role == "link_worker", User.id.in_(linked)),
                ),
            )
            .order_by(User.name, User.id)
        )
    )


def may_chair(user_id: int | None, school_id: int) -> bool:
    return any(person.id == user_id for person in chair_candidates([school_id]))


def clashes(
    school_id: int,
    chair_id: int | None,
    starts_at: datetime,
    ends_at: datetime,
    exclude_id: int | None = None,
) -> list[Meeting]:
    """Scheduled meetings of the school, or chaired by the same person, that overlap the time."""
    whose = Meeting.school_id == school_id
    if chair_id is not None:
        whose = or_(whose, Meeting.chair_id == chair_id)
    query = (
        select(Meeting)
        .options(joinedload(Meeting.school))
        .where(
            Meeting.status == SCHEDULED,
            Meeting.starts_at < ends_at,
            Meeting.ends_at > starts_at,
            whose,
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if exclude_id is not None:
        query = query.where(Meeting.id != exclude_id)
    return list(db.session.scalars(query))


def is_online_link(text: str | None) -> bool:
    """An online meeting link the invitations can carry: a full https address."""
    if not text:
        return False
    try:
        parts = urlsplit(text)
        hostname = parts.hostname
    except ValueError:  # "https://[": not an address at all
        return False
    return parts.scheme == "https" and bool(hostname) and not any(c.isspace() for c in text)


def _known(which) -> list[Known]:
    """The names and identifiers of the children `which` selects (one query)."""
    rows = db.session.execute(
        select(
            Child.first_name,
            Child.last_name,
            Child.upn,
            Child.nhs_number,
            Child.early_help_reference,
            Child.social_care_reference,
            Child.school_system_reference,
            Child.date_of_birth,
        ).where(which)
    )
    return [
        Known(first, last, tuple(i for i in rest if i), born=born)
        for first, last, *rest, born in rows
    ]


def _on_agenda(meeting_id: int):
    return Child.id.in_(select(AgendaItem.child_id).where(AgendaItem.meeting_id == meeting_id))


def names_a_child(text: str, school_id: int | None, meeting_id: int | None = None) -> bool:
    """Whether prose that everyone who sees the meeting reads (notes, reasons) names a child:
    a child on the agenda however written (a first name, a plural, spelt out), or any child of
    the school by full name; and their reference numbers."""
    on_agenda = _known(_on_agenda(meeting_id)) if meeting_id is not None else []
    if what_identifies(text, on_agenda, any_numbers=False):
        return True
    return identifies(text, _known(Child.school_id == school_id))


def children_of(school_id: int | None, meeting_id: int | None = None) -> list[Known]:
    """Every child of the school and every child on the meeting's agenda (of any school): whose
    names a place or an online link must not hold."""
    which = Child.school_id == school_id
    if meeting_id is not None:
        which = or_(which, _on_agenda(meeting_id))
    return _known(which)


def place_problems(
    values: dict, school_id: int | None, meeting_id: int | None = None
) -> dict[str, str]:
    """The location and online link go into invitations and calendars: refuse any that could
    identify a child (a family's home address never leaves the app, so it is not checked)."""
    typed = {
        name: values.get(name)
        for name in ("location", "online_link")
        if values.get(name) and not (name == "location" and values.get("venue_private"))
    }
    if not typed:
        return {}
    known = children_of(school_id, meeting_id)
    problems = {}
    for name, text in typed.items():
        problem = place_problem(text, known, PLACE_WORDS[name])
        if problem:
            problems[name] = problem
    return problems


def place_problem(text: str, known: list[Known], what: str) -> str | None:
    """Why this text cannot go into invitations and calendars, in words, or None."""
    found = what_identifies(text, known)
    return PLACE_PROBLEMS[found].format(what=what) if found else None


def arrangement_problems(values: dict, meeting: Meeting | None = None) -> dict[str, str]:
    """What is wrong with a meeting's arrangements, by form field."""
    problems = {}
    kind = values.get("kind") or (meeting.kind if meeting else None)
    school_id = values.get("school_id") or (meeting.school_id if meeting else None)
    if kind not in {choice.code for choice in rules.MEETING_KINDS}:
        problems["kind"] = "Select the type of meeting"
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        problems["ends"] = "The end time must be after the start time"
    location, link = values.get("location"), values.get("online_link")
    if link and not is_online_link(link):
        problems["online_link"] = "Enter the online meeting link in full, starting with https://"
    elif kind == "keeping_in_touch" and not link:
        problems["online_link"] = (
            "A keeping-in-touch meeting is held online: enter the link to join it"
        )
    if values.get("venue_private"):
        if kind != "taf":
            problems["venue_private"] = "Only a TAF / handover meeting can be at the family's home"
        elif not location:
            problems["location"] = "Enter the address of the family's home"
    if not location and not link and "location" not in problems and "online_link" not in problems:
        problems["location"] = "Enter where the meeting is, or a link to join it online"
    chair_id = values.get("chair_id")
    unchanged = meeting is not None and chair_id == meeting.chair_id
    if chair_id is None:
        problems["chair"] = "Select who will chair the meeting"
    elif not unchanged and not may_chair(chair_id, school_id):
        problems["chair"] = (
            "Select a chair from the list: a DSL of the school or a link worker linked to it"
        )
    notes = values.get("notes_for_attendees")
    if notes and names_a_child(notes, school_id, meeting and meeting.id):
        problems["notes_for_attendees"] = NOTES_NAME_A_CHILD
    for name, problem in place_problems(values, school_id, meeting and meeting.id).items():
        problems.setdefault(name, problem)
    return problems
