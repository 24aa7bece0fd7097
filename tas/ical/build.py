"""Pure calendar building: facts about a meeting (already free of any child's details) become
an iCalendar VEVENT; events become one VCALENDAR with a matching Europe/London VTIMEZONE.

No Flask and no database here. icalendar escapes TEXT values (commas, semicolons, backslashes,
newlines), quotes parameter values, folds lines at 75 octets and ends them with CRLF; the facts
are cleaned of control characters first, so no value can start a property, parameter or
component of its own (SECURITY.md E20, E21).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress

PRODID = "-//TAS Coordinator//Meetings//EN"
# Lone CR, LF and other controls (but TAB) never reach a value; a line break in a description
# is kept as a newline, which icalendar escapes as \n.
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def clean(text: str | None) -> str:
    """Text as a calendar may carry it: newlines kept (escaped later), other controls removed."""
    if not text:
        return ""
    return CONTROLS.sub(" ", LINE_BREAKS.sub("\n", text))


def one_line(text: str | None) -> str:
    """Text for a one-line value (a name in CN, a summary): every line break becomes a space."""
    return " ".join(clean(text).split())


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str
    role: str = "REQ-PARTICIPANT"  # CHAIR, REQ-PARTICIPANT, OPT-PARTICIPANT
    partstat: str = "NEEDS-ACTION"  # ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION


@dataclass(frozen=True)
class MeetingFacts:
    """What a calendar may know of a meeting. Built from the meeting, never from its agenda."""

    uid: str
    sequence: int
    stamp: datetime
    starts_at: datetime  # timezone-aware
    ends_at: datetime
    summary: str
    location: str
    url: str
    description: str
    organiser_name: str
    organiser_email: str
    cancelled: bool = False
    attendees: tuple[Attendee, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DueDate:
    """An all-day entry for a due date (a plan review, an action): a plan reference only."""

    uid: str
    stamp: datetime
    day: date
    summary: str
    url: str
    description: str = ""


def _address(email: str, **params) -> vCalAddress:
    cn = params.pop("cn", None)
    return vCalAddress.new(f"mailto:{one_line(email)}", cn=one_line(cn) or None, **params)


def _repeated(moment: datetime) -> bool:
    """A wall-clock time the clocks show twice (the night they go back), or never."""
    return moment.replace(fold=0).utcoffset() != moment.replace(fold=1).utcoffset()


def _times(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    """Start and end as written: local (with TZID) as given, or both in UTC when either is a
    time the clocks show twice. A calendar program reads a repeated local time as its first
    occurrence (RFC 5545 3.3.5), so 01:15 in the second, GMT, hour could only be said in UTC;
    and Python compares two times of one zone by their wall clocks, so 01:45 BST to 01:15 GMT
    would look like an end before the start."""
    if _repeated(starts_at) or _repeated(ends_at):
        return starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    return starts_at, ends_at


def meeting_event(facts: MeetingFacts) -> Event:
    """One meeting as a VEVENT: stable UID, SEQUENCE, times in Europe/London (as given),
    RSVP=FALSE for everyone because answers are given in the app. Times the clocks show twice are
    written in UTC (see `_times`)."""
    attendees = [
        _address(
            person.email,
            cn=person.name,
            role=person.role,
            partstat=person.partstat,
            rsvp=False,
        )
        for person in facts.attendees
    ]
    start, end = _times(facts.starts_at, facts.ends_at)
    return Event.new(
        uid=facts.uid,
        stamp=facts.stamp,
        sequence=facts.sequence,
        start=start,
        end=end,
        summary=one_line(facts.summary),
        location=clean(facts.location) or None,
        url=facts.url,
        description=clean(facts.description),
        organizer=_address(facts.organiser_email, cn=facts.organiser_name),
        attendees=attendees or None,
        status="CANCELLED" if facts.cancelled else "CONFIRMED",
    )


def due_date_event(due: DueDate) -> Event:
    event = Event.new(
        uid=due.uid,
        stamp=due.stamp,
        start=due.day,
        end=due.day + timedelta(days=1),
        summary=one_line(due.summary),
        url=due.url,
        description=clean(due.description) or None,
        transparency="TRANSPARENT",
    )
    return event


def calendar(
    events: Iterable[Event],
    *,
    method: str | None = None,
    name: str | None = None,
    uid: str | None = None,
):
    """The VCALENDAR for these events, with the VTIMEZONE their times need (a narrow range,
    not icalendar's default 1970-2038 of RDATE lists). `uid` keeps the calendar's own UID
    stable (icalendar makes a random one otherwise)."""
    events = list(events)
    cal = Calendar.new(prodid=PRODID, method=method, name=one_line(name) or None, uid=uid)
    for event in events:
        cal.add_component(event)
    starts = [e.start for e in events if isinstance(e.start, datetime)]
    if starts:
        first = min(starts).date() - timedelta(days=366)
        last = max(starts).date() + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal


def to_bytes(cal: Calendar) -> bytes:
    return cal.to_ical()
