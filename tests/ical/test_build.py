"""The calendar core on its own (no database): what it writes is what two independent parsers
(icalendar and vobject) read back, 09:00 stays 09:00 on both sides of the clock changes, and no
text anyone types can add a property, a parameter, an attendee or a component."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from tas.ical.build import (
    Attendee,
    DueDate,
    MeetingFacts,
    calendar,
    due_date_event,
    meeting_event,
    to_bytes,
)

LONDON = ZoneInfo("Europe/London")
STAMP = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
UID = "tas-meeting-42@tas.example.org"
PEOPLE = (
    Attendee("chair@example.org", "Alex Chair", role="CHAIR", partstat="ACCEPTED"),
    Attendee("sian@example.org", "Siân O'Brien, Jr."),
    Attendee("team@agency.example.org", "Future in Mind; North team", partstat="DECLINED"),
)


def meeting(**changes) -> MeetingFacts:
    """Facts about a 09:00-10:30 meeting on Wednesday 2 December 2026, with three attendees."""
    base = MeetingFacts(
        uid=UID,
        sequence=2,
        stamp=STAMP,
        starts_at=datetime(2026, 12, 2, 9, 0, tzinfo=LONDON),
        ends_at=datetime(2026, 12, 2, 10, 30, tzinfo=LONDON),
        summary="TAS meeting – Oakfield Primary",
        location="Meeting room 1",
        url="https://tas.example.org/meetings/42",
        description="TAS meeting – Oakfield Primary (MTG-0042)",
        organiser_name="Dana Organiser",
        organiser_email="no-reply@tas.example.org",
        attendees=PEOPLE,
    )
    return dataclasses.replace(base, **changes)


def ics(*facts: MeetingFacts, method: str | None = "REQUEST") -> bytes:
    return to_bytes(calendar([meeting_event(f) for f in facts], method=method, uid="cal-1"))


def event_of(raw: bytes):
    """The one VEVENT, as icalendar reads it back (the test fails if there are more)."""
    parsed = Calendar.from_ical(raw)
    assert len(parsed.events) == 1
    return parsed.events[0]


def by_vobject(raw: bytes) -> list:
    """Every VEVENT as vobject reads it (it raises on anything it cannot parse)."""
    found = []
    for component in vobject.readComponents(raw.decode("utf-8")):
        assert component.name == "VCALENDAR"
        found.extend(component.vevent_list)
    return found


def text(event, name: str) -> str:
    return str(event[name])


def lines_of(raw: bytes) -> list[bytes]:
    """The content lines as sent: each must end with CRLF and hold no other CR or LF."""
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    for line in lines:
        assert b"\r" not in line and b"\n" not in line, line
    return lines


def check_lines(raw: bytes) -> None:
    """Every line ends with CRLF, is at most 75 octets, and folding never splits a character."""
    for line in lines_of(raw):
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")  # a multi-byte character cut in two would not decode


# --- Round trip ---------------------------------------------------------------------------

AWKWARD = [
    "Siân O'Brien, Jr.",
    'Dr "Jo" Smith; Team: North',
    "Back\\slash, comma; semi: colon",
    "Zoë Ñúñez – 日本 😀",
]


@pytest.mark.parametrize("awkward", AWKWARD)
def test_round_trip_keeps_times_ids_text_and_people(awkward):
    people = (
        Attendee("chair@example.org", awkward, role="CHAIR", partstat="ACCEPTED"),
        Attendee("sian@example.org", "Siân O'Brien, Jr.", partstat="DECLINED"),
        Attendee("ops@example.org", "Ops", role="OPT-PARTICIPANT", partstat="TENTATIVE"),
    )
    facts = meeting(
        summary=f"TAS meeting – {awkward}",
        location=f"{awkward}\nSecond line, 2",
        description=f"First: {awkward}\nSecond line\\n is literal; here",
        organiser_name=awkward,
        attendees=people,
    )
    raw = ics(facts)
    check_lines(raw)
    event = event_of(raw)

    assert event.start == datetime(2026, 12, 2, 9, 0, tzinfo=LONDON)
    assert event.end == datetime(2026, 12, 2, 10, 30, tzinfo=LONDON)
    assert event.start.tzinfo is not None and event.start.utcoffset() == timedelta(0)
    assert event.start.astimezone(UTC) == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert text(event, "UID") == UID
    assert event["SEQUENCE"] == 2
    assert text(event, "STATUS") == "CONFIRMED"
    assert text(event, "SUMMARY") == f"TAS meeting – {awkward}"
    assert text(event, "LOCATION") == f"{awkward}\nSecond line, 2"
    assert text(event, "DESCRIPTION") == f"First: {awkward}\nSecond line\\n is literal; here"
    assert text(event, "URL") == "https://tas.example.org/meetings/42"
    assert event["DTSTAMP"].dt == STAMP

    organiser = event["ORGANIZER"]
    assert str(organiser) == "mailto:no-reply@tas.example.org"
    assert organiser.params["CN"] == awkward

    attendees = event.attendees
    assert [str(a) for a in attendees] == [f"mailto:{p.email}" for p in people]
    for sent, back in zip(people, attendees, strict=True):
        assert dict(back.params) == {
            "CN": sent.name,
            "ROLE": sent.role,
            "PARTSTAT": sent.partstat,
            "RSVP": "FALSE",
        }

    # Written again, the parsed calendar is byte for byte what was sent.
    assert Calendar.from_ical(raw).to_ical() == raw


def test_one_line_values_lose_their_line_breaks_but_nothing_else():
    facts = meeting(
        summary="TAS meeting –\r\nOak, Primary",
        attendees=(Attendee("a@example.org", "Siân\nO'Brien"),),
    )
    event = event_of(ics(facts))
    assert text(event, "SUMMARY") == "TAS meeting – Oak, Primary"
    assert event.attendees[0].params["CN"] == "Siân O'Brien"


def test_no_location_means_no_location_property():
    event = event_of(ics(meeting(location="")))
    assert "LOCATION" not in event


# --- A second, independent parser -----------------------------------------------------------


def every_calendar() -> list[tuple[str, bytes]]:
    """One of each kind of calendar the builder makes."""
    awkward = meeting(
        summary='TAS meeting – "Oak", Primary; A:B \\ C',
        location="Room 1, Main; Building\nUpstairs",
        description="Line one, with comma; semicolon\\ backslash\nLine two: Siân",
        attendees=(
            *PEOPLE,
            Attendee("x@example.org", 'Bob "B" ;: \\ x\r\nATTENDEE:mailto:a@evil'),
        ),
    )
    summer = meeting(
        uid="tas-meeting-43@tas.example.org",
        starts_at=datetime(2027, 6, 7, 9, 0, tzinfo=LONDON),
        ends_at=datetime(2027, 6, 7, 10, 0, tzinfo=LONDON),
        attendees=(),
    )
    cancelled = meeting(sequence=3, cancelled=True)
    due = due_date_event(
        DueDate(
            uid="tas-review-7@tas.example.org",
            stamp=STAMP,
            day=date(2026, 12, 31),
            summary="Plan review: PLN-0007",
            url="https://tas.example.org/plans/7",
            organiser_name="TAS Coordinator",
            organiser_email="no-reply@tas.example.org",
        )
    )
    return [
        ("request", ics(awkward)),
        ("publish", ics(awkward, method="PUBLISH")),
        ("cancel", ics(cancelled, method="CANCEL")),
        ("several", ics(meeting(), summer)),
        ("due date", to_bytes(calendar([due], name="TAS Coordinator: my meetings", uid="f"))),
        (
            "feed",
            to_bytes(calendar([meeting_event(meeting()), meeting_event(summer), due], uid="f")),
        ),
    ]


@pytest.mark.parametrize("kind, raw", every_calendar(), ids=[k for k, _ in every_calendar()])
def test_vobject_reads_every_calendar_and_agrees(kind, raw):
    check_lines(raw)
    ours = Calendar.from_ical(raw).events
    theirs = by_vobject(raw)
    assert len(theirs) == len(ours) > 0
    for mine, other in zip(ours, theirs, strict=True):
        assert other.uid.value == str(mine["UID"])
        assert other.dtstart.value == mine.start
        if isinstance(mine.start, datetime):
            assert other.dtstart.value.utcoffset() == mine.start.utcoffset()
        if "SEQUENCE" in mine:
            assert int(other.sequence.value) == mine["SEQUENCE"]
        assert len(other.contents.get("attendee", [])) == len(mine.attendees)


def test_vobject_reads_the_awkward_text_back():
    raw = every_calendar()[0][1]
    event = by_vobject(raw)[0]
    assert event.summary.value == 'TAS meeting – "Oak", Primary; A:B \\ C'
    assert event.location.value == "Room 1, Main; Building\nUpstairs"
    assert event.description.value == "Line one, with comma; semicolon\\ backslash\nLine two: Siân"
    names = [a.params["CN"][0] for a in event.contents["attendee"]]
    assert names[:3] == ["Alex Chair", "Siân O'Brien, Jr.", "Future in Mind; North team"]


# --- Clock changes (docs/security.md I41) -----------------------------------------------------

# The Monday before and the Monday after each clock change: 29 March and 25 October 2026,
# 28 March and 31 October 2027. 09:00 in London is 08:00 UTC in summer time, 09:00 in winter.
MONDAYS = [
    (date(2026, 3, 23), 9),
    (date(2026, 3, 30), 8),
    (date(2026, 10, 19), 8),
    (date(2026, 10, 26), 9),
    (date(2027, 3, 22), 9),
    (date(2027, 3, 29), 8),
    (date(2027, 10, 25), 8),
    (date(2027, 11, 1), 9),
]


def nine_am(day: date) -> MeetingFacts:
    return meeting(
        uid=f"tas-meeting-{day:%Y%m%d}@tas.example.org",
        starts_at=datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON),
        ends_at=datetime(day.year, day.month, day.day, 10, 0, tzinfo=LONDON),
    )


def assert_nine_local(start: datetime, day: date, utc_hour: int) -> None:
    assert start.tzinfo is not None
    assert start.astimezone(UTC) == datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC)
    local = start.astimezone(LONDON)
    assert (local.date(), local.hour, local.minute) == (day, 9, 0)


@pytest.mark.parametrize("day, utc_hour", MONDAYS, ids=[str(d) for d, _ in MONDAYS])
def test_nine_am_stays_nine_am_across_clock_changes(day, utc_hour):
    assert day.weekday() == 0
    raw = ics(nine_am(day))
    assert f"DTSTART;TZID=Europe/London:{day:%Y%m%d}T090000".encode() in raw
    assert_nine_local(event_of(raw).start, day, utc_hour)
    (theirs,) = by_vobject(raw)
    assert_nine_local(theirs.dtstart.value, day, utc_hour)
    assert theirs.dtstart.value.replace(tzinfo=None) == datetime(day.year, day.month, day.day, 9)


def test_one_calendar_across_two_years_of_clock_changes():
    """A feed or an export holds meetings on both sides of several changes at once."""
    raw = ics(*(nine_am(day) for day, _ in MONDAYS), method="PUBLISH")
    ours = {str(e["UID"]): e.start for e in Calendar.from_ical(raw).events}
    theirs = {e.uid.value: e.dtstart.value for e in by_vobject(raw)}
    for day, utc_hour in MONDAYS:
        uid = f"tas-meeting-{day:%Y%m%d}@tas.example.org"
        assert_nine_local(ours[uid], day, utc_hour)
        assert_nine_local(theirs[uid], day, utc_hour)


def test_the_timezone_describes_the_changes_the_meetings_need():
    raw = ics(*(nine_am(day) for day, _ in MONDAYS))
    timezones = Calendar.from_ical(raw).timezones
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/London"]
    zone = timezones[0].to_tz()
    for day, utc_hour in MONDAYS:
        local = datetime(day.year, day.month, day.day, 9, tzinfo=zone)
        assert local.astimezone(UTC).hour == utc_hour
    # Two rules (tests/ical/test_timezone.py checks them against the tz database), no RDATEs.
    assert b"RDATE" not in raw and raw.count(b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=") == 2


def repeated_hour(start: datetime, end: datetime) -> bytes:
    return ics(meeting(starts_at=start.astimezone(LONDON), ends_at=end.astimezone(LONDON)))


@pytest.mark.parametrize(
    "start, end",
    [
        # 01:45 BST to 01:15 GMT on the night the clocks go back: half an hour, though the
        # wall clock runs backwards (a booking the meeting pages accept).
        (datetime(2027, 10, 31, 0, 45, tzinfo=UTC), datetime(2027, 10, 31, 1, 15, tzinfo=UTC)),
        # 01:30 GMT, the second 01:30 of the night, to 02:30.
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),
        # 00:30 to 01:30 BST, ending in the first of the two 01:30s.
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ],
)
def test_a_time_the_clocks_show_twice_is_the_right_instant(start, end):
    raw = repeated_hour(start, end)
    check_lines(raw)
    event = event_of(raw)
    assert event.start.astimezone(UTC) == start
    assert event.end.astimezone(UTC) == end
    (theirs,) = by_vobject(raw)
    assert theirs.dtstart.value.astimezone(UTC) == start
    assert theirs.dtend.value.astimezone(UTC) == end
    # Written in UTC: a local 01:15 or 01:30 that night would be read as its first (BST) one.
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z\r\n".encode() in raw


def test_an_ordinary_night_of_the_clock_change_stays_local():
    """Times away from the repeated hour keep Europe/London, even on the night itself."""
    raw = repeated_hour(
        datetime(2026, 10, 25, 9, 0, tzinfo=UTC), datetime(2026, 10, 25, 10, 0, tzinfo=UTC)
    )
    assert b"DTSTART;TZID=Europe/London:20261025T090000\r\n" in raw


# --- Injection (docs/security.md E20-E22) -----------------------------------------------------

PAYLOADS = [
    "Oak\r\nATTENDEE:mailto:a@evil",
    "Oak\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil",
    "Oak\nATTENDEE;CN=Evil:mailto:a@evil",
    "Oak\rATTENDEE:mailto:a@evil",
    "Oak\r\n ATTENDEE:mailto:a@evil",
    'Oak";ROLE=CHAIR;X="',
    "Oak;RSVP=TRUE:mailto:a@evil",
    "Oak, Primary: \"Main\" site; 'A' \\ B",
    "Oak\x00\x0b\x1b[31m\x7fEND:VCALENDAR",
    "Siân\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nBEGIN:VEVENT",
]
EVENT_PROPERTIES = {
    "SUMMARY",
    "DTSTART",
    "DTEND",
    "DTSTAMP",
    "UID",
    "SEQUENCE",
    "ATTENDEE",
    "DESCRIPTION",
    "LOCATION",
    "ORGANIZER",
    "STATUS",
    "URL",
}


def one_line(value: str) -> str:
    return " ".join(value.replace("\x00", " ").replace("\x1b", " ").replace("\x7f", " ").split())


def multi_line(value: str) -> str:
    kept = value.replace("\r\n", "\n").replace("\r", "\n")
    for control in "\x00\x0b\x1b\x7f":
        kept = kept.replace(control, " ")
    return kept


def assert_nothing_added(raw: bytes, attendees: tuple[Attendee, ...]) -> None:
    check_lines(raw)
    lines = lines_of(raw)
    assert lines.count(b"BEGIN:VCALENDAR") == lines.count(b"END:VCALENDAR") == 1
    assert lines.count(b"BEGIN:VEVENT") == lines.count(b"END:VEVENT") == 1
    assert not [line for line in lines if b"evil" in line.split(b":")[0]]
    assert not [line for line in lines if line.startswith(b"UID:evil")]
    parsed = Calendar.from_ical(raw)
    assert [c.name for c in parsed.subcomponents] == ["VTIMEZONE", "VEVENT"]
    event = parsed.events[0]
    assert set(event) == EVENT_PROPERTIES
    assert text(event, "UID") == UID
    assert [str(a) for a in event.attendees] == [f"mailto:{p.email}" for p in attendees]
    for back in event.attendees:
        assert set(back.params) == {"CN", "ROLE", "PARTSTAT", "RSVP"}
        assert back.params["RSVP"] == "FALSE"
    assert set(event["ORGANIZER"].params) == {"CN"}
    (theirs,) = by_vobject(raw)
    assert len(theirs.contents["attendee"]) == len(attendees)
    assert theirs.uid.value == UID


@pytest.mark.parametrize("payload", PAYLOADS)
def test_typed_text_never_adds_anything(payload):
    people = (
        Attendee("chair@example.org", payload, role="CHAIR"),
        Attendee("other@example.org", f"Jo {payload} Smith", partstat="ACCEPTED"),
    )
    facts = meeting(
        summary=f"TAS meeting – {payload}",
        location=payload,
        description=f"Notes:\n{payload}\nEnd of notes",
        organiser_name=payload,
        attendees=people,
    )
    raw = ics(facts)
    assert_nothing_added(raw, people)
    event = event_of(raw)
    assert text(event, "SUMMARY") == one_line(f"TAS meeting – {payload}")
    assert text(event, "LOCATION") == multi_line(payload)
    assert text(event, "DESCRIPTION") == multi_line(f"Notes:\n{payload}\nEnd of notes")
    assert [a.params["CN"] for a in event.attendees] == [
        one_line(payload),
        one_line(f"Jo {payload} Smith"),
    ]
    assert [a.params["ROLE"] for a in event.attendees] == ["CHAIR", "REQ-PARTICIPANT"]
    assert [a.params["PARTSTAT"] for a in event.attendees] == ["NEEDS-ACTION", "ACCEPTED"]
    assert event["ORGANIZER"].params["CN"] == one_line(payload)


def test_long_multi_byte_text_folds_at_75_octets_between_characters():
    people = tuple(
        Attendee(f"p{n}@example.org", "Siân Ffion Ó Súilleabháin-Nguyễn 😀 " * 3) for n in range(3)
    )
    facts = meeting(
        summary="TAS meeting – Ysgol Gynradd Gymraeg Llanfair­pwllgwyngyll 日本語 " * 4,
        location="Ystafell gyfarfod, Adeilad Siân – ë ö ü ß 😀 " * 6,
        description="Nodiadau: “curly quotes” – en dash – 日本語テキスト\n" * 10,
        attendees=people,
    )
    raw = ics(facts)
    assert_nothing_added(raw, people)
    assert max(len(line) for line in lines_of(raw)) == 75  # long values were folded
    event = event_of(raw)
    assert text(event, "LOCATION") == facts.location
    assert [a.params["CN"] for a in event.attendees] == [one_line(p.name) for p in people]


# --- Cancelling -------------------------------------------------------------------------------


def test_cancel_keeps_the_uid_and_raises_the_sequence():
    booked = meeting(sequence=1)
    request = ics(booked, method="REQUEST")
    cancel = ics(dataclasses.replace(booked, sequence=2, cancelled=True), method="CANCEL")
    before, after = event_of(request), event_of(cancel)
    assert str(Calendar.from_ical(request)["METHOD"]) == "REQUEST"
    assert str(Calendar.from_ical(cancel)["METHOD"]) == "CANCEL"
    assert text(after, "UID") == text(before, "UID") == UID
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert text(before, "STATUS") == "CONFIRMED"
    assert text(after, "STATUS") == "CANCELLED"
    assert after.start == before.start
    assert b"METHOD:CANCEL\r\n" in cancel and b"STATUS:CANCELLED\r\n" in cancel
    (theirs,) = by_vobject(cancel)
    assert theirs.status.value == "CANCELLED" and int(theirs.sequence.value) == 2


# --- Due dates ------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2026, 12, 2), date(2026, 12, 31), date(2027, 3, 28)])
def test_due_date_is_an_all_day_entry(day):
    due = DueDate(
        uid="tas-review-7@tas.example.org",
        stamp=STAMP,
        day=day,
        summary="Plan review: PLN-0007",
        url="https://tas.example.org/plans/7",
        organiser_name="TAS Coordinator",
        organiser_email="no-reply@tas.example.org",
    )
    raw = to_bytes(calendar([due_date_event(due)], uid="f"))
    check_lines(raw)
    following = day + timedelta(days=1)
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}\r\n".encode() in raw
    assert f"DTEND;VALUE=DATE:{following:%Y%m%d}\r\n".encode() in raw
    assert b"VTIMEZONE" not in raw  # a date needs no time zone
    event = event_of(raw)
    assert type(event.start) is date and event.start == day
    assert type(event.end) is date and event.end == following
    assert text(event, "SUMMARY") == "Plan review: PLN-0007"
    assert text(event, "TRANSP") == "TRANSPARENT"
    (theirs,) = by_vobject(raw)
    assert theirs.dtstart.value == day
    assert theirs.dtend.value == following


def test_a_calendar_with_no_events_still_holds_a_component():
    """RFC 5545 (3.6): a calendar holds one component or more. A feed with nothing in it yet
    holds the London time zone, and parses in icalendar and vobject."""
    raw = to_bytes(calendar([], name="Your meetings", subscribed=True))

    assert b"BEGIN:VTIMEZONE\r\n" in raw and b"BEGIN:VEVENT" not in raw
    assert [c.name for c in Calendar.from_ical(raw).subcomponents] == ["VTIMEZONE"]
    assert vobject.readOne(raw.decode()).name == "VCALENDAR"
