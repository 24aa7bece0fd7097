"""Booking meetings, alone or as one of a series, and what a booking and a move share: the
arrangements a MeetingChange keeps, and the warnings to confirm. Moving, changing and
cancelling are in tas/meetings/booking/moving.py.

Each use case checks what it is given, changes the meeting, keeps a MeetingChange (what the
arrangements were before and after: never a child's details nor the family's address), writes
the audit entry (field names and ids only) and commits once. A change of date, time or place,
and a cancellation, raise the calendar SEQUENCE (docs/design.md section 5).
"""

from __future__ import annotations

from tas.audit.services import record
from tas.core.choices import Choice
from tas.core.use_cases import Refused, commit, refuse_if
from tas.extensions import db
from tas.ical import invites
from tas.meetings.access import may_organise_school
from tas.meetings.booking import closed_days
from tas.meetings.booking.checks import arrangement_problems, clashes
from tas.meetings.invitations.defaults import invite_defaults
from tas.meetings.models import Meeting, MeetingChange
from tas.meetings.rules import SCHEDULED
from tas.organisations.models import User

__all__ = ["Clashes"]

PLACE_AND_TIME = ("starts_at", "ends_at", "location", "online_link", "venue_private")
ARRANGEMENTS = (*PLACE_AND_TIME, "chair_id", "notes_for_attendees")
FAMILY_HOME = "The family's home"
CHANGE_KINDS = (
    Choice("booked", "Booked"),
    Choice("moved", "Moved"),
    Choice("changed", "Changed"),
    Choice("cancelled", "Cancelled"),
)
CLASH = (
    "The school or the chair already has a meeting at this time. Check the meetings listed, "
    "then confirm to go ahead anyway"
)


CLOSED = "{day}: the school is closed. Check the date, then confirm to go ahead anyway"


class Clashes(Refused):
    """What the organiser confirms before going ahead, each by its own field: other scheduled
    meetings of the school or the chair overlap, the school is closed that day (`closed`, in
    words) (`confirm_fields`: the clash's, the closed day's), and for a move, anything else to
    confirm (`more`: field -> what)."""

    def __init__(
        self,
        meetings: list[Meeting],
        confirm_fields: tuple[str, str],
        closed: str | None = None,
        more: dict[str, str] | None = None,
    ):
        problems = {confirm_fields[0]: CLASH} if meetings else {}
        if closed:
            problems[confirm_fields[1]] = CLOSED.format(day=closed)
        problems.update(more or {})
        super().__init__(problems)
        self.meetings = meetings
        self.closed = closed


def warn(
    found: list[Meeting],
    closed: str | None,
    confirm_fields: tuple[str, str],
    more: dict[str, str] | None = None,
) -> None:
    """Raise Clashes when there is anything to confirm."""
    if found or closed or more:
        raise Clashes(found, confirm_fields, closed, more)


# ---------------------------------------------------------------- choices and checks


# ---------------------------------------------------------------- booking


def snapshot(meeting: Meeting) -> dict:
    """The arrangements as a MeetingChange keeps them: no family address, no notes."""
    chair = db.session.get(User, meeting.chair_id) if meeting.chair_id else None
    return {
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "location": FAMILY_HOME if meeting.venue_private else meeting.location,
        "online_link": meeting.online_link,
        "venue_private": bool(meeting.venue_private),
        "chair_id": meeting.chair_id,
        "chair": chair.name if chair else None,
    }


def booking_problems(user: User, values: dict) -> dict[str, str]:
    """Field -> what to put right, for a new meeting this person books."""
    if not may_organise_school(user, values["school_id"]):
        # Nothing is checked against a school the person does not book for: its children's
        # names are not theirs to test text against.
        return {"school": "Select a school you book meetings for"}
    return arrangement_problems(values)


def add_meeting(
    user: User,
    values: dict,
    *,
    anyway: bool = False,
    on_closed_day: bool = False,
    series_id: int | None = None,
    school_defaults: bool = True,
) -> Meeting:
    """Book a meeting and invite the school's default agencies (no commit: the caller's use
    case commits once). `school_defaults` is off where the caller invites others instead: a
    step down's handover meeting, booked from the child's level page, invites the agencies
    involved with the child (tas.levels.handover.services.book_handover; README, "Handover (TAF)
    meetings"). Any meeting booked on the booking page, a TAF meeting too, invites the
    defaults, as that page says; an agency invited there sees a child on the agenda only as
    the family's agreement allows, and a family home's address only if involved
    (tas.meetings.handover). Raises Refused, or Clashes for an overlap unless `anyway` and for
    a day the school is closed unless `on_closed_day`."""
    school_id = values["school_id"]
    refuse_if(booking_problems(user, values))
    found = []
    if not anyway:
        found = clashes(school_id, values["chair_id"], values["starts_at"], values["ends_at"])
    closed = None if on_closed_day else closed_days.closed_on(values["starts_at"])
    warn(found, closed, ("book_anyway", "book_on_closed_day"))
    meeting = Meeting(
        school_id=school_id,
        kind=values["kind"],
        status=SCHEDULED,
        starts_at=values["starts_at"],
        ends_at=values["ends_at"],
        location=values.get("location"),
        online_link=values.get("online_link"),
        venue_private=bool(values.get("venue_private")),
        chair_id=values["chair_id"],
        organiser_id=user.id,
        notes_for_attendees=values.get("notes_for_attendees"),
        series_id=series_id,
        sequence=0,
    )
    db.session.add(meeting)
    db.session.flush()
    db.session.add(
        MeetingChange(meeting_id=meeting.id, kind="booked", by_id=user.id, after=snapshot(meeting))
    )
    if school_defaults:
        invite_defaults(meeting, user)
    invites.booked(meeting)
    filled = sorted(name for name, value in values.items() if value not in (None, "", False))
    detail = {"school_id": school_id, "fields": filled}
    if series_id is not None:
        detail["series_id"] = series_id
    record("meeting_booked", target=meeting, detail=detail)
    return meeting


def book(user: User, values: dict, *, anyway: bool = False, on_closed_day: bool = False) -> Meeting:
    """Book one meeting, committed."""
    return commit(lambda: add_meeting(user, values, anyway=anyway, on_closed_day=on_closed_day))
