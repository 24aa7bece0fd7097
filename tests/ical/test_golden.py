"""Golden files: what calendar programs receive, built from fixed facts, byte for byte as
committed; one file (or more) for each rule of issue 12, section 1. A change to what calendar
programs receive shows up here first and has to be looked at. tests/ical/test_icaljs.py reads
every file again with ical.js (the parser Thunderbird uses) and checks the iTIP rules.

- request.ics: a REQUEST as sent to one invitee (Siân): the rule-based Europe/London VTIMEZONE,
  her own answer only (the others NEEDS-ACTION), RSVP=FALSE, UID in the fixed domain.
- update.ics: the same meeting after a change of chair: SEQUENCE raised, DTSTAMP later.
- uninvite.ics: the CANCEL to Siân alone when she is removed: no STATUS (the meeting goes ahead),
  and no URL or link to a page she can no longer open.
- cancel.ics: the CANCEL of the whole meeting: STATUS:CANCELLED, SEQUENCE raised again.
- publish.ics: the download: PUBLISH, no ATTENDEE.
- feed.ics: a feed: REFRESH-INTERVAL and X-PUBLISHED-TTL, no ATTENDEE, an ORGANIZER on every
  event, a cancelled meeting saying "Cancelled:", a due date with SEQUENCE and LAST-MODIFIED.
- repeated.ics: a meeting at a time the clocks show twice, written in UTC (no VTIMEZONE).
- invitation.eml: the email: quoted-printable text, the calendar base64, nothing 8-bit.

To write the files again after a deliberate change: TAS_WRITE_GOLDEN=1 pytest this file, then
read the diff."""

from __future__ import annotations

import base64
import dataclasses
import os
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tas.ical.build import (
    DueDate,
    MeetingFacts,
    calendar,
    due_date_event,
    meeting_event,
    published,
    to_bytes,
)
from tas.ical.facts import attendees
from tas.meetings.models import Invitation, Meeting
from tas.organisations.models import Agency, User
from tas.outbox.rules import build_message

GOLDEN = Path(__file__).parent / "golden"
LONDON = ZoneInfo("Europe/London")
ORGANISER = {"organiser_name": "Dana Organiser", "organiser_email": "no-reply@tas.example.org"}


def invited() -> tuple[Meeting, list[Invitation]]:
    """Three invitations (in memory, no database): Alex (the chair, attending), Siân (not yet
    answered: she is the recipient) and Future in Mind's team address (apologies)."""
    alex = User(id=1, name="Alex Chair", email="alex.chair@example.org", active=True)
    sian = User(id=2, name="Siân O'Brien, Jr.", email="sian@example.org", active=True)
    fim = Agency(id=3, name="Future in Mind", contact_email="team@agency.example.org")
    meeting = Meeting(id=42, kind="tas", chair_id=1)
    return meeting, [
        Invitation(id=10, representative=alex, answer="attending"),
        Invitation(id=11, representative=sian, answer="awaiting"),
        Invitation(id=12, agency=fim, answer="apologies"),
    ]


