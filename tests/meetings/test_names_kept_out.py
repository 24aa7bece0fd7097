"""Free text that coordinators, GP practices and calendars see never names a child on the
agenda: reasons for moving or cancelling, and notes for attendees (also when a child is added
after the notes were written)."""

from __future__ import annotations

from datetime import date

import pytest

from tas.extensions import db
from tas.meetings.agenda.services import NOTES_NAME_THE_CHILD
from tas.meetings.booking.checks import REASON_NAMES_A_CHILD
from tas.meetings.models import AgendaItem, Meeting
from tests import factories
from tests.meetings.helpers import school_with_meeting
from tests.pages import day, error_summary, page_text
from tests.plans.helpers import child_at


@pytest.fixture
def on_agenda(visitor):
    setting = school_with_meeting()
    child = child_at(setting.school, first_name="Ada", last_name="Lovell", upn="A123456789012")
    factories.agenda_item(setting.meeting, child, setting.dsl)
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    return setting, child


def saved(meeting_id: int) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, meeting_id)


@pytest.mark.parametrize(
    "reason", ["Lovell family cannot come", "Ada Lovell is unwell", "A123456789012 moved"]
)
def test_a_cancel_reason_naming_an_agenda_child_is_refused_and_kept(visitor, on_agenda, reason):
    setting, _child = on_agenda
    url = f"/meetings/{setting.meeting.id}/cancel"

    response = visitor.submit(url, {"reason": reason, "version": "1"})

    assert response.status_code == 200
    assert error_summary(response) == {"reason": REASON_NAMES_A_CHILD}
    assert reason in page_text(response)
    assert saved(setting.meeting.id).status == "scheduled"


def test_a_move_reason_naming_an_agenda_child_is_refused(visitor, on_agenda):
    setting, _child = on_agenda
    url = f"/meetings/{setting.meeting.id}/move"
    form = {
        "meeting_date": day(date(2026, 12, 3)),
        "starts": "13:00",
        "ends": "14:30",
        "location": "Meeting room 1",
        "online_link": "",
        "chair": str(setting.link_worker.id),
        "notes_for_attendees": "",
        "reason": "Moved so that Ada Lovell's mother can come",
        "version": "1",
    }

    response = visitor.submit(url, form)

    assert error_summary(response) == {"reason": REASON_NAMES_A_CHILD}
    assert saved(setting.meeting.id).sequence == 0


def test_a_reason_without_a_name_is_kept(visitor, on_agenda):
    setting, _child = on_agenda
    url = f"/meetings/{setting.meeting.id}/cancel"

    response = visitor.submit(url, {"reason": "The hall flooded", "version": "1"})

    assert response.status_code == 302
    assert saved(setting.meeting.id).cancel_reason == "The hall flooded"


def test_a_child_named_in_the_notes_cannot_be_added_until_the_notes_change(visitor):
    setting = school_with_meeting(notes_for_attendees="Park at the back. Ask for Mr Okafor.")
    child = child_at(setting.school, first_name="Amara", last_name="Okafor")
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/agenda/add"

    response = visitor.submit(url, {"child": str(child.id), "reason": "Low mood"})

    assert error_summary(response) == {"child": NOTES_NAME_THE_CHILD}
    assert db.session.query(AgendaItem).count() == 0


def test_text_is_never_tested_against_the_children_of_a_school_the_booker_does_not_book_for(
    visitor,
):
    """Otherwise a DSL could learn which school a child attends from whether their name or
    NHS number is flagged."""
    setting = school_with_meeting()
    elsewhere = factories.school()
    child_at(elsewhere, first_name="Ethan", last_name="Hallward", nhs_number="9991000186")
    db.session.commit()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        "/meetings/new",
        {
            "school": str(elsewhere.id),
            "kind": "tas",
            "meeting_date": day(date(2026, 12, 9)),
            "starts": "09:30",
            "ends": "11:00",
            "location": "Ethan Hallward room",
            "online_link": "",
            "chair": str(setting.link_worker.id),
            "notes_for_attendees": "Ethan Hallward will join, ref 9991000186",
        },
    )

    assert response.status_code == 200
    assert error_summary(response) == {"school": "Select the school the meeting is for"}


def test_text_past_its_limit_is_not_searched_for_names(visitor):
    """A refused answer reaches the save's checks as nothing: thousands of spaced-out letters
    once cost minutes."""
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        "/meetings/new",
        {
            "school": str(setting.school.id),
            "kind": "tas",
            "meeting_date": day(date(2026, 12, 9)),
            "starts": "xx",
            "ends": "11:00",
            "location": "Hall",
            "online_link": "https://[",
            "chair": str(setting.link_worker.id),
            "notes_for_attendees": "a " * 3000,
        },
    )

    assert response.status_code == 200
    summary = error_summary(response)
    assert summary["notes_for_attendees"] == "Notes for attendees must be 2,000 characters or fewer"
    assert summary["online_link"] == (
        "Enter the online meeting link in full, starting with https://"
    )
