"""Email invitations (iMIP, RFC 6047): booking, moving, changing and cancelling a meeting, and
inviting or removing someone, queue one email per recipient per change, with a plain-text part
and a text/calendar part (METHOD:REQUEST or CANCEL), in the change's own transaction. The same
UID all along, a rising SEQUENCE, STATUS:CANCELLED on cancelling, and no child's details
anywhere in what is sent."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy

from icalendar import Calendar
from sqlalchemy import func, select

from tas.extensions import db
from tas.ical import invites
from tas.meetings.models import Invitation, Meeting
from tas.outbox.models import OutboxMessage
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.pages import day
from tests.plans.helpers import child_at

UID_HOST = "partnership.example"  # CALENDAR_UID_DOMAIN, not the BASE_URL host
NOT_READ = "Replies to this email are not read."


# ---------------------------------------------------------------- reading the outbox


def outbox_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


class Sent:
    """One queued email, parsed as a mail program would."""

    def __init__(self, raw: bytes):
        self.message = message_from_bytes(raw, policy=policy.default)
        self.to = [address.addr_spec for address in self.message["To"].addresses]
        self.subject = str(self.message["Subject"])
        parts = {part.get_content_type(): part for part in self.message.walk()}
        self.text = parts["text/plain"].get_content()
        self.calendar_part = parts["text/calendar"]
        self.method = self.calendar_part.get_param("method")
        self.calendar = Calendar.from_ical(self.calendar_part.get_content())
        [self.event] = self.calendar.events

    @property
    def attendees(self) -> list[str]:
        found = self.event.get("ATTENDEE") or []
        found = found if isinstance(found, list) else [found]
        return [str(a).removeprefix("mailto:") for a in found]

    def every_part_decoded(self) -> str:
        texts = [self.subject, str(self.message["To"])]
        for part in self.message.walk():
            if not part.is_multipart():
                texts.append(part.get_content())
        return "\n".join(texts)


def sent(since: int = 0) -> list[Sent]:
    return [Sent(row.raw) for row in outbox_rows()[since:]]


def per_recipient(emails: list[Sent]) -> Counter:
    return Counter(address for email in emails for address in email.to)


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


# ---------------------------------------------------------------- a school to book for


def school_with_agencies():
    """A school (Oakfield Primary) with its DSL and linked Early Help link worker, and the
    default invited services: Future in Mind and 0-19 by their contact addresses."""
    setting = school_with_meeting()
    setting.school.name = "Oakfield Primary"
    fim = factories.agency(name="Future in Mind", contact_email="fim@nhs.example.org")
    nurses = factories.agency(
        name="0-19 Service", service_type="zero_to_nineteen", contact_email="zero19@nhs.example.org"
    )
    db.session.commit()
    return setting, fim, nurses


def booking_form(setting, /, **fields) -> dict:
    return {
        "school": str(setting.school.id),
        "kind": "tas",
        "meeting_date": day(date(2026, 12, 9)),
        "starts": "09:30",
        "ends": "11:00",
        "location": "The library",
        "online_link": "",
        "chair": str(setting.link_worker.id),
        "notes_for_attendees": "Please sign in at reception",
        **fields,
    }


def move_form(meeting: Meeting, /, **fields) -> dict:
    return {
        "meeting_date": day(date(2026, 12, 10)),
        "starts": "13:00",
        "ends": "14:30",
        "location": meeting.location or "",
        "online_link": "",
        "chair": str(meeting.chair_id),
        "notes_for_attendees": meeting.notes_for_attendees or "",
        "reason": "The hall is needed for the nativity play",
        "version": str(meeting.version),
        **fields,
    }


def book(browser, setting, **fields) -> Meeting:
    response = browser.submit("/meetings/new", booking_form(setting, **fields))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    return db.session.get(Meeting, int(response.headers["Location"].rsplit("/", 1)[-1]))


def fresh(meeting_id: int) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, meeting_id)


# ---------------------------------------------------------------- booking, moving, cancelling


def test_booking_sends_each_invited_one_request_with_a_text_and_a_calendar_part(app):
    setting, _fim, _nurses = school_with_agencies()
    dsl = signed_in(app, setting.dsl)

    meeting = book(dsl, setting)

    emails = sent()
    everyone = {"fim@nhs.example.org", "zero19@nhs.example.org", setting.link_worker.email}
    assert per_recipient(emails) == Counter(everyone)
    assert all(len(email.to) == 1 for email in emails)
    uid = f"tas-meeting-{meeting.id}@{UID_HOST}"
    for email in emails:
        assert email.subject == (
            "Invitation: TAS meeting – Oakfield Primary, Wednesday 9 December 2026, 9:30am"
        )
        assert email.message.get_content_type() == "multipart/alternative"
        assert 'method="REQUEST"' in email.calendar_part["Content-Type"] or (
            "method=REQUEST" in email.calendar_part["Content-Type"]
        )
        assert email.method == "REQUEST"
        assert email.calendar["METHOD"] == "REQUEST"
        assert (str(email.event["UID"]), int(email.event["SEQUENCE"])) == (uid, 0)
        assert email.event["STATUS"] == "CONFIRMED"
        assert email.event.start == datetime(2026, 12, 9, 9, 30, tzinfo=UTC)
        assert str(email.event["LOCATION"]) == "The library"
        assert set(email.attendees) == everyone
        assert all(a.params["RSVP"] == "FALSE" for a in email.event["ATTENDEE"])
        assert "Wednesday 9 December 2026, 9:30am to 11:00am (UK time)" in email.text
        assert "Where: The library" in email.text
        assert "There are notes for attendees" in email.text
        assert "Please sign in at reception" not in email.every_part_decoded()
        assert f"https://tas.example.org/meetings/{meeting.id}" in email.text
        assert NOT_READ in email.text
    [to_fim] = [email for email in emails if email.to == ["fim@nhs.example.org"]]
    assert to_fim.text.startswith("Dear Future in Mind team,")
    assert [row.recipients for row in outbox_rows()].count("fim@nhs.example.org") == 1


def test_moving_changing_and_cancelling_send_one_email_each_with_a_rising_sequence(app):
    setting, _fim, _nurses = school_with_agencies()
    dsl = signed_in(app, setting.dsl)
    meeting = book(dsl, setting)
    everyone = per_recipient(sent())
    assert len(everyone) == 3
    uid = f"tas-meeting-{meeting.id}@{UID_HOST}"

    before = len(outbox_rows())
    moved = dsl.submit(f"/meetings/{meeting.id}/move", move_form(meeting))
    assert moved.status_code == 302
    emails = sent(before)
    assert per_recipient(emails) == everyone
    for email in emails:
        assert email.subject == (
            "Updated: TAS meeting – Oakfield Primary, Thursday 10 December 2026, 1:00pm"
        )
        assert (email.method, str(email.event["UID"]), int(email.event["SEQUENCE"])) == (
            "REQUEST",
            uid,
            1,
        )
        assert email.event.start == datetime(2026, 12, 10, 13, 0, tzinfo=UTC)
        assert "This meeting has been moved to another day or time" in email.text
        # An answer given for the old day may not stand for the new one.
        assert "check that your answer still stands" in email.text
        assert "nativity" not in email.every_part_decoded()  # the reason stays in the app

    meeting = fresh(meeting.id)
    before = len(outbox_rows())
    notes = dsl.submit(
        f"/meetings/{meeting.id}/move",
        move_form(
            meeting,
            meeting_date=day(date(2026, 12, 10)),
            notes_for_attendees="Park behind the hall",
            reason="Parking has changed",
        ),
    )
    assert notes.status_code == 302
    emails = sent(before)
    assert per_recipient(emails) == everyone
    for email in emails:
        assert email.subject.startswith("Updated: ")
        # A new revision: calendars that apply only a higher SEQUENCE take it too.
        assert (email.method, int(email.event["SEQUENCE"])) == ("REQUEST", 2)
        # The notes stay in the app: the invitation says there are some and where to read them.
        assert "Park behind the hall" not in email.every_part_decoded()
        assert "There are notes for attendees" in str(email.event["DESCRIPTION"])
        assert "There are notes for attendees" in email.text
        assert "still stands" not in email.text  # the same day and time

    meeting = fresh(meeting.id)
    before = len(outbox_rows())
    cancelled = dsl.submit(
        f"/meetings/{meeting.id}/cancel",
        {"reason": "Too few agencies can come", "version": str(meeting.version)},
    )
    assert cancelled.status_code == 302
    emails = sent(before)
    assert per_recipient(emails) == everyone
    for email in emails:
        assert email.subject == (
            "Cancelled: TAS meeting – Oakfield Primary, Thursday 10 December 2026, 1:00pm"
        )
        assert 'method="CANCEL"' in email.calendar_part["Content-Type"] or (
            "method=CANCEL" in email.calendar_part["Content-Type"]
        )
        assert email.calendar["METHOD"] == "CANCEL"
        assert (str(email.event["UID"]), int(email.event["SEQUENCE"])) == (uid, 3)
        assert email.event["STATUS"] == "CANCELLED"
        assert "This meeting has been cancelled" in email.text
        assert "Too few agencies" not in email.every_part_decoded()
        # Nothing to answer any more: neither the email nor its calendar entry asks.
        unfolded = email.every_part_decoded().replace("\r\n ", "").replace("\n ", "")
        assert "Say whether you can come" not in unfolded
    assert len(outbox_rows()) == 12  # 3 recipients x 4 changes, nothing more


def test_a_change_of_chair_sends_the_new_chair_in_the_update(app):
    setting, _fim, _nurses = school_with_agencies()
    other_chair = factories.user("dsl", school=setting.school, name="Cleo Chair")
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    meeting = book(dsl, setting)
    before = len(outbox_rows())

    response = dsl.submit(
        f"/meetings/{meeting.id}/move",
        move_form(
            meeting,
            meeting_date=day(date(2026, 12, 9)),
            starts="09:30",
            ends="11:00",
            chair=str(other_chair.id),
            reason="Lee is on leave",
        ),
    )

    assert response.status_code == 302
    emails = sent(before)
    assert len(emails) == 3
    for email in emails:
        assert "Chair: Cleo Chair" in email.text
        assert "Chair: Cleo Chair" in str(email.event["DESCRIPTION"])
        assert int(email.event["SEQUENCE"]) == 1  # raised: the update is a new revision


def test_a_meeting_across_the_clocks_going_back_is_sent_with_its_real_times(app):
    setting, _fim, _nurses = school_with_agencies()
    dsl = signed_in(app, setting.dsl)

    book(
        dsl,
        setting,
        meeting_date=day(date(2027, 10, 31)),
        starts="01:45",
        ends="01:15",
        start_fold="0",
        end_fold="1",
        book_on_closed_day="y",  # a Sunday: the warning is confirmed
    )

    emails = sent()
    assert len(emails) == 3
    for email in emails:
        # 01:45 BST to 01:15 GMT: half an hour, given in UTC.
        assert email.event.start == datetime(2027, 10, 31, 0, 45, tzinfo=UTC)
        assert email.event.end - email.event.start == timedelta(minutes=30)
        assert "1:45am BST to 1:15am GMT (UK time)" in email.text  # which 1:15, in words


# ---------------------------------------------------------------- inviting and removing


def test_a_newly_invited_person_gets_the_current_version_and_a_removed_one_a_cancel(app):
    setting = school_with_meeting()
    fim = factories.agency(name="Future in Mind")
    fay = factories.user("practitioner", agency=fim, name="Fay Fim", email="fay@fim.example.org")
    nurses = factories.agency(name="0-19 Service", contact_email="zero19@nhs.example.org")
    factories.invitation(setting.meeting, setting.dsl, agency=nurses)
    setting.meeting.sequence = 3
    setting.meeting.online_link = "https://meet.example.org/tas-oakfield"
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    meeting_id = setting.meeting.id
    version = setting.meeting.version

    response = dsl.submit(
        f"/meetings/{meeting_id}/invitations/add",
        {"kind": "agency", "agency": str(fim.id), "representative": str(fay.id), "person": ""},
    )

    assert response.status_code == 302
    [email] = sent()
    assert email.to == ["fay@fim.example.org"]
    assert email.subject.startswith("Invitation: TAS meeting – ")
    assert email.method == "REQUEST"
    assert int(email.event["SEQUENCE"]) == 4  # raised: the attendee list changed
    assert set(email.attendees) == {"fay@fim.example.org", "zero19@nhs.example.org"}
    assert email.text.startswith("Dear Fay Fim,")
    meeting_page = f"/meetings/{meeting_id}"
    assert "https://meet.example.org/tas-oakfield" in email.every_part_decoded()
    assert meeting_page in str(email.event["URL"])

    invitation = db.session.scalar(select(Invitation).where(Invitation.representative_id == fay.id))
    removed = dsl.submit(
        f"/meetings/{meeting_id}/invitations/{invitation.id}/remove",
        {"version": str(invitation.version)},
    )

    assert removed.status_code == 302
    [first, cancel] = sent()
    assert cancel.to == ["fay@fim.example.org"]
    # The meeting goes ahead: the subject says Fay is no longer invited, not that it is
    # cancelled, and the CANCEL has no STATUS:CANCELLED (RFC 5546 3.2.5: that would cancel
    # the whole meeting).
    assert cancel.subject.startswith("No longer invited: TAS meeting – ")
    assert "Cancelled" not in cancel.subject
    assert (cancel.method, cancel.calendar["METHOD"]) == ("CANCEL", "CANCEL")
    assert str(cancel.event["UID"]) == str(first.event["UID"])
    assert int(cancel.event["SEQUENCE"]) == 5
    assert "STATUS" not in cancel.event
    assert "This meeting has been cancelled" not in cancel.every_part_decoded()
    # Neither change touched the meeting's version (an open "move" form still saves).
    assert fresh(meeting_id).version == version
    assert cancel.attendees == ["fay@fim.example.org"]  # only the one removed
    assert "You are no longer invited" in cancel.text
    assert "You are no longer invited" in str(cancel.event["DESCRIPTION"])
    # Nothing she can no longer use: not the meeting's page (it is closed to her now), nor the
    # online link to join it.
    assert signed_in(app, fay).get(meeting_page).status_code in (403, 404)
    assert meeting_page not in cancel.every_part_decoded()
    assert "URL" not in cancel.event
    assert "meet.example.org" not in cancel.every_part_decoded()
    assert f"If you need to know why, ask {setting.school.name}." in cancel.text


def test_a_taf_meeting_at_a_family_home_lists_only_the_recipient_and_hides_the_address(app):
    setting, _fim, _nurses = school_with_agencies()
    dsl = signed_in(app, setting.dsl)

    meeting = book(
        dsl,
        setting,
        kind="taf",
        venue_private="y",
        location="12 Example Road",
        notes_for_attendees="",
        meeting_date=day(date(2026, 12, 10)),
    )
    cancelled = dsl.submit(
        f"/meetings/{meeting.id}/cancel", {"reason": "The family asked", "version": "1"}
    )

    assert cancelled.status_code == 302
    emails = sent()
    assert len(emails) == 6
    for email in emails:
        assert email.attendees == email.to
        assert str(email.event["LOCATION"]) == "Venue given in the app"
        everything = email.every_part_decoded()
        assert "12 Example Road" not in everything
        others = {"fim@nhs.example.org", "zero19@nhs.example.org", setting.link_worker.email}
        for address in others - set(email.to):
            assert address not in everything  # no other agency invited is named


# ---------------------------------------------------------------- privacy


def test_no_agenda_childs_details_reach_any_email(app):
    setting, _fim, _nurses = school_with_agencies()
    children = [
        child_at(
            setting.school,
            first_name="Zara",
            last_name="Quillfeather",
            date_of_birth=date(2016, 3, 14),
            upn="A123456789012",
            nhs_number="9434765919",
        ),
        child_at(
            setting.school,
            first_name="Milo",
            last_name="Brackenridge",
            date_of_birth=date(2017, 11, 2),
            upn="B987654321098",
            nhs_number="9434765870",
        ),
    ]
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    meeting = book(dsl, setting)
    for position, child in enumerate(children, start=1):
        factories.agenda_item(meeting, child, setting.dsl, position=position)
    db.session.commit()
    dsl.submit(f"/meetings/{meeting.id}/move", move_form(meeting))
    extra = factories.agency(name="CAMHS", contact_email="camhs@nhs.example.org")
    db.session.commit()
    dsl.submit(
        f"/meetings/{meeting.id}/invitations/add",
        {"kind": "agency", "agency": str(extra.id), "representative": "", "person": ""},
    )
    meeting = fresh(meeting.id)
    dsl.submit(
        f"/meetings/{meeting.id}/cancel", {"reason": "Snow", "version": str(meeting.version)}
    )

    emails = sent()
    assert len(emails) == 3 + 3 + 1 + 4
    forbidden = []
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
    for email in emails:
        decoded = email.every_part_decoded().lower()
        raw = email.message.as_string().lower()
        for text in forbidden:
            assert text.lower() not in decoded, text
            assert text.lower() not in raw, text


# ---------------------------------------------------------------- nothing for refused changes


def test_a_refused_or_stale_change_queues_nothing(app):
    setting = school_with_meeting()
    fim = factories.agency(name="Future in Mind")
    invitation = factories.invitation(setting.meeting, setting.dsl, agency=fim)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)
    meeting = setting.meeting
    url = f"/meetings/{meeting.id}"

    no_reason = dsl.submit(f"{url}/move", move_form(meeting, reason=""))
    stale_move = dsl.submit(f"{url}/move", move_form(meeting, version="7"))
    blank_cancel = dsl.submit(f"{url}/cancel", {"reason": " ", "version": "1"})
    again = dsl.submit(
        f"{url}/invitations/add",
        {"kind": "agency", "agency": str(fim.id), "representative": "", "person": ""},
    )
    stale_remove = dsl.submit(f"{url}/invitations/{invitation.id}/remove", {"version": "9"})
    bad_booking = dsl.submit(
        "/meetings/new",
        booking_form(setting, location="", online_link="not a link"),
    )

    assert [r.status_code for r in (no_reason, blank_cancel, again, bad_booking)] == [200] * 4
    assert stale_move.status_code == 409 and stale_remove.status_code == 409
    assert outbox_rows() == []


def test_a_meeting_that_has_ended_sends_nothing(app):
    setting = school_with_meeting(
        starts_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 20, 10, 30, tzinfo=UTC),
    )
    invitation = factories.invitation(setting.meeting, setting.dsl)
    db.session.commit()

    assert invites.booked(setting.meeting) == 0
    assert invites.changed(setting.meeting, moved=True) == 0
    assert invites.cancelled(setting.meeting) == 0
    assert invites.invited(setting.meeting, invitation) == 0
    assert invites.uninvited(setting.meeting, invitation) == 0
    db.session.commit()
    assert outbox_rows() == []


def test_a_meeting_moved_to_a_time_already_past_today_still_updates_everyones_calendar(app):
    """Booked for later today, then moved to this morning (it was held earlier than booked):
    the entries people hold still say this afternoon, so the update goes out."""
    setting, _fim, _nurses = school_with_agencies()
    dsl = signed_in(app, setting.dsl)
    meeting = book(dsl, setting, meeting_date=day(date(2026, 11, 27)), starts="15:00", ends="16:00")
    everyone = per_recipient(sent())
    before = len(outbox_rows())

    # A start already past is confirmed (tests/meetings/test_move_limits.py).
    moved = dsl.submit(
        f"/meetings/{meeting.id}/move",
        move_form(
            meeting,
            meeting_date=day(date(2026, 11, 27)),
            starts="08:00",
            ends="09:00",
            move_to_past="y",
        ),
    )

    assert moved.status_code == 302
    emails = sent(before)
    assert per_recipient(emails) == everyone
    for email in emails:
        assert (email.method, int(email.event["SEQUENCE"])) == ("REQUEST", 1)
        assert email.event.start == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    # Moved again, from the past to the past: nobody's entry is still to come, nothing is sent.
    meeting = fresh(meeting.id)
    before = len(outbox_rows())
    again = dsl.submit(
        f"/meetings/{meeting.id}/move",
        move_form(
            meeting,
            meeting_date=day(date(2026, 11, 27)),
            starts="07:30",
            ends="08:30",
            move_to_past="y",
        ),
    )
    assert again.status_code == 302
    assert sent(before) == []


def test_recipients_are_the_representative_or_the_agency_address_once_each(app):
    setting = school_with_meeting()
    shared = factories.agency(name="Shared A", contact_email="team@shared.example.org")
    twin = factories.agency(name="Shared B", contact_email="TEAM@shared.example.org")
    leaver_agency = factories.agency(name="Has address", contact_email="desk@has.example.org")
    leaver = factories.user("practitioner", agency=leaver_agency, active=False)
    for agency, person in ((shared, None), (twin, None), (leaver_agency, leaver)):
        factories.invitation(setting.meeting, setting.dsl, agency=agency, representative=person)
    db.session.commit()

    assert invites.booked(setting.meeting) == 2
    db.session.commit()

    assert per_recipient(sent()) == Counter(
        {"team@shared.example.org": 1, "desk@has.example.org": 1}
    )


def test_each_booking_sends_its_own_meetings_invitations(app):
    """Through the booking service (booking.add_meeting, which a series uses for each meeting)."""
    setting, _fim, _nurses = school_with_agencies()
    from tas.meetings.booking import services as booking

    values = {
        "school_id": setting.school.id,
        "kind": "tas",
        "starts_at": datetime(2026, 12, 9, 9, 30, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 9, 11, 0, tzinfo=UTC),
        "location": "The library",
        "chair_id": setting.link_worker.id,
    }
    first = booking.book(setting.dsl, values)
    second = booking.book(
        setting.dsl,
        {**values, "starts_at": values["starts_at"] + timedelta(days=7)}
        | {"ends_at": values["ends_at"] + timedelta(days=7)},
    )

    uids = Counter(str(email.event["UID"]) for email in sent())
    assert uids == {
        f"tas-meeting-{first.id}@{UID_HOST}": 3,
        f"tas-meeting-{second.id}@{UID_HOST}": 3,
    }


# ---------------------------------------------------------------- the demo data


def test_the_demo_meetings_send_their_invitations_to_the_outbox_folder(app):
    from pathlib import Path

    from tas.children.models import Child
    from tas.core.clock import utcnow
    from tas.demo import loading as demo
    from tas.outbox.services import deliver_due

    demo.load()
    deliver_due()  # as `flask demo-data` does after loading

    files = sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    # The demo's concern alerts (tas.demo.voice) go out too: the invitations are those with a
    # calendar; every email, either kind, names no child (below).
    raws = [path.read_bytes() for path in files]
    emails = [Sent(raw) for raw in raws if b"text/calendar" in raw]
    others = [message_from_bytes(raw, policy=policy.default) for raw in raws]
    upcoming = list(db.session.scalars(select(Meeting).where(Meeting.ends_at > utcnow())))
    expected = Counter()
    for meeting in upcoming:
        invited = db.session.scalar(
            select(func.count()).where(
                Invitation.meeting_id == meeting.id, Invitation.removed_at.is_(None)
            )
        )
        uid = f"tas-meeting-{meeting.id}@{UID_HOST}"
        expected[(uid, "REQUEST")] += invited
        if meeting.status == "cancelled":
            expected[(uid, "CANCEL")] += invited
    assert expected and len(emails) == sum(expected.values())
    assert Counter((str(e.event["UID"]), e.method) for e in emails) == expected
    assert "nurse@demo.tas.test" in per_recipient(emails)
    children = list(db.session.scalars(select(Child)))
    for email in emails:
        decoded = email.every_part_decoded()
        assert not [c.full_name for c in children if c.full_name in decoded]
        assert not [c.last_name for c in children if c.last_name in decoded]
    for message in others:
        said = str(message["Subject"]) + message.get_body(("plain",)).get_content()
        assert not [c.last_name for c in children if c.last_name in said]
