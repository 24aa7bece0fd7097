"""Anonymous consultation items: a school puts a situation on a meeting's agenda without naming
the child, to get advice before any agreement. The text is refused when it names or numbers a
child of the school."""

from __future__ import annotations

from sqlalchemy import select

from tas.children.models import Child
from tas.core.use_cases import commit, refuse_if
from tas.extensions import db
from tas.meetings.access import organising_schools
from tas.meetings.agenda import services as agenda
from tas.meetings.models import AgendaItem, Meeting
from tas.meetings.requests.identifiers import Known, identifies_anonymously
from tas.meetings.requests.triage import upcoming_meetings
from tas.organisations.models import User

NAMES_A_CHILD = (
    "The situation could identify a child: remove names, initials, dates, UPNs and NHS numbers. "
    "An anonymous consultation must not identify the child"
)
NOT_TAS = (
    "An anonymous consultation goes on a TAS meeting only, not on a family's TAF / handover "
    "meeting or a keeping-in-touch meeting: select a TAS meeting from the list"
)
TAS = "tas"


def names_a_child(school_id: int, text: str) -> bool:
    """Whether the text could identify a child: names or numbers a child of the school, or
    holds any date, NHS number or UPN (one query)."""
    rows = db.session.execute(
        select(Child.first_name, Child.last_name, Child.upn, Child.nhs_number).where(
            Child.school_id == school_id
        )
    )
    known = [Known(first, last, (upn or "", nhs or "")) for first, last, upn, nhs in rows]
    return identifies_anonymously(text, known)


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
    does not identify a child of its school."""
    return _problems(_offered(user, values), values)


def _problems(meeting: Meeting | None, values: dict) -> dict[str, str]:
    if meeting is None:
        return {"meeting": "Select the meeting from the list"}
    if meeting.kind != TAS:
        return {"meeting": NOT_TAS}
    situation = values.get("situation")
    if situation and names_a_child(meeting.school_id, situation):
        return {"situation": NAMES_A_CHILD}
    return {}


def add_consultation(user: User, values: dict) -> AgendaItem:
    """Put a situation on a TAS meeting's agenda without naming the child, audited (ids
    only). A family's TAF meeting, or any meeting not offered, is refused."""
    meeting = _offered(user, values)
    refuse_if(_problems(meeting, values))
    return commit(lambda: agenda.add_consultation(meeting, values["situation"], user))