MEETING, INVITATIONS = invited()
BOOKED = MeetingFacts(
    uid="tas-meeting-42@partnership.example",
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
        "This meeting is one of a series booked together. Answer for all its dates at once, "
        "then change single dates, on the series page:\n"
        "https://tas.example.org/meetings/series/7\n"
        "\n"
        "Say whether you can come, and see the agenda if you are invited, in TAS Coordinator "
        "(replies to this invitation are not read):\n"
        "https://tas.example.org/meetings/42"
    ),
    # As sent to Siân (invitation 11): her own answer, nobody else's.
    attendees=attendees(MEETING, INVITATIONS, only=11),
    **ORGANISER,
)
UPDATED = dataclasses.replace(
    BOOKED,
    sequence=2,
    stamp=datetime(2026, 11, 23, 8, 0, 0, tzinfo=UTC),
    description=BOOKED.description.replace("Chair: Alex Chair", "Chair: Cleo Chair"),
)
UNINVITED = dataclasses.replace(
    UPDATED,
    sequence=3,
    stamp=datetime(2026, 11, 24, 16, 45, 0, tzinfo=UTC),
    attendees=tuple(a for a in BOOKED.attendees if a.email == "sian@example.org"),
    # As tas.ical.facts writes it for the one removed: no link she can no longer follow.
    url="",
    description=(
        "You are no longer invited to this meeting.\n"
        "TAS meeting – Oakfield Primary (MTG-0042)\n"
        "Wednesday 2 December 2026, 9am to 10:30am (UK time)\n"
        "Where: Meeting room 1, Oakfield Primary; Main building\n"
        "Chair: Cleo Chair"
    ),
    uninviting=True,
)
CANCELLED = dataclasses.replace(
    UPDATED,
    sequence=4,
    stamp=datetime(2026, 11, 27, 9, 30, 0, tzinfo=UTC),
    cancelled=True,
    description="This meeting has been cancelled.\n" + UPDATED.description,
)
REVIEW = DueDate(
    uid="tas-plan-review-7@partnership.example",
    stamp=datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
    day=date(2027, 1, 8),
    summary="Plan review due: TAS-0007",
    url="https://tas.example.org/plans/7",
    description="See the plan in TAS Coordinator: https://tas.example.org/plans/7",
    organiser_name="TAS Coordinator",
    organiser_email="no-reply@tas.example.org",
    sequence=2,
    modified=datetime(2026, 11, 26, 15, 12, tzinfo=UTC),
)
REPEATED = dataclasses.replace(
    BOOKED,
    uid="tas-meeting-43@partnership.example",
    starts_at=datetime(2027, 10, 31, 0, 45, tzinfo=UTC).astimezone(LONDON),
    ends_at=datetime(2027, 10, 31, 1, 15, tzinfo=UTC).astimezone(LONDON),
)


def one(facts: MeetingFacts, method: str) -> bytes:
    return to_bytes(calendar([meeting_event(facts)], method=method, uid="tas-calendar-golden"))


def feed() -> bytes:
    events = [meeting_event(published(BOOKED)), meeting_event(published(CANCELLED))]
    events[1]["UID"] = "tas-meeting-44@partnership.example"  # another meeting, cancelled
    events.append(due_date_event(REVIEW))
    cal = calendar(
        events,
        method="PUBLISH",
        name="TAS meetings",
        uid="tas-feed-5@partnership.example",
        subscribed=True,
    )
    return to_bytes(cal)


def email() -> bytes:
    message: EmailMessage = build_message(
        sender="TAS Coordinator <no-reply@tas.example.org>",
        to=[("sian@example.org", "Siân O'Brien, Jr.")],
        subject="Invitation: TAS meeting – Oakfield Primary, Wednesday 2 December 2026, 9:00am",
        body="Dear Siân O'Brien, Jr.,\n\nYou are invited to this meeting.\n",
        message_domain="tas.example.org",
        sent_at=datetime(2026, 11, 20, 14, 5, tzinfo=UTC),
        calendar=("REQUEST", one(BOOKED, "REQUEST").decode("utf-8")),
    )
    message.replace_header("Message-ID", "<golden.invitation@tas.example.org>")
    message.set_boundary("golden-boundary")
    return message.as_bytes()


