"""Invitations reach a real SMTP server on loopback (aiosmtpd) once the change's response has
been sent, and parse back as MIME: exactly one per recipient per change, each with a plain-text
part and a text/calendar part whose method matches its VCALENDAR."""

from __future__ import annotations

from collections import Counter
from datetime import date
from email import message_from_bytes, policy

from icalendar import Calendar
from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import Invitation, Meeting
from tas.outbox import services as outbox
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.pages import day


def arrived(envelopes) -> list[tuple[list[str], str, int, str | None, str]]:
    """(envelope recipients, method, sequence, status, UID) of each message received, each
    checked to have travelled in 7-bit transfer encodings (RFC 6047 2.4)."""
    found = []
    for envelope in envelopes:
        seven_bit(envelope.original_content)
        message = message_from_bytes(envelope.content, policy=policy.default)
        parts = {part.get_content_type(): part for part in message.walk()}
        assert "Replies to this email are not read." in parts["text/plain"].get_content()
        part = parts["text/calendar"]
        cal = Calendar.from_ical(part.get_content())
        [event] = cal.events
        assert part.get_param("method") == cal["METHOD"]
        assert [a.addr_spec for a in message["To"].addresses] == envelope.rcpt_tos
        found.append(
            (
                envelope.rcpt_tos,
                str(cal["METHOD"]),
                int(event["SEQUENCE"]),
                str(event["STATUS"]) if "STATUS" in event else None,
                str(event["UID"]),
            )
        )
    return found


def seven_bit(raw: bytes) -> None:
    """The message as the SMTP server received it: every byte ASCII, the calendar part base64
    (or quoted-printable) and decoding to the calendar as built (CRLF line ends, folded lines,
    non-ASCII text), and a non-ASCII text part quoted-printable or base64, never 8bit."""
    assert raw.isascii()
    message = message_from_bytes(raw, policy=policy.default)
    for part in message.walk():
        if part.is_multipart():
            continue
        encoding = part["Content-Transfer-Encoding"].lower()
        decoded = part.get_payload(decode=True)
        if part.get_content_type() == "text/calendar" or not decoded.isascii():
            assert encoding in ("base64", "quoted-printable"), part.get_content_type()
        assert encoding != "8bit"
        if part.get_content_type() == "text/calendar":
            assert decoded.startswith(b"BEGIN:VCALENDAR\r\n")
            assert decoded.endswith(b"END:VCALENDAR\r\n")
            assert decoded.count(b"\r\n") == decoded.count(b"\n")
            assert "– ".encode() in decoded  # the summary's dash arrived whole
            Calendar.from_ical(decoded)


def test_each_change_reaches_the_smtp_server_once_per_recipient(make_app, smtp_server):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    with app.app_context():
        setting = school_with_meeting()
        factories.agency(name="Future in Mind", contact_email="fim@nhs.example.org")
        factories.agency(
            name="0-19 Service",
            service_type="zero_to_nineteen",
            contact_email="zero19@nhs.example.org",
        )
        camhs = factories.agency(
            name="CAMHS", service_type="camhs", contact_email="camhs@nhs.example.org"
        )
        db.session.commit()
        link_worker_email = setting.link_worker.email
        dsl = Visitor(app.test_client())
        assert dsl.sign_in(setting.dsl.email).status_code == 302
        everyone = {"fim@nhs.example.org", "zero19@nhs.example.org", link_worker_email}

        def change(url, data) -> list:
            before = len(smtp_server.envelopes)
            response = dsl.submit(url, data)
            assert response.status_code == 302, response.get_data(as_text=True)[:1000]
            response.close()  # the response is sent: the outbox delivers what it queued
            return arrived(smtp_server.envelopes[before:])

        booked = change(
            "/meetings/new",
            {
                "school": str(setting.school.id),
                "kind": "tas",
                "meeting_date": day(date(2026, 12, 9)),
                "starts": "09:30",
                "ends": "11:00",
                "location": "The library",
                "online_link": "",
                "chair": str(setting.link_worker.id),
                "notes_for_attendees": "",
            },
        )
        meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.location == "The library"))
        uid = f"tas-meeting-{meeting_id}@partnership.example"
        assert Counter(to for rcpt, *_ in booked for to in rcpt) == Counter(everyone)
        assert {tuple(rest) for _rcpt, *rest in booked} == {("REQUEST", 0, "CONFIRMED", uid)}

        moved = change(
            f"/meetings/{meeting_id}/move",
            {
                "meeting_date": day(date(2026, 12, 10)),
                "starts": "13:00",
                "ends": "14:30",
                "location": "The library",
                "online_link": "",
                "chair": str(setting.link_worker.id),
                "notes_for_attendees": "",
                "reason": "The hall is needed",
                "version": "1",
            },
        )
        assert Counter(to for rcpt, *_ in moved for to in rcpt) == Counter(everyone)
        assert {tuple(rest) for _rcpt, *rest in moved} == {("REQUEST", 1, "CONFIRMED", uid)}
        # Every change that sends an update raises the SEQUENCE: inviting, removing too.

        added = change(
            f"/meetings/{meeting_id}/invitations/add",
            {"kind": "agency", "agency": str(camhs.id), "representative": "", "person": ""},
        )
        assert added == [(["camhs@nhs.example.org"], "REQUEST", 2, "CONFIRMED", uid)]

        invitation = db.session.scalar(select(Invitation).where(Invitation.agency_id == camhs.id))
        removed = change(
            f"/meetings/{meeting_id}/invitations/{invitation.id}/remove", {"version": "1"}
        )
        # The meeting goes ahead: a CANCEL for CAMHS alone, with no STATUS:CANCELLED.
        assert removed == [(["camhs@nhs.example.org"], "CANCEL", 3, None, uid)]

        cancelled = change(
            f"/meetings/{meeting_id}/cancel", {"reason": "Too few can come", "version": "2"}
        )
        assert Counter(to for rcpt, *_ in cancelled for to in rcpt) == Counter(everyone)
        assert {tuple(rest) for _rcpt, *rest in cancelled} == {("CANCEL", 4, "CANCELLED", uid)}

        assert outbox.deliver_due() == 0  # nothing is left to send, nothing goes twice
    assert len(smtp_server.envelopes) == 3 + 3 + 1 + 1 + 3
