"""'Add to calendar' on the meeting page: /meetings/<id>/calendar.ics, for anyone who may see
the meeting and nobody else, a file calendar programs read, and never a child's details or a
family's address in it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import vobject
from icalendar import Calendar

from tas.extensions import db
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events
from tests.plans.helpers import child_at


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def url(meeting) -> str:
    return f"/meetings/{meeting.id}/calendar.ics"


def download(browser: Visitor, meeting):
    """The file as a calendar program gets it: both parsers must read it."""
    response = browser.get(url(meeting))
    assert response.status_code == 200
    raw = response.get_data()
    parsed = Calendar.from_ical(raw)
    (theirs,) = vobject.readOne(raw.decode("utf-8")).vevent_list
    assert theirs.uid.value == str(parsed.events[0]["UID"])
    return response, raw, parsed


def test_the_organiser_downloads_the_meeting_as_a_calendar_file(app):
    setting = school_with_meeting(sequence=2)
    meeting = setting.meeting
    practitioner = factories.user("practitioner", name="Pat Practitioner")
    factories.invitation(
        meeting, setting.dsl, agency=practitioner.agency, representative=practitioner
    )
    db.session.commit()
    organiser = signed_in(app, setting.dsl)

    response, raw, parsed = download(organiser, meeting)

    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="MTG-{meeting.id:04d}.ics"'
    )
    assert "no-store" in response.headers["Cache-Control"]
    assert str(parsed["METHOD"]) == "PUBLISH"
    (event,) = parsed.events
    assert str(event["UID"]) == f"tas-meeting-{meeting.id}@partnership.example"
    assert event["SEQUENCE"] == 2
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == f"TAS meeting – {setting.school.name}"
    assert str(event["LOCATION"]) == "Meeting room 1"
    assert str(event["URL"]) == f"https://tas.example.org/meetings/{meeting.id}"
    # 09:00 UTC on 2 December is 09:00 in London (GMT).
    assert event.start.astimezone(UTC) == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert (event.start.hour, str(event.start.tzinfo)) == (9, "Europe/London")
    # A published calendar lists nobody as ATTENDEE (RFC 5546 3.2.1), only its ORGANIZER.
    assert event.attendees == [] and b"ATTENDEE" not in raw
    assert event["ORGANIZER"].params["CN"] == setting.dsl.name
    assert b"\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n" in raw

    (entry,) = audit_events("meeting_calendar_downloaded")
    assert (entry.target_type, entry.target_id) == ("Meeting", meeting.id)
    assert entry.actor_id == setting.dsl.id


def test_nobodys_answer_is_in_the_file_for_anyone(app):
    """Answers are given and shown in the app: the file (PUBLISH) lists no ATTENDEE at all."""
    setting = school_with_meeting()
    meeting = setting.meeting
    fay = factories.user("practitioner", name="Fay Fim")
    other = factories.user("practitioner", name="Olu Other")
    youth = factories.agency(name="Youth Service", contact_email="youth@agency.example.org")
    sam = factories.user("practitioner", agency=youth, name="Sam Youth")
    factories.invitation(
        meeting, setting.dsl, agency=fay.agency, representative=fay, answer="attending"
    )
    factories.invitation(
        meeting, setting.dsl, agency=other.agency, representative=other, answer="apologies"
    )
    factories.invitation(meeting, setting.dsl, agency=youth, answer="apologies")
    db.session.commit()

    for person in (fay, sam, setting.dsl):
        _response, raw, parsed = download(signed_in(app, person), meeting)
        assert parsed.events[0].attendees == []
        for text in (b"ATTENDEE", b"PARTSTAT", b"Olu Other", b"youth@agency"):
            assert text not in raw


def test_the_meeting_page_links_to_the_download(app):
    setting = school_with_meeting()
    fay = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, agency=fay.agency, representative=fay)
    db.session.commit()
    for user in (setting.dsl, fay, factories.user("coordinator")):
        db.session.commit()
        page = signed_in(app, user).get(f"/meetings/{setting.meeting.id}")
        assert page.status_code == 200
        assert f'href="{url(setting.meeting)}"' in page.get_data(as_text=True)


def test_people_who_may_not_see_the_meeting_get_a_404(app):
    setting = school_with_meeting()
    meeting = setting.meeting
    outsiders = [
        factories.user("dsl"),  # another school's DSL
        factories.user("practitioner"),  # not invited
        factories.user("link_worker"),  # linked to other schools
        factories.user("gp"),  # a practice not invited
        factories.user("coordinator", district_wide=False, clusters=[factories.cluster()]),
    ]
    db.session.commit()
    for user in outsiders:
        browser = signed_in(app, user)
        response = browser.get(url(meeting))
        assert response.status_code == 404, user.role
        assert b"BEGIN:VCALENDAR" not in response.get_data()
    organiser = signed_in(app, setting.dsl)
    assert organiser.get(f"/meetings/{meeting.id + 1000}/calendar.ics").status_code == 404
    assert audit_events("meeting_calendar_downloaded") == []


def test_a_signed_out_visitor_is_sent_to_sign_in(app, client):
    setting = school_with_meeting()
    response = client.get(url(setting.meeting))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_a_cancelled_meeting_shows_as_cancelled(app):
    setting = school_with_meeting(
        status="cancelled",
        sequence=3,
        cancelled_at=datetime(2026, 11, 26, 15, 0, tzinfo=UTC),
        cancel_reason="The chair is ill",
    )
    setting.meeting.cancelled_by_id = setting.dsl.id
    db.session.commit()

    _response, _raw, parsed = download(signed_in(app, setting.dsl), setting.meeting)

    assert str(parsed["METHOD"]) == "PUBLISH"
    (event,) = parsed.events
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 3
    assert str(event["UID"]) == f"tas-meeting-{setting.meeting.id}@partnership.example"
    assert str(event["DESCRIPTION"]).startswith("This meeting has been cancelled.")


def test_a_meeting_at_the_familys_home_gives_no_address_and_no_attendees(app):
    address = "12 Acacia Avenue, Leeds LS1 2AB"
    setting = school_with_meeting(kind="taf", venue_private=True, location=address)
    meeting = setting.meeting
    fay = factories.user("practitioner", name="Fay Fim")
    factories.invitation(meeting, setting.dsl, agency=fay.agency, representative=fay)
    factories.invitation(meeting, setting.dsl, agency=factories.agency(name="Youth Justice"))
    db.session.commit()

    for user in (setting.dsl, fay):
        _response, raw, parsed = download(signed_in(app, user), meeting)
        (event,) = parsed.events
        assert str(event["LOCATION"]) == "Venue given in the app"
        assert "Where: Venue given in the app" in str(event["DESCRIPTION"])
        assert event.attendees == []
        assert b"ATTENDEE" not in raw
        for secret in ("Acacia", "LS1", "Fay Fim", fay.email, "Youth Justice"):
            assert secret.encode() not in raw, secret


def test_no_childs_details_are_ever_in_the_file(app):
    setting = school_with_meeting(notes_for_attendees="Please bring the attendance figures.")
    meeting = setting.meeting
    children = [
        child_at(
            setting.school,
            first_name="Zephyrine",
            last_name="Quillfeather",
            date_of_birth=date(2016, 3, 14),
            upn="A123456789012",
            nhs_number="9434765919",
        ),
        child_at(
            setting.school,
            first_name="Bartholomew",
            last_name="Ostrowski-Nyqvist",
            date_of_birth=date(2017, 11, 29),
            upn="B987654321098",
            nhs_number="9434765870",
        ),
    ]
    for position, child in enumerate(children, start=1):
        factories.agenda_item(
            meeting, child, setting.dsl, position=position, reason="Sleeping in class lately"
        )
    fay = factories.user("practitioner")
    factories.invitation(meeting, setting.dsl, agency=fay.agency, representative=fay)
    coordinator = factories.user("coordinator")
    db.session.commit()

    forbidden = ["Sleeping in class"]
    for child in children:
        born = child.date_of_birth
        forbidden += [
            child.first_name,
            child.last_name,
            child.upn,
            child.nhs_number,
            f"{child.nhs_number[:3]} {child.nhs_number[3:6]} {child.nhs_number[6:]}",
            born.isoformat(),
            born.strftime("%Y%m%d"),
            born.strftime("%d/%m/%Y"),
            f"{born.day} {born:%B %Y}",
        ]
    for user in (setting.dsl, fay, coordinator):
        _response, raw, parsed = download(signed_in(app, user), meeting)
        # Unfolded and unescaped, as a calendar program shows it, and as sent.
        shown = "\n".join(
            str(value) for event in parsed.walk() for _name, value in event.property_items()
        )
        for secret in forbidden:
            assert secret.casefold() not in raw.decode("utf-8").casefold(), secret
            assert secret.casefold() not in shown.casefold(), secret
        description = str(parsed.events[0]["DESCRIPTION"])
        assert "Please bring the attendance figures." not in description  # stays in the app
        assert "There are notes for attendees" in description
    for entry in audit_events("meeting_calendar_downloaded"):
        assert set(entry.detail) <= {"level"}


def test_the_number_of_queries_does_not_grow_with_the_invitations(app, count_queries):
    def meeting_with(count: int):
        setting = school_with_meeting()
        for n in range(count):
            if n % 2:
                person = factories.user("practitioner")
                factories.invitation(
                    setting.meeting, setting.dsl, agency=person.agency, representative=person
                )
            else:
                factories.invitation(setting.meeting, setting.dsl)
        db.session.commit()
        return setting

    counts = []
    for invited in (2, 12):
        setting = meeting_with(invited)
        browser = signed_in(app, setting.dsl)
        with count_queries() as statements:
            _response, _raw, parsed = download(browser, setting.meeting)
        assert parsed.events[0].attendees == []
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 10, counts