CASES = {
    "request.ics": lambda: one(BOOKED, "REQUEST"),
    "update.ics": lambda: one(UPDATED, "REQUEST"),
    "uninvite.ics": lambda: one(UNINVITED, "CANCEL"),
    "cancel.ics": lambda: one(CANCELLED, "CANCEL"),
    "publish.ics": lambda: one(published(BOOKED), "PUBLISH"),
    "feed.ics": feed,
    "repeated.ics": lambda: one(REPEATED, "REQUEST"),
    "invitation.eml": email,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_calendar_matches_its_golden_file(name):
    path = GOLDEN / name
    if os.environ.get("TAS_WRITE_GOLDEN") == "1":
        path.write_bytes(CASES[name]())
    assert CASES[name]() == path.read_bytes()
    assert path.read_bytes().count(b"\r\n") == path.read_bytes().count(b"\n")  # CRLF kept


def golden(name: str) -> bytes:
    return (GOLDEN / name).read_bytes()


LONDON_RULES = (
    b"BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"
    b"BEGIN:DAYLIGHT\r\nDTSTART:19700329T010000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
    b"TZNAME:BST\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nEND:DAYLIGHT\r\n"
    b"BEGIN:STANDARD\r\nDTSTART:19701025T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
    b"TZNAME:GMT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\n"
    b"END:VTIMEZONE\r\n"
)


def test_the_time_zone_is_the_standard_rules_for_london():
    for name in ("request.ics", "update.ics", "uninvite.ics", "cancel.ics", "publish.ics"):
        raw = golden(name)
        assert LONDON_RULES in raw and b"RDATE" not in raw, name
        assert b"DTSTART;TZID=Europe/London:20261202T090000\r\n" in raw
    # 01:45 BST to 01:15 GMT the night the clocks go back: in UTC, needing no zone.
    repeated = golden("repeated.ics")
    assert b"DTSTART:20271031T004500Z\r\nDTEND:20271031T011500Z\r\n" in repeated
    assert b"VTIMEZONE" not in repeated


def test_each_invitee_sees_only_their_own_answer():
    raw = golden("request.ics").replace(b"\r\n ", b"")  # unfolded
    assert b"PARTSTAT=NEEDS-ACTION;ROLE=CHAIR;RSVP=FALSE:mailto:alex.chair@example.org" in raw
    assert b"PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:sian@example.org" in raw
    assert b"PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:team@agency" in raw
    assert b"ACCEPTED" not in raw and b"DECLINED" not in raw


def test_every_change_raises_the_sequence_and_removing_one_is_not_cancelling_all():
    request, update = golden("request.ics"), golden("update.ics")
    uninvite, cancel = golden("uninvite.ics"), golden("cancel.ics")
    assert b"METHOD:REQUEST\r\n" in request and b"STATUS:CONFIRMED\r\n" in request
    assert b"SEQUENCE:1\r\n" in request and b"SEQUENCE:2\r\n" in update
    assert b"METHOD:CANCEL\r\n" in uninvite and b"SEQUENCE:3\r\n" in uninvite
    assert b"STATUS" not in uninvite and uninvite.count(b"ATTENDEE") == 1
    assert b"METHOD:CANCEL\r\n" in cancel and b"STATUS:CANCELLED\r\n" in cancel
    assert b"SEQUENCE:4\r\n" in cancel
    for raw in (request, update, uninvite, cancel):
        assert b"UID:tas-meeting-42@partnership.example\r\n" in raw  # the fixed domain
    for raw in (request, update, cancel):
        assert b"https://tas.example.org/meetings/series/7" in raw.replace(b"\r\n ", b"")
    # The one removed is sent no link to the pages she can no longer open.
    assert b"https://tas.example.org/" not in uninvite.replace(b"\r\n ", b"")


def test_published_calendars_list_no_attendee_and_the_feed_says_when_to_look_again():
    publish, feed_raw = golden("publish.ics"), golden("feed.ics")
    for raw in (publish, feed_raw):
        assert b"METHOD:PUBLISH\r\n" in raw and b"ATTENDEE" not in raw
        assert raw.count(b"BEGIN:VEVENT") == raw.count(b"ORGANIZER")
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n" not in publish
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in feed_raw
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in feed_raw
    assert b"SUMMARY:Cancelled: TAS meeting" in feed_raw
    review = feed_raw[feed_raw.index(b"UID:tas-plan-review-7") - 400 :]
    assert b"SEQUENCE:2\r\n" in review and b"LAST-MODIFIED:20261126T151200Z\r\n" in review


def test_the_email_travels_in_seven_bit_encodings():
    raw = golden("invitation.eml")
    assert raw.isascii()
    assert b"Content-Transfer-Encoding: quoted-printable\r\n" in raw
    assert b"Content-Transfer-Encoding: base64\r\n" in raw and b"8bit" not in raw
    encoded = raw.split(b'method="REQUEST"\r\nMIME-Version: 1.0\r\n\r\n')[1].split(b"\r\n\r\n")[0]
    assert base64.b64decode(encoded) == golden("request.ics")
