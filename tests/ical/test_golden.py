"""Golden files: one REQUEST and one CANCEL, built from fixed facts, byte for byte as committed.
A change to what calendar programs receive shows up here first and has to be looked at.

To write the files again after a deliberate change: TAS_WRITE_GOLDEN=1 pytest this file, then
read the diff."""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tas.ical.build import Attendee, MeetingFacts, calendar, meeting_event, to_bytes

GOLDEN = Path(__file__).parent / "golden"
LONDON = ZoneInfo("Europe/London")

BOOKED = MeetingFacts(
    uid="tas-meeting-42@tas.example.org",
    sequence=1,
    stamp=datetime(2026, 11, 20, 14, 5, 0, tzinfo=UTC),
    starts_at=datetime(2026, 12, 2, 9, 0, tzinfo=LONDON),
    ends_at=datetime(2026, 12, 2, 10, 30, tzinfo=LONDON),
    summary="TAS meeting – Oakfield Primary",
    location="Meeting room 1, Oakfield Primary; Main building",
    url="https://tas.example.org/meetings/42",
    description=(
        "TAS meeting – Oakfield Primary (MTG-0042)\n"
        "Wednesday 2 December 2026, 9am to 10:30am (UK time)\n"
        "Where: Meeting room 1, Oakfield Primary; Main building\n"
        "Chair: Alex Chair\n"
        "\n"
        "Say whether you can come, and see the agenda if you are invited, in TAS Coordinator "
        "(replies to this invitation are not read):\n"
        "https://tas.example.org/meetings/42"
    ),
    organiser_name="Dana Organiser",
    organiser_email="no-reply@tas.example.org",
    attendees=(
        Attendee("alex.chair@example.org", "Alex Chair", role="CHAIR", partstat="ACCEPTED"),
        Attendee("sian@example.org", "Siân O'Brien, Jr."),
        Attendee("team@agency.example.org", "Future in Mind", partstat="DECLINED"),
    ),
)
CANCELLED = dataclasses.replace(
    BOOKED,
    sequence=2,
    stamp=datetime(2026, 11, 27, 9, 30, 0, tzinfo=UTC),
    cancelled=True,
    description="This meeting has been cancelled.\n" + BOOKED.description,
)
CASES = {
    "request.ics": (BOOKED, "REQUEST"),
    "cancel.ics": (CANCELLED, "CANCEL"),
}


def built(name: str) -> bytes:
    facts, method = CASES[name]
    return to_bytes(calendar([meeting_event(facts)], method=method, uid="tas-calendar-golden"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_calendar_matches_its_golden_file(name):
    path = GOLDEN / name
    if os.environ.get("TAS_WRITE_GOLDEN") == "1":
        path.write_bytes(built(name))
    assert built(name) == path.read_bytes()


def test_request_and_cancel_are_the_same_meeting():
    request = (GOLDEN / "request.ics").read_bytes()
    cancel = (GOLDEN / "cancel.ics").read_bytes()
    assert b"METHOD:REQUEST\r\n" in request and b"STATUS:CONFIRMED\r\n" in request
    assert b"METHOD:CANCEL\r\n" in cancel and b"STATUS:CANCELLED\r\n" in cancel
    assert b"SEQUENCE:1\r\n" in request and b"SEQUENCE:2\r\n" in cancel
    for raw in (request, cancel):
        assert b"UID:tas-meeting-42@tas.example.org\r\n" in raw
        assert b"DTSTART;TZID=Europe/London:20261202T090000\r\n" in raw
        assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF line ends survived the commit
