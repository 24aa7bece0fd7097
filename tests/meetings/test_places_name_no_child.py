"""Issue 11, 1: the location and online link are checked before saving against every child of
the meeting's school and every child on its agenda (any school), however the name is spelt out,
and for any date, NHS number or UPN; a refused value is kept and the reason is given."""

from __future__ import annotations

from datetime import date

import pytest

from tas.extensions import db
from tas.meetings.models import Meeting
from tests import factories
from tests.meetings.helpers import school_with_meeting
from tests.meetings.test_booking import booking, meetings_at
from tests.pages import day, error_summary, field_value
from tests.plans.helpers import child_at

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

NAME_REFUSED = (
    "must not name a child: it matches the name of a child of the school or on the agenda, and "
    "invitations and calendars show it. Leave the name out"
)


@pytest.fixture
def setting(app):
    setting = school_with_meeting()
    child_at(
        setting.school,
        first_name="Amelia",
        last_name="Khan",
        upn="A123456789012",
        date_of_birth=date(2016, 3, 14),
    )
    db.session.commit()
    return setting


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("location", "Family room (for Amelia Khan)"),
        ("location", "Amelia's mum's house"),  # first name alone
        ("location", "Room for Khan"),  # surname alone
        ("location", "A K h a n"),  # spaced out
        ("location", "amelia.khan room"),
        ("location", "akhan"),
        ("location", "Family room, re A.K. (Year 4)"),  # her initials, written as initials
        ("online_link", "https://meet.example/tas-amelia-khan-review"),
        ("online_link", "https://meet.example/akhan"),
    ],
)
def test_booking_with_a_childs_name_in_the_place_is_refused_and_kept(
    visitor, setting, field, typed
):
    visitor.sign_in(setting.dsl.email)
    before = len(meetings_at(setting.school))

    response = visitor.submit(
        "/meetings/new", booking(setting.school, setting.link_worker, **{field: typed})
    )

    assert response.status_code == 200
    words = {"location": "The location", "online_link": "The online meeting link"}[field]
    assert error_summary(response) == {field: f"{words} {NAME_REFUSED}"}
    assert field_value(response, field) == typed
    assert len(meetings_at(setting.school)) == before


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Room 4 (born 14/03/2016)", "The location must not contain a date"),
        ("Room 4, child born March 2016", "The location must not contain a date"),
        ("Room 4, 943 476 5919", "The location must not contain an NHS number"),
        ("Room B987654321098", "The location must not contain a unique pupil number (UPN)"),
    ],
)
def test_any_date_nhs_number_or_upn_is_refused_whoever_it_belongs_to(
    visitor, setting, typed, message
):
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        "/meetings/new", booking(setting.school, setting.link_worker, location=typed)
    )

    assert error_summary(response)["location"].startswith(message)
    assert field_value(response, "location") == typed


def test_a_child_on_the_agenda_from_another_school_is_looked_for_when_moving(visitor, setting):
    """A child who moved school stays on the agenda: their name is looked for too."""
    elsewhere = factories.school()
    moved = child_at(elsewhere, first_name="Ottoline", last_name="Fairweather")
    factories.agenda_item(setting.meeting, moved, setting.dsl)
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    meeting = db.session.get(Meeting, setting.meeting.id)

    response = visitor.submit(
        f"/meetings/{meeting.id}/move",
        {
            "meeting_date": day(date(2026, 12, 3)),
            "starts": "09:00",
            "ends": "10:00",
            "location": "Fairweather room",
            "online_link": "",
            "chair": str(meeting.chair_id),
            "reason": "The hall is in use",
            "version": str(meeting.version),
        },
    )

    assert error_summary(response) == {"location": f"The location {NAME_REFUSED}"}
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).location == meeting.location


def test_a_place_that_names_no_child_is_booked(visitor, setting):
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        "/meetings/new",
        booking(
            setting.school,
            setting.link_worker,
            location="Main hall",
            online_link="https://zoom.us/j/1234567890",
        ),
    )

    assert response.status_code == 302
    meeting = meetings_at(setting.school)[-1]
    assert (meeting.location, meeting.online_link) == ("Main hall", "https://zoom.us/j/1234567890")


def test_the_familys_home_address_is_not_checked_as_it_never_leaves_the_app(visitor, setting):
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        "/meetings/new",
        booking(
            setting.school,
            setting.link_worker,
            kind="taf",
            location="3 Khan Court, Leeds",
            venue_private="y",
        ),
    )

    assert response.status_code == 302
    assert meetings_at(setting.school)[-1].venue_private is True


def test_a_child_whose_name_is_in_the_place_cannot_join_the_agenda_until_it_changes(
    visitor, setting
):
    later = child_at(setting.school, first_name="Bartholomew", last_name="Ostrowski")
    setting.meeting.location = "Ostrowski suite"  # saved before the child was recorded
    db.session.commit()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        f"/meetings/{setting.meeting.id}/agenda/add",
        {"child": str(later.id), "reason": "Worries about sleep"},
    )

    assert error_summary(response)["child"].startswith(
        "The meeting's location or online link matches this child's name"
    )
