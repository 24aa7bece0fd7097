"""Issue 11, 1: a school's saved rooms, kept by its DSL and link workers and chosen when booking,
so most bookings type no place at all. A room's name is checked as a typed place is."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import Meeting, SchoolRoom
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.meetings.test_booking import booking, meetings_at
from tests.pages import audit_events, day, error_summary, field_value, page_text
from tests.plans.helpers import child_at


@pytest.fixture
def setting(app):
    setting = school_with_meeting()
    child_at(setting.school, first_name="Amelia", last_name="Khan")
    db.session.commit()
    return setting


def saved(school) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(SchoolRoom.name).where(
                SchoolRoom.school_id == school.id, SchoolRoom.removed_at.is_(None)
            )
        )
    )


def save_room(browser, school, name):
    return browser.submit("/meetings/rooms", {"school": str(school.id), "name": name})


def test_a_dsl_saves_a_room_and_books_a_meeting_in_it_typing_no_place(visitor, setting):
    visitor.sign_in(setting.dsl.email)

    added = save_room(visitor, setting.school, "Meeting room 2")

    assert added.status_code == 302
    page = visitor.get("/meetings/rooms")
    assert "Meeting room 2 has been saved" in page_text(page)
    assert saved(setting.school) == ["Meeting room 2"]
    (entry,) = audit_events("school_room_added")
    assert entry.detail == {"school_id": setting.school.id}
    room = db.session.scalar(select(SchoolRoom))

    form = visitor.get("/meetings/new").get_data(as_text=True)
    assert f'<option value="{room.id}">Meeting room 2</option>' in form
    booked = visitor.submit(
        "/meetings/new",
        booking(setting.school, setting.link_worker, location="", room=str(room.id)),
    )

    assert booked.status_code == 302
    assert meetings_at(setting.school)[-1].location == "Meeting room 2"


def test_a_room_named_after_a_child_is_refused_and_kept(visitor, setting):
    visitor.sign_in(setting.link_worker.email)

    response = save_room(visitor, setting.school, "Amelia's quiet room")

    assert error_summary(response) == {
        "name": "The room's name must not name a child: it matches the name of a child of the "
        "school or on the agenda, and invitations and calendars show it. Leave the name out"
    }
    assert field_value(response, "name") == "Amelia's quiet room"
    assert saved(setting.school) == []


def test_a_room_saved_twice_is_refused(visitor, setting):
    visitor.sign_in(setting.dsl.email)
    assert save_room(visitor, setting.school, "Library").status_code == 302

    again = save_room(visitor, setting.school, "library")

    assert error_summary(again) == {"name": "The school already has a saved room with this name"}
    assert saved(setting.school) == ["Library"]


def test_a_room_and_a_typed_place_together_are_refused(visitor, setting):
    room = SchoolRoom(school_id=setting.school.id, name="Library", added_by_id=setting.dsl.id)
    db.session.add(room)
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    before = len(meetings_at(setting.school))

    response = visitor.submit(
        "/meetings/new",
        booking(setting.school, setting.link_worker, location="Hall", room=str(room.id)),
    )

    assert error_summary(response) == {
        "location": "Choose a saved room or type where the meeting is, not both"
    }
    assert field_value(response, "location") == "Hall"
    assert len(meetings_at(setting.school)) == before


def test_a_link_worker_cannot_book_one_schools_meeting_in_anothers_room(app, visitor):
    first, second = factories.school(), factories.school()
    worker = factories.user("link_worker", linked_schools=[first, second])
    db.session.flush()
    room = SchoolRoom(school_id=second.id, name="Library", added_by_id=worker.id)
    db.session.add(room)
    db.session.commit()
    visitor.sign_in(worker.email)

    response = visitor.submit(
        "/meetings/new", booking(first, worker, location="", room=str(room.id))
    )

    assert error_summary(response) == {
        "room": "Select a saved room of the school the meeting is for"
    }
    assert meetings_at(first) == []


def test_moving_keeps_the_saved_room_chosen(visitor, setting):
    room = SchoolRoom(school_id=setting.school.id, name="Library", added_by_id=setting.dsl.id)
    db.session.add(room)
    setting.meeting.location = "Library"
    db.session.commit()
    visitor.sign_in(setting.dsl.email)

    page = visitor.get(f"/meetings/{setting.meeting.id}/move").get_data(as_text=True)

    assert f'<option value="{room.id}" selected>Library</option>' in page
    meeting = db.session.get(Meeting, setting.meeting.id)
    moved = visitor.submit(
        f"/meetings/{meeting.id}/move",
        {
            "meeting_date": day(date(2026, 12, 3)),
            "starts": "09:00",
            "ends": "10:00",
            "room": str(room.id),
            "location": "",
            "online_link": "",
            "chair": str(meeting.chair_id),
            "reason": "The hall is in use",
            "version": str(meeting.version),
        },
    )
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).location == "Library"


def test_removing_a_room_keeps_meetings_booked_there(visitor, setting):
    room = SchoolRoom(school_id=setting.school.id, name="Library", added_by_id=setting.dsl.id)
    db.session.add(room)
    setting.meeting.location = "Library"
    db.session.commit()
    visitor.sign_in(setting.dsl.email)

    removed = visitor.submit(f"/meetings/rooms/{room.id}/remove", page="/meetings/rooms")

    assert removed.status_code == 302
    assert saved(setting.school) == []
    assert db.session.get(Meeting, setting.meeting.id).location == "Library"
    assert [e.target_id for e in audit_events("school_room_removed")] == [room.id]


def test_only_the_schools_organisers_keep_its_rooms(app, setting):
    room = SchoolRoom(school_id=setting.school.id, name="Library", added_by_id=setting.dsl.id)
    db.session.add(room)
    other_dsl = factories.user("dsl")
    practitioner = factories.user("practitioner")
    coordinator = factories.user("coordinator", district_wide=True)
    db.session.commit()
    for person in (other_dsl, practitioner, coordinator):
        browser = factories_browser(app, person)
        page = browser.get("/meetings/rooms")
        if person is other_dsl:  # their own school's rooms only
            assert page.status_code == 200 and "Library" not in page.get_data(as_text=True)
            forged = save_room(browser, setting.school, "Our room")
            assert error_summary(forged) == {"school": "Select the school the room is at"}
        else:
            assert page.status_code == 403
        removed = browser.submit(f"/meetings/rooms/{room.id}/remove", page="/account")
        assert removed.status_code == 404
    assert saved(setting.school) == ["Library"]


def factories_browser(app, person):
    browser = Visitor(app.test_client())
    assert browser.sign_in(person.email).status_code == 302
    return browser


def test_the_rooms_page_costs_the_same_whatever_the_number_of_rooms(app, setting, count_queries):
    def rooms_page_queries(count: int) -> int:
        for number in range(count):
            db.session.add(
                SchoolRoom(
                    school_id=setting.school.id, name=f"Room {number}", added_by_id=setting.dsl.id
                )
            )
        db.session.commit()
        browser = factories_browser(app, setting.dsl)
        with count_queries() as counted:
            assert browser.get("/meetings/rooms").status_code == 200
        return len(counted)

    assert rooms_page_queries(1) == rooms_page_queries(12)


def test_a_saved_room_that_now_names_a_child_is_refused_beside_the_room(visitor, setting):
    """A room saved before a child of that name was recorded: the booking says so at the room,
    not at the empty place box."""
    room = SchoolRoom(school_id=setting.school.id, name="Khan suite", added_by_id=setting.dsl.id)
    db.session.add(room)
    db.session.commit()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        "/meetings/new",
        booking(setting.school, setting.link_worker, location="", room=str(room.id)),
    )

    assert error_summary(response) == {
        "room": "The saved room's name must not name a child: it matches the name of a child of "
        "the school or on the agenda, and invitations and calendars show it. Leave the name "
        "out. Rename or remove the room on the saved rooms page"
    }
