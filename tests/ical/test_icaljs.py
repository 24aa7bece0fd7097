"""ical.js (the parser Thunderbird uses), run by node, reads every golden file and every
calendar a meeting's life makes through the pages (invitations for booking, changing, moving,
inviting, removing and cancelling; downloads; the feed; the export) and checks the iTIP rules:
METHOD present and right for the object, ORGANIZER and ATTENDEE on REQUEST and CANCEL, no
ATTENDEE in PUBLISH, UID, DTSTAMP and DTSTART on every event, one UID per invitation, a CANCEL's
SEQUENCE never below the REQUESTs before it, a rule-based VTIMEZONE with the right offsets, and
every DTSTART at the instant icalendar reads. One node process per batch."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import Invitation
from tests import factories
from tests.ical.icaljs import assert_icaljs_accepts, icaljs
from tests.ical.test_invites import book, move_form, school_with_agencies, signed_in
from tests.ical.test_privacy import calendar_files, decoded_emails
from tests.pages import day

GOLDEN = Path(__file__).parent / "golden"
# In the order they would reach one calendar: a meeting's life, then the published ones.
GOLDEN_ORDER = [
    "request.ics",
    "update.ics",
    "uninvite.ics",
    "cancel.ics",
    "publish.ics",
    "feed.ics",
    "repeated.ics",
]


def test_icaljs_accepts_every_golden_file():
    assert sorted(GOLDEN_ORDER) == sorted(p.name for p in GOLDEN.glob("*.ics"))
    assert_icaljs_accepts([(name, (GOLDEN / name).read_text()) for name in GOLDEN_ORDER])


def test_icaljs_finds_what_the_rules_forbid():
    """The check is not a rubber stamp: an attendee in a published calendar, a cancel below
    the request's SEQUENCE and a zone of dates without rules are each reported."""
    request = (GOLDEN / "request.ics").read_text()
    published = request.replace("METHOD:REQUEST", "METHOD:PUBLISH")
    stale = (GOLDEN / "cancel.ics").read_text().replace("SEQUENCE:4", "SEQUENCE:0")
    dates = request.replace(
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "RDATE:20260329T020000"
    ).replace("DTSTART:19700329T010000", "DTSTART:20260329T020000")
    results = icaljs(
        [("request", request), ("published", published), ("stale", stale), ("dates", dates)]
    )
    problems = {r["name"]: " ".join(r["problems"]) for r in results}
    assert problems["request"] == ""
    assert "ATTENDEE in PUBLISH" in problems["published"]
    assert "CANCEL SEQUENCE 0 below an earlier 1" in problems["stale"]
    assert "without RRULE" in problems["dates"] and "with RDATE" in problems["dates"]
    assert "offset 0 at 2026-03-29T01:00:00.000Z, not 3600" in problems["dates"]


def test_icaljs_accepts_every_calendar_of_a_meetings_life(app):
    setting, _fim, _nurses = school_with_agencies()
    # Not a service invited by default: Cal is invited by name (an agency is invited once).
    camhs = factories.agency(
        name="CAMHS", service_type="camhs", contact_email="camhs@nhs.example.org"
    )
    practitioner = factories.user("practitioner", agency=camhs, name="Cal Ahmed")
    youth = factories.agency(name="Youth Service", contact_email="youth@agency.example.org")
    db.session.commit()  # invited by default, as every agency with an address here
    coordinator = factories.user("coordinator", district_wide=True)
    db.session.commit()
    worker = signed_in(app, setting.link_worker)
    meeting = book(worker, setting)
    url = f"/meetings/{meeting.id}"

    def go(path, data):
        response = worker.submit(f"{url}{path}", data)
        assert response.status_code == 302, response.get_data(as_text=True)
        db.session.expire_all()

    go("/invitations/add", {"kind": "person", "person": str(practitioner.id)} | NO_AGENCY)
    go(
        "/move",
        move_form(
            meeting,
            meeting_date=day(date(2026, 12, 9)),
            starts="09:30",
            ends="11:00",
            notes_for_attendees="Park behind the hall",
            reason="Parking",
        ),
    )
    go("/move", move_form(meeting))
    camhs_invitation = next(
        i
        for i in meeting_invitations(meeting.id)
        if i.agency_id == youth.id and not i.representative_id
    )
    go(f"/invitations/{camhs_invitation.id}/remove", {"version": str(camhs_invitation.version)})
    published = calendar_files(app, meeting, worker, signed_in(app, practitioner), coordinator)
    go("/cancel", {"reason": "Too few can come", "version": str(meeting.version)})

    _texts, emails = decoded_emails()
    assert len(emails) >= 3 + 4 + 1 + 1 + 5 + 5  # every change, to everyone invited then
    calendars = [(f"email {n}", text) for n, text in enumerate(emails)]
    calendars += [(f"published {n}", text) for n, text in enumerate(published[:4])]
    assert_icaljs_accepts(calendars)


NO_AGENCY = {"agency": "", "representative": ""}


def meeting_invitations(meeting_id: int) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting_id)))
