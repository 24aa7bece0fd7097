"""Pure calendar building: facts about a meeting (already free of any child's details) become
an iCalendar VEVENT; events become one VCALENDAR with a matching Europe/London VTIMEZONE.

No Flask and no database here. icalendar escapes TEXT values (commas, semicolons, backslashes,
newlines), quotes parameter values, folds lines at 75 octets and ends them with CRLF; the facts
are cleaned of control characters first, so no value can start a property, parameter or
component of its own (docs/security.md E20, E21).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
)

PRODID = "-//TAS Coordinator//Meetings//EN"
TZID = "Europe/London"
# Subscribed calendars are asked to look again within the hour (RFC 7986 REFRESH-INTERVAL; the
# older X-PUBLISHED-TTL for Outlook), and revalidate with the feed's ETag.
REFRESH = timedelta(hours=1)
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
    # A CANCEL to the attendees removed from a meeting that goes ahead: no STATUS, which RFC
    # 5546 (3.2.5) keeps for cancelling the whole event, and no URL (url is "").
    uninviting: bool = False


@dataclass(frozen=True)
class DueDate:
    """An all-day entry for a due date (a plan review, an action): a plan reference only."""

    uid: str
    stamp: datetime
    day: date
    summary: str
    url: str
    organiser_name: str
    organiser_email: str
    description: str = ""
    sequence: int = 0  # raised each time the date changes
    modified: datetime | None = None  # when the date was last set


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


def published(facts: MeetingFacts) -> MeetingFacts:
    """The meeting as a PUBLISH object carries it (a download, a feed, an export): no ATTENDEE
    (RFC 5546 3.2.1), and a cancelled meeting says so in its summary, for calendar programs that
    ignore STATUS."""
    summary = f"Cancelled: {facts.summary}" if facts.cancelled else facts.summary
    return replace(facts, attendees=(), summary=summary, uninviting=False)


def _status(facts: MeetingFacts) -> str | None:
    if facts.uninviting:
        return None
    return "CANCELLED" if facts.cancelled else "CONFIRMED"


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
        url=facts.url or None,
        description=clean(facts.description),
        organizer=_address(facts.organiser_email, cn=facts.organiser_name),
        attendees=attendees or None,
        status=_status(facts),
    )


# How many events' text a process keeps (`event_text`): a region's year of meetings and more,
# about a kilobyte each.
EVENTS_KEPT = 10_000


@lru_cache(maxsize=EVENTS_KEPT)
def event_text(facts: MeetingFacts) -> bytes:
    """One meeting's VEVENT as calendar text, built once for the same facts. The facts hold
    everything the event says (its SEQUENCE, times, place, people and a stored DTSTAMP), so a
    change to the meeting is a new entry, never the old text: a region's year export builds
    each event once per meeting and version, not at every download."""
    return meeting_event(facts).to_ical()


def due_date_event(due: DueDate) -> Event:
    """An all-day entry, with the ORGANIZER every published event has (RFC 5546 3.2.1) and a
    SEQUENCE and LAST-MODIFIED that change when the date does."""
    return Event.new(
        uid=due.uid,
        stamp=due.stamp,
        sequence=due.sequence,
        last_modified=due.modified,
        start=due.day,
        end=due.day + timedelta(days=1),
        summary=one_line(due.summary),
        url=due.url,
        description=clean(due.description) or None,
        organizer=_address(due.organiser_email, cn=due.organiser_name),
        transparency="TRANSPARENT",
    )


def _observance(kind, name: str, starts: datetime, month: int, before: int, after: int):
    """One observance of the zone, from 1970, repeated on the last Sunday of `month`."""
    observance = kind()
    observance.add("TZNAME", name)
    observance.add("DTSTART", starts)
    observance.add("TZOFFSETFROM", timedelta(hours=before))
    observance.add("TZOFFSETTO", timedelta(hours=after))
    observance.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": "-1SU"})
    return observance


def london() -> Timezone:
    """Europe/London as rules, as the tz database has had it since 1996: summer time from the
    last Sunday of March at 01:00 GMT (01:00 local becomes 02:00) to the last Sunday of October
    at 01:00 GMT (02:00 BST becomes 01:00). DTSTART is the local time before each change (RFC
    5545 3.6.5). Rules rather than a list of dates: some calendar programs (Outlook among them)
    misread zones given by RDATEs only."""
    zone = Timezone()
    zone.add("TZID", TZID)
    zone.add_component(_observance(TimezoneDaylight, "BST", datetime(1970, 3, 29, 1), 3, 0, 1))
    zone.add_component(_observance(TimezoneStandard, "GMT", datetime(1970, 10, 25, 2), 10, 1, 0))
    return zone


def _local(value) -> bool:
    """A time written with TZID=Europe/London (not a date, not UTC)."""
    return isinstance(value, datetime) and value.utcoffset() is not None and value.tzinfo != UTC


# How every VCALENDAR ends: a streamed calendar (tas/ical/exports.py) writes its opening, then
# each event's text, then this.
CALENDAR_END = b"END:VCALENDAR\r\n"


def calendar(
    events: Iterable[Event],
    *,
    method: str | None = None,
    name: str | None = None,
    uid: str | None = None,
    subscribed: bool = False,
    with_london: bool = False,
):
    """The VCALENDAR for these events, with the rule-based Europe/London VTIMEZONE when a time
    is written in it (times the clocks show twice are in UTC and need none), or when asked
    (`with_london`: a streamed calendar whose events come later). `uid` keeps the calendar's
    own UID stable (icalendar makes a random one otherwise); a `subscribed` calendar (the feed)
    says how often to look again. A calendar with no events still holds the VTIMEZONE: RFC 5545
    (3.6) wants one component or more, and a strict calendar program refuses none."""
    events = list(events)
    cal = Calendar.new(prodid=PRODID, method=method, name=one_line(name) or None, uid=uid)
    if subscribed:
        cal.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    local_times = (_local(e.decoded(key, None)) for e in events for key in ("DTSTART", "DTEND"))
    if with_london or not events or any(local_times):
        cal.add_component(london())
    for event in events:
        cal.add_component(event)
    return cal


def to_bytes(cal: Calendar) -> bytes:
    return cal.to_ical()
