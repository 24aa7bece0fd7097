"""Anonymous consultation items: a school puts a situation on a meeting's agenda without naming
the child, to get advice before any agreement. Every agency invited to the meeting reads it and
its minutes, whatever any family agreed, so their text is refused when it could identify a child
of the school or on the agenda (tas.meetings.requests.rules)."""

from __future__ import annotations

from sqlalchemy import or_, select

from tas.children.models import Child
from tas.core.use_cases import commit, refuse_if
from tas.extensions import db
from tas.meetings.access import organising_schools
from tas.meetings.agenda import services as agenda
from tas.meetings.models import AgendaItem, Meeting
from tas.meetings.requests import identifiers
from tas.meetings.requests.identifiers import Known
from tas.meetings.requests.rules import INITIALS, what_identifies_anonymously
from tas.meetings.requests.triage import upcoming_meetings
from tas.organisations.models import User

REMOVE = (
    ": remove names, initials, dates, UPNs and NHS numbers. An anonymous consultation must not "
    "identify the child"
)
IDENTIFIES = {
    identifiers.NAME: "{what} names a child of the school or on the meeting's agenda (a first "
    "name alone counts, even one that is also an ordinary word)" + REMOVE,
    INITIALS: "{what} holds the initials of a child of the school or on the meeting's agenda"
    + REMOVE,
    identifiers.DATE: "{what} holds a date, which could be a child's date of birth" + REMOVE,
    identifiers.NHS_NUMBER: "{what} holds an NHS number" + REMOVE,
    identifiers.UPN: "{what} holds a unique pupil number (UPN)" + REMOVE,
    identifiers.REFERENCE: "{what} holds a child's reference number" + REMOVE,
}
NOT_TAS = (
    "An anonymous consultation goes on a TAS meeting only, not on a family's TAF / handover "
    "meeting or a keeping-in-touch meeting: select a TAS meeting from the list"
)
TAS = "tas"
SITUATION = {"situation": "The situation"}


def children_around(meeting: Meeting) -> tuple[list[Known], list[Known]]:
    """The names and identifiers of the children of the meeting's school, and of the children on
    its agenda (of any school), in one query."""
    on_agenda = Child.id.in_(select(AgendaItem.child_id).where(AgendaItem.meeting_id == meeting.id))
    rows = db.session.execute(
        select(
            on_agenda.label("on_agenda"),
            Child.first_name,
            Child.last_name,
            Child.date_of_birth,
            Child.upn,
            Child.nhs_number,
            Child.early_help_reference,
            Child.social_care_reference,
            Child.school_system_reference,
        ).where(or_(Child.school_id == meeting.school_id, on_agenda))
    )
    school: list[Known] = []
    agenda_children: list[Known] = []
    for listed, first, last, born, *numbers in rows:
        known = Known(first, last, tuple(number for number in numbers if number), born=born)
        (agenda_children if listed else school).append(known)
    return school, agenda_children


def identifying_problems(meeting: Meeting, values: dict, fields: dict[str, str]) -> dict[str, str]:
    """Field -> what to put right, for each of these text fields (name -> what the page calls
    it) that could identify a child of the school or on the agenda (one query, none when
    nothing is typed)."""
    typed = {name: values.get(name) for name in fields if values.get(name)}
    if not typed:
        return {}
    school, on_agenda = children_around(meeting)
    problems = {}
    for name, text in typed.items():
        found = what_identifies_anonymously(text, school, on_agenda)
        if found:
            problems[name] = IDENTIFIES[found].format(what=fields[name])
    return problems


def consultation_meetings(user: User, kinds: tuple[str, ...] | None = (TAS,)) -> list[Meeting]:
    """TAS meetings to come at the schools this DSL or link worker organises for (any kind of
    meeting when `kinds` is None)."""
    schools = organising_schools(user) if user.active else None
    return [] if schools is None else upcoming_meetings(schools, kinds)


def _offered(user: User, values: dict) -> Meeting | None:
    meeting_id = values.get("meeting_id")
    return next((m for m in consultation_meetings(user, None) if m.id == meeting_id), None)


def consultation_problems(user: User, values: dict) -> dict[str, str]:
    """Field -> what to put right: a TAS meeting offered to this person, and a situation that
    does not identify a child of its school or on its agenda."""
    return _problems(_offered(user, values), values)


def _problems(meeting: Meeting | None, values: dict) -> dict[str, str]:
    if meeting is None:
        return {"meeting": "Select the meeting from the list"}
    if meeting.kind != TAS:
        return {"meeting": NOT_TAS}
    return identifying_problems(meeting, values, SITUATION)


def add_consultation(user: User, values: dict) -> AgendaItem:
    """Put a situation on a TAS meeting's agenda without naming the child, audited (ids
    only). A family's TAF meeting, or any meeting not offered, is refused."""
    meeting = _offered(user, values)
    refuse_if(_problems(meeting, values))
    return commit(lambda: agenda.add_consultation(meeting, values["situation"], user))
