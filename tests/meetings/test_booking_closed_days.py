"""A single booking or a move onto a day the school is closed (a weekend, an England and Wales
bank holiday, a half-term or the school holidays of the term dates) is a warning to confirm, as a
clash is; the same rule a termly series skips its dates by."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tas.core.school_calendar import (
    BANK_HOLIDAY,
    HALF_TERM,
    OUTSIDE_TERM,
    WEEKEND,
    TermDates,
    why_closed,
)
from tas.core.submissions import ALREADY_SAVED
from tas.extensions import db
from tas.meetings.models import Meeting
from tests import factories
from tests.conftest import csrf_from
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events, day, error_summary, field_value, page_text

CONFIRM = "Check the date, then confirm to go ahead anyway"


def booking(school, chair, on: date, **fields) -> dict:
    return {
        "school": str(school.id),
        "kind": "tas",
        "meeting_date": day(on),
        "starts": "13:30",
        "ends": "14:30",
        "location": "The library",
        "chair": str(chair.id),
        **fields,
    }


def meetings_at(school) -> list[Meeting]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.school_id == school.id).order_by(Meeting.starts_at)
        )
    )


def school_year() -> None:
    """The terms of 2026 to 2027: autumn ends 18 December, spring has a February half-term."""
    factories.term()
    factories.term(
        name="spring",
        starts_on=date(2027, 1, 5),
        ends_on=date(2027, 3, 26),
        half_term_starts_on=date(2027, 2, 15),
        half_term_ends_on=date(2027, 2, 19),
    )
    factories.term(name="summer", starts_on=date(2027, 4, 12), ends_on=date(2027, 7, 21))
    db.session.commit()


# ---------------------------------------------------------------- the rule


SPRING = TermDates(
    2026, "spring", date(2027, 1, 5), date(2027, 3, 26), date(2027, 2, 15), date(2027, 2, 19)
)


@pytest.mark.parametrize(
    ("on", "terms", "reason"),
    [
        (date(2027, 1, 16), [], WEEKEND),  # a Saturday, whether or not terms are known
        (date(2027, 1, 17), [SPRING], WEEKEND),
        (date(2027, 5, 3), [], BANK_HOLIDAY),  # May Day
        (date(2027, 2, 17), [SPRING], HALF_TERM),
        (date(2027, 1, 4), [SPRING], OUTSIDE_TERM),
        (date(2027, 1, 4), [], None),  # no term dates known for the year: only holidays count
        (date(2027, 1, 6), [SPRING], None),
    ],
)
def test_why_the_school_is_closed(on, terms, reason):
    holidays = {date(2027, 5, 3)}
    assert why_closed(on, terms, holidays) == reason


# ---------------------------------------------------------------- booking


@pytest.mark.parametrize(
    ("on", "words"),
    [
        (date(2026, 12, 12), "Saturday 12 December 2026 is at the weekend"),
        (date(2027, 5, 3), "Monday 3 May 2027 is a bank holiday (May Day)"),
        (date(2027, 2, 17), "Wednesday 17 February 2027 is in the school's half-term holiday"),
        (
            date(2026, 12, 22),
            "Tuesday 22 December 2026 is in the school holidays (outside term time)",
        ),
    ],
)
def test_a_booking_on_a_day_the_school_is_closed_is_a_warning_to_confirm(visitor, on, words):
    setting = school_with_meeting()
    school_year()
    visitor.sign_in(setting.dsl.email)
    typed = booking(setting.school, setting.dsl, on)

    warned = visitor.submit("/meetings/new", typed)

    assert warned.status_code == 200
    assert error_summary(warned) == {
        "book_on_closed_day": f"{words}: the school is closed. {CONFIRM}"
    }
    assert "The school is closed that day" in page_text(warned)
    assert field_value(warned, "starts") == "13:30"  # what was typed is kept
    assert len(meetings_at(setting.school)) == 1

    # Confirmed from the warning's own form, sent twice (a double click): booked once.
    html = warned.get_data(as_text=True)
    sent = {
        **typed,
        "book_on_closed_day": "y",
        "csrf_token": csrf_from(html),
        "submission": field_value(warned, "submission"),
    }
    confirmed = visitor.client.post("/meetings/new", data=sent)
    twice = visitor.client.post("/meetings/new", data=sent)

    assert confirmed.status_code == 302 and twice.status_code == 302
    [_first, booked] = meetings_at(setting.school)
    assert booked.starts_at.date() == on
    assert len(audit_events("meeting_booked")) == 1
    assert ALREADY_SAVED in page_text(visitor.get(twice.headers["Location"]))


def test_a_school_day_needs_no_confirmation(visitor):
    setting = school_with_meeting()
    school_year()
    visitor.sign_in(setting.dsl.email)

    booked = visitor.submit("/meetings/new", booking(setting.school, setting.dsl, date(2027, 1, 6)))

    assert booked.status_code == 302
    assert len(meetings_at(setting.school)) == 2


def test_a_clash_on_a_closed_day_asks_for_both_and_each_must_be_confirmed(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)
    saturday = date(2026, 12, 12)
    visitor.submit(
        "/meetings/new", booking(setting.school, setting.dsl, saturday, book_on_closed_day="y")
    )
    typed = booking(setting.school, setting.dsl, saturday)

    warned = visitor.submit("/meetings/new", typed)

    assert set(error_summary(warned)) == {"book_anyway", "book_on_closed_day"}
    clash_only = visitor.submit("/meetings/new", {**typed, "book_anyway": "y"})
    assert set(error_summary(clash_only)) == {"book_on_closed_day"}
    assert len(meetings_at(setting.school)) == 2

    both = visitor.submit("/meetings/new", {**typed, "book_anyway": "y", "book_on_closed_day": "y"})
    assert both.status_code == 302
    assert len(meetings_at(setting.school)) == 3


# ---------------------------------------------------------------- moving


def move(meeting, on: date, **fields) -> dict:
    return {
        "meeting_date": day(on),
        "starts": "09:00",
        "ends": "10:30",
        "location": meeting.location or "",
        "online_link": meeting.online_link or "",
        "chair": str(meeting.chair_id),
        "notes_for_attendees": meeting.notes_for_attendees or "",
        "reason": "The hall is booked",
        "version": str(meeting.version),
        **fields,
    }


def test_moving_a_meeting_onto_a_bank_holiday_is_a_warning_to_confirm(visitor):
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"
    typed = move(setting.meeting, date(2026, 12, 25))

    warned = visitor.submit(url, typed)

    assert warned.status_code == 200
    assert error_summary(warned) == {
        "move_on_closed_day": "Friday 25 December 2026 is a bank holiday (Christmas Day): the "
        f"school is closed. {CONFIRM}"
    }
    db.session.expire_all()
    assert db.session.get(Meeting, setting.meeting.id).starts_at.date() == date(2026, 12, 2)

    moved = visitor.submit(url, {**typed, "move_on_closed_day": "y"})

    assert moved.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, setting.meeting.id)
    assert (meeting.starts_at.date(), meeting.sequence) == (date(2026, 12, 25), 1)


def test_a_meeting_already_on_a_closed_day_is_not_asked_about_again(visitor):
    """Its date is unchanged: only its notes change."""
    setting = school_with_meeting()
    visitor.sign_in(setting.dsl.email)
    url = f"/meetings/{setting.meeting.id}/move"
    visitor.submit(url, move(setting.meeting, date(2026, 12, 12), move_on_closed_day="y"))
    db.session.expire_all()
    meeting = db.session.get(Meeting, setting.meeting.id)

    changed = visitor.submit(
        url, move(meeting, date(2026, 12, 12), notes_for_attendees="Bring the sign-in sheet")
    )

    assert changed.status_code == 302
