"""Booking a meeting: DSLs and link workers book for their schools, every problem is shown
beside its question with what was typed kept, and an overlapping meeting is a warning to confirm."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import Meeting, MeetingChange
from tests import factories
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events, day, error_summary, field_value, page_text, section


def booking(school, chair, /, **fields) -> dict:
    return {
        "school": str(school.id),
        "kind": "tas",
        "meeting_date": day(date(2026, 12, 9)),
        "starts": "09:30",
        "ends": "11:00",
        "location": "The library",
        "online_link": "",
        "chair": str(chair.id),
        "notes_for_attendees": "Please sign in at reception",
        **fields,
    }


def meetings_at(school) -> list[Meeting]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.school_id == school.id).order_by(Meeting.starts_at)
        )
    )


def test_a_dsl_books_a_meeting_that_opens_with_its_arrangements(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit("/meetings/new", booking(setting.school, setting.link_worker))

    assert response.status_code == 302
    meeting = meetings_at(setting.school)[-1]
    assert response.headers["Location"] == f"/meetings/{meeting.id}"
    assert (meeting.starts_at, meeting.ends_at) == (
        datetime(2026, 12, 9, 9, 30, tzinfo=UTC),
        datetime(2026, 12, 9, 11, 0, tzinfo=UTC),
    )
    assert (meeting.kind, meeting.status, meeting.sequence) == ("tas", "scheduled", 0)
    assert (meeting.organiser_id, meeting.chair_id) == (setting.dsl.id, setting.link_worker.id)
    assert meeting.location == "The library"
    assert meeting.notes_for_attendees == "Please sign in at reception"
    [change] = db.session.scalars(
        select(MeetingChange).where(MeetingChange.meeting_id == meeting.id)
    )
    assert (change.kind, change.by_id) == ("booked", setting.dsl.id)
    [audited] = audit_events("meeting_booked")
    assert audited.target_id == meeting.id
    assert "The library" not in str(audited.detail)  # field names only, never what was typed

    page = visitor.get(f"/meetings/{meeting.id}")
    shown = section(page, "arrangements")
    assert f"Meeting {meeting.reference} has been booked" in page_text(page)
    assert "Status Scheduled" in shown
    assert "Date 9 December 2026 Time 9:30am to 11:00am (UK time)" in shown
    assert "Place The library" in shown
    assert f"Chair {setting.link_worker.name}" in shown
    assert f"Organiser {setting.dsl.name}" in shown
    assert "Notes for attendees Please sign in at reception" in shown
    assert f"Booked {setting.dsl.name}" in shown
    assert "Move or change the meeting" in shown and "Cancel the meeting" in shown


def test_a_link_worker_books_an_online_meeting_in_summer_time(login_as):
    school = factories.school(name="Hill Top Primary")
    other = factories.school(name="Another School")
    worker = login_as("link_worker", linked_schools=[school, other])

    page = worker.get("/meetings/new")
    assert "Hill Top Primary" in page_text(page) and "Another School" in page_text(page)
    response = worker.submit(
        "/meetings/new",
        booking(
            school,
            worker.user,
            kind="keeping_in_touch",
            meeting_date=day(date(2027, 6, 16)),
            starts="13:00",
            ends="13:45",
            location="",
            online_link="https://meet.example.org/tas-hill-top",
        ),
    )

    assert response.status_code == 302
    [meeting] = meetings_at(school)
    # 13:00 British Summer Time is 12:00 UTC.
    assert meeting.starts_at == datetime(2027, 6, 16, 12, 0, tzinfo=UTC)
    assert meeting.online_link == "https://meet.example.org/tas-hill-top"
    shown = section(worker.get(f"/meetings/{meeting.id}"), "arrangements")
    assert "Time 1:00pm to 1:45pm (UK time)" in shown
    assert "Online meeting link https://meet.example.org/tas-hill-top" in shown


def test_a_taf_meeting_at_the_familys_home_keeps_the_address_to_those_who_need_it(
    visitor, login_as
):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        "/meetings/new",
        booking(
            setting.school,
            setting.link_worker,
            kind="taf",
            venue_private="y",
            location="12 Example Road",
            meeting_date=day(date(2026, 12, 10)),
        ),
    )

    assert response.status_code == 302
    meeting = meetings_at(setting.school)[-1]
    assert (meeting.kind, meeting.venue_private) == ("taf", True)
    [change] = db.session.scalars(
        select(MeetingChange).where(MeetingChange.meeting_id == meeting.id)
    )
    assert change.after["location"] == "The family's home"  # the address is not copied
    assert "Place The family's home: 12 Example Road" in section(
        visitor.get(f"/meetings/{meeting.id}"), "arrangements"
    )
    coordinator = login_as("coordinator")
    shown = section(coordinator.get(f"/meetings/{meeting.id}"), "arrangements")
    assert "12 Example Road" not in shown
    assert (
        "The family's home (the address is shown only to the organisers and the agencies "
        "involved with the child)"
    ) in shown


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({"school": ""}, {"school": "Select the school the meeting is for"}),
        ({"kind": ""}, {"kind": "Select the type of meeting"}),
        ({"meeting_date": ["", "", ""]}, {"meeting_date": "Enter the date of the meeting"}),
        ({"meeting_date": ["31", "2", "2027"]}, {"meeting_date": "Date must be a real date"}),
        (
            {"meeting_date": day(date(2026, 11, 26))},
            {"meeting_date": "The date of the meeting must be today or in the future"},
        ),
        (
            {"meeting_date": day(date(2029, 1, 2))},
            {"meeting_date": "The date of the meeting must be within the next 2 years"},
        ),
        ({"starts": ""}, {"starts": "Enter the start time"}),
        (
            {"starts": "9.75"},
            {"starts": "Enter the start time using the 24-hour clock, like 09:30"},
        ),
        ({"ends": "25:00"}, {"ends": "Enter the end time using the 24-hour clock, like 09:30"}),
        ({"ends": "09:30"}, {"ends": "The end time must be after the start time"}),
        ({"ends": "08:00"}, {"ends": "The end time must be after the start time"}),
        (
            {"location": ""},
            {"location": "Enter where the meeting is, or a link to join it online"},
        ),
        (
            {"online_link": "http://meet.example.org/x"},
            {"online_link": "Enter the online meeting link in full, starting with https://"},
        ),
        (
            {"kind": "keeping_in_touch"},
            {"online_link": "A keeping-in-touch meeting is held online: enter the link to join it"},
        ),
        (
            {"venue_private": "y"},
            {"venue_private": "Only a TAF / handover meeting can be at the family's home"},
        ),
        (
            {"kind": "taf", "venue_private": "y", "location": "", "online_link": ""},
            {"location": "Enter the address of the family's home"},
        ),
        ({"chair": ""}, {"chair": "Select who will chair the meeting"}),
        ({"chair": "999999"}, {"chair": "Select who will chair the meeting"}),
        ({"location": "x" * 301}, {"location": "The location must be 300 characters or fewer"}),
    ],
)
def test_each_problem_is_shown_beside_its_question_and_what_was_typed_is_kept(
    visitor, changes, problems
):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        "/meetings/new", booking(setting.school, setting.link_worker, **changes)
    )

    assert response.status_code == 200
    assert error_summary(response) == problems
    assert page_text(response).startswith("Error: Book a meeting")
    typed = {**booking(setting.school, setting.link_worker), **changes}
    for name in ("starts", "ends", "location", "online_link"):
        assert field_value(response, name) == typed[name]
    assert "Please sign in at reception</textarea>" in response.get_data(as_text=True)
    assert len(meetings_at(setting.school)) == 1  # only the one there already


def test_a_chair_must_belong_to_the_school(login_as):
    school = factories.school()
    worker = login_as("link_worker", linked_schools=[school, factories.school()])
    elsewhere = factories.user("dsl")  # a DSL of another school: not offered
    other_school_dsl = factories.user("dsl", school=worker.user.linked_schools[1])
    db.session.commit()

    page = worker.get("/meetings/new")
    assert elsewhere.name not in page_text(page)
    response = worker.submit("/meetings/new", booking(school, other_school_dsl))

    assert error_summary(response) == {
        "chair": "Select a chair from the list: a DSL of the school or a link worker linked to it"
    }
    assert meetings_at(school) == []


def test_only_people_who_organise_a_school_may_book(login_as):
    for role in ("coordinator", "practitioner", "gp", "school_staff", "admin"):
        assert login_as(role).get("/meetings/new").status_code == 403, role
    dsl = login_as("dsl")
    other = factories.school()
    db.session.commit()
    response = dsl.submit("/meetings/new", booking(other, dsl.user, school=str(other.id)))
    assert error_summary(response) == {"school": "Select the school the meeting is for"}
    assert meetings_at(other) == []


def test_the_address_can_fill_in_the_school_and_date(login_as):
    school = factories.school()
    worker = login_as("link_worker", linked_schools=[factories.school(), school])

    page = worker.get(f"/meetings/new?school={school.id}&date=2027-05-03")
    body = page.get_data(as_text=True)

    assert f'<option value="{school.id}" selected>' in body
    assert [field_value(page, "meeting_date")] == ["3"]  # the first of the day boxes
    assert f'<option value="{worker.user.id}" selected>' in body  # they chair unless changed
    assert worker.get("/meetings/new?school=abc&date=not-a-date").status_code == 200


# ---------------------------------------------------------------- overlapping meetings


def test_an_overlapping_meeting_is_a_warning_to_confirm_then_it_is_booked(visitor):
    setting = school_with_meeting()  # 2 December 2026, 09:00 to 10:30
    visitor.sign_in(setting.dsl.email)
    overlapping = booking(
        setting.school,
        setting.dsl,
        meeting_date=day(date(2026, 12, 2)),
        starts="10:00",
        ends="11:00",
    )

    warned = visitor.submit("/meetings/new", overlapping)

    assert warned.status_code == 200
    assert error_summary(warned) == {
        "book_anyway": "The school or the chair already has a meeting at this time. Check the "
        "meetings listed, then confirm to go ahead anyway"
    }
    text = page_text(warned)
    assert (
        f"2 December 2026, 9:00am to 10:30am: TAS meeting at {setting.school.name} "
        f"({setting.meeting.reference})" in text
    )
    assert f'href="/meetings/{setting.meeting.id}"' in warned.get_data(as_text=True)
    assert field_value(warned, "starts") == "10:00"
    assert len(meetings_at(setting.school)) == 1

    confirmed = visitor.submit("/meetings/new", {**overlapping, "book_anyway": "y"})

    assert confirmed.status_code == 302
    assert len(meetings_at(setting.school)) == 2


def test_the_chair_busy_at_another_school_is_warned_too(login_as):
    setting = school_with_meeting()  # chaired by the link worker
    second = factories.school(name="Second School")
    setting.link_worker.linked_schools.append(second)
    dsl = login_as("dsl", school=second)

    warned = dsl.submit(
        "/meetings/new",
        booking(
            second,
            setting.link_worker,
            meeting_date=day(date(2026, 12, 2)),
            starts="08:30",
            ends="09:15",
        ),
    )

    assert "book_anyway" in error_summary(warned)
    assert f"TAS meeting at {setting.school.name}" in page_text(warned)
    touching = dsl.submit(
        "/meetings/new",
        booking(
            second,
            setting.link_worker,
            meeting_date=day(date(2026, 12, 2)),
            starts="10:30",
            ends="11:30",
        ),
    )
    assert touching.status_code == 302  # starting as the other ends is not a clash


def test_a_cancelled_meeting_is_no_clash(visitor):
    setting = school_with_meeting(status="cancelled")
    visitor.sign_in(setting.dsl.email)
    response = visitor.submit(
        "/meetings/new",
        booking(setting.school, setting.dsl, meeting_date=day(date(2026, 12, 2)), starts="09:00"),
    )
    assert response.status_code == 302


# ---------------------------------------------------------------- clock changes


def test_a_time_the_clocks_skip_is_refused_with_a_clear_message(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        "/meetings/new",
        booking(
            setting.school,
            setting.dsl,
            meeting_date=day(date(2027, 3, 28)),
            starts="01:30",
            ends="03:00",
        ),
    )

    assert error_summary(response) == {
        "starts": "01:30 does not exist on 28 March 2027 because the clocks go forward at 01:00. "
        "Enter a time before 01:00 or from 02:00"
    }
    assert field_value(response, "starts") == "01:30"


def test_a_time_the_clocks_repeat_asks_which_one_then_stores_it(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)
    typed = booking(
        setting.school,
        setting.dsl,
        meeting_date=day(date(2027, 10, 31)),
        starts="01:30",
        ends="03:00",
        book_on_closed_day="y",  # the clocks change on a Sunday
    )

    asked = visitor.submit("/meetings/new", typed)

    assert error_summary(asked) == {
        "start_fold": "01:30 happens twice on 31 October 2027 because the clocks go back. "
        "Select which 01:30 you mean"
    }
    text = page_text(asked)
    assert "Which 01:30 do you mean?" in text
    assert "01:30 BST, the first time" in text and "01:30 GMT, the second time" in text
    assert meetings_at(setting.school)[-1].id == setting.meeting.id

    booked = visitor.submit("/meetings/new", {**typed, "start_fold": "1"})

    assert booked.status_code == 302
    meeting = meetings_at(setting.school)[-1]
    assert meeting.starts_at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # GMT: the second
    assert meeting.ends_at == datetime(2027, 10, 31, 3, 0, tzinfo=UTC)
    again = visitor.submit("/meetings/new", {**typed, "start_fold": "0", "book_anyway": "y"})
    assert again.status_code == 302
    assert meetings_at(setting.school)[-2].starts_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_an_end_time_the_clocks_repeat_can_be_before_the_start_on_the_wall_clock(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)
    typed = booking(
        setting.school,
        setting.dsl,
        meeting_date=day(date(2027, 10, 31)),
        starts="01:45",
        ends="01:15",
        start_fold="0",
        end_fold="1",
        book_on_closed_day="y",  # the clocks change on a Sunday
    )

    response = visitor.submit("/meetings/new", typed)

    assert response.status_code == 302  # 01:45 BST to 01:15 GMT is half an hour
    meeting = meetings_at(setting.school)[-1]
    assert meeting.ends_at - meeting.starts_at == datetime(2000, 1, 1, 0, 30) - datetime(2000, 1, 1)


@pytest.mark.parametrize("kind", ["taf", "not-a-kind"])
def test_the_booking_form_takes_the_meeting_type_from_the_link(visitor, kind):
    """A link may choose the meeting type (/meetings/new?kind=taf); an unknown type in the
    address is ignored. (A step down's handover is booked from the level page's own handover
    page: tests/reviews/test_handover_meeting.py.)"""
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)

    body = visitor.get(f"/meetings/new?school={setting.school.id}&kind={kind}").get_data(
        as_text=True
    )

    checked = [
        tag
        for tag in re.findall(r"<input\b[^>]*>", body)
        if 'name="kind"' in tag and "checked" in tag
    ]
    if kind == "taf":
        assert len(checked) == 1 and 'value="taf"' in checked[0]
    else:
        assert not any('value="not-a-kind"' in tag for tag in checked)


def test_every_problem_with_a_booking_shows_at_once(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        "/meetings/new",
        booking(
            setting.school,
            setting.link_worker,
            starts="9.75",
            location="",
            online_link="http://meet.example.org/x",
            chair="",
        ),
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "starts": "Enter the start time using the 24-hour clock, like 09:30",
        "online_link": "Enter the online meeting link in full, starting with https://",
        "chair": "Select who will chair the meeting",
    }
    assert field_value(response, "online_link") == "http://meet.example.org/x"
    assert len(meetings_at(setting.school)) == 1  # only the one there already


def test_a_meeting_booked_for_today_starts_later_than_now(visitor):
    """The clock is 9:30am on Friday 27 November 2026: 8am today has gone."""
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)
    today = day(date(2026, 11, 27))

    gone = visitor.submit(
        "/meetings/new",
        booking(setting.school, setting.link_worker, meeting_date=today, starts="08:00"),
    )
    later = visitor.submit(
        "/meetings/new",
        booking(
            setting.school, setting.link_worker, meeting_date=today, starts="14:00", ends="15:00"
        ),
    )

    assert error_summary(gone) == {
        "starts": "The meeting is today, so the start time must be later than now"
    }
    assert field_value(gone, "starts") == "08:00"
    assert later.status_code == 302
    assert len(meetings_at(setting.school)) == 2  # the one there already, and the later one
