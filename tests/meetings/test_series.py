"""A school's termly series: the dates are shown first (skipped ones with the reason), then each
is booked as an ordinary meeting in one go, and the skipped dates link to booking a replacement."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import Meeting, MeetingChange, MeetingSeries, Term
from tests import factories
from tests.meetings.helpers import school_with_meeting
from tests.pages import audit_events, day, error_summary, field_value, page_text, section


def school_year() -> dict[str, Term]:
    """The 2026 to 2027 terms, with their half-terms."""
    return {
        "autumn": factories.term(
            half_term_starts_on=date(2026, 10, 26), half_term_ends_on=date(2026, 10, 30)
        ),
        "spring": factories.term(
            name="spring",
            starts_on=date(2027, 1, 5),
            ends_on=date(2027, 3, 26),
            half_term_starts_on=date(2027, 2, 15),
            half_term_ends_on=date(2027, 2, 19),
        ),
        "summer": factories.term(
            name="summer",
            starts_on=date(2027, 4, 12),
            ends_on=date(2027, 7, 21),
            half_term_starts_on=date(2027, 5, 31),
            half_term_ends_on=date(2027, 6, 4),
        ),
    }


def series_form(school, chair, /, **fields) -> dict:
    return {
        "school": str(school.id),
        "kind": "tas",
        "weekday": "0",
        "pattern": "every_n_weeks",
        "every_weeks": "1",
        "first_date": day(date(2027, 4, 19)),
        "until_term": "",
        "until_date": day(date(2027, 5, 17)),
        "per_term": "",
        "academic_year": "",
        "starts": "09:00",
        "ends": "10:30",
        "location": "The library",
        "online_link": "",
        "chair": str(chair.id),
        "notes_for_attendees": "",
        **fields,
    }


def dates_on(page) -> str:
    match = re.search(r'name="dates" value="([^"]*)"', page.get_data(as_text=True))
    assert match, "no dates to confirm"
    return match.group(1)


def series_meetings(series_id: int) -> list[Meeting]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.series_id == series_id).order_by(Meeting.starts_at)
        )
    )


def all_series() -> list[MeetingSeries]:
    db.session.expire_all()
    return list(db.session.scalars(select(MeetingSeries)))


def test_a_weekly_series_skips_the_bank_holiday_and_offers_a_replacement(visitor):
    setting = school_with_meeting()
    school_year()
    db.session.commit()
    visitor.sign_in(setting.link_worker.email)
    typed = series_form(setting.school, setting.link_worker)

    preview = visitor.submit("/meetings/series/new", typed)

    assert preview.status_code == 200
    text = page_text(preview)
    assert (
        "Nothing has been booked yet. 4 meetings will be booked, each on a Monday from 9:00am "
        "to 10:30am (UK time); 1 date will be skipped" in text
    )
    assert (
        "Meetings to book Date Other meetings at that time Monday 19 April 2027 No other "
        "meetings Monday 26 April 2027 No other meetings Monday 10 May 2027 No other meetings "
        "Monday 17 May 2027 No other meetings" in text
    )
    assert "Dates skipped Date Why Monday 3 May 2027 Bank holiday" in text
    assert all_series() == []
    assert dates_on(preview) == "2027-04-19,2027-04-26,2027-05-10,2027-05-17"

    booked = visitor.submit(
        "/meetings/series/new", {**typed, "step": "create", "dates": dates_on(preview)}
    )

    assert booked.status_code == 302
    [series] = all_series()
    assert booked.headers["Location"] == f"/meetings/series/{series.id}"
    assert (series.school_id, series.kind, series.pattern) == (
        setting.school.id,
        "tas",
        "every_n_weeks",
    )
    assert series.skipped == [{"on": "2027-05-03", "reason": "Bank holiday"}]
    assert series.settings["every_weeks"] == 1 and series.settings["starts"] == "09:00"
    meetings = series_meetings(series.id)
    # 09:00 British Summer Time is 08:00 UTC.
    assert [m.starts_at for m in meetings] == [
        datetime(2027, 4, 19, 8, 0, tzinfo=UTC),
        datetime(2027, 4, 26, 8, 0, tzinfo=UTC),
        datetime(2027, 5, 10, 8, 0, tzinfo=UTC),
        datetime(2027, 5, 17, 8, 0, tzinfo=UTC),
    ]
    assert {(m.location, m.chair_id, m.organiser_id, m.status) for m in meetings} == {
        ("The library", setting.link_worker.id, setting.link_worker.id, "scheduled")
    }
    ids = [m.id for m in meetings]
    changes = db.session.scalars(select(MeetingChange).where(MeetingChange.meeting_id.in_(ids)))
    assert sorted(c.kind for c in changes) == ["booked"] * 4
    assert [e.detail["series_id"] for e in audit_events("meeting_booked")] == [series.id] * 4
    assert audit_events("series_created")[0].detail == {
        "school_id": setting.school.id,
        "meetings": 4,
        "skipped": 1,
    }

    page = visitor.get(f"/meetings/series/{series.id}")
    text = page_text(page)
    assert "4 meetings have been booked" in text
    assert "Mondays, 9:00am to 10:30am (UK time)" in text  # as each meeting's time is written
    assert "19 April 2027 at 9:00am" in text
    assert "Dates skipped Date Why Replacement 3 May 2027 Bank holiday Book a replacement" in text
    replacement = f"/meetings/new?school={setting.school.id}&amp;date=2027-05-03"
    assert replacement in page.get_data(as_text=True)
    prefilled = visitor.get(replacement.replace("&amp;", "&"))
    assert field_value(prefilled, "meeting_date") == "3"

    shown = section(visitor.get(f"/meetings/{meetings[0].id}"), "arrangements")
    assert "This meeting is one of a termly series" in shown

    # Once the skipped date has passed, no replacement is offered: the booking would refuse it.
    with time_machine.travel(datetime(2027, 5, 4, 9, 0, tzinfo=UTC), tick=False):
        visitor.sign_in(setting.link_worker.email)  # the session of months ago has ended
        later = visitor.get(f"/meetings/series/{series.id}")
    assert "3 May 2027 Bank holiday Passed" in page_text(later)
    assert "date=2027-05-03" not in later.get_data(as_text=True)


def test_todays_date_is_skipped_once_its_start_time_has_passed(visitor):
    """The clock is 9:30am on Friday 27 November 2026. A weekly series from today at 09:00 does
    not book a meeting already waiting for its minutes, with no invitations sent: today is
    listed as skipped, with why, as a single booking refuses that time."""
    setting = school_with_meeting()
    school_year()
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    typed = series_form(
        setting.school,
        setting.link_worker,
        weekday="4",
        first_date=day(date(2026, 11, 27)),
        until_date=day(date(2026, 12, 11)),
        starts="09:00",
        ends="10:00",
    )

    preview = visitor.submit("/meetings/series/new", typed)
    created = visitor.submit(
        "/meetings/series/new", {**typed, "step": "create", "dates": dates_on(preview)}
    )

    text = page_text(preview)
    assert "2 meetings will be booked" in text and "1 date will be skipped" in text
    assert "Friday 27 November 2026 Today, but the start time has already passed" in text
    assert dates_on(preview) == "2026-12-04,2026-12-11"
    assert created.status_code == 302
    [series] = all_series()
    meetings = series_meetings(series.id)
    assert [m.starts_at.date() for m in meetings] == [date(2026, 12, 4), date(2026, 12, 11)]
    assert series.skipped == [
        {"on": "2026-11-27", "reason": "Today, but the start time has already passed"}
    ]
    page = page_text(visitor.get(f"/meetings/series/{series.id}"))
    assert "Awaiting minutes" not in page
    # Later today is still to come: today can be booked as a replacement.
    assert "27 November 2026 Today, but the start time has already passed Book a replacement" in (
        page
    )


def test_a_series_that_starts_later_today_books_today(visitor):
    setting = school_with_meeting()
    school_year()
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    typed = series_form(
        setting.school,
        setting.link_worker,
        weekday="4",
        first_date=day(date(2026, 11, 27)),
        until_date=day(date(2026, 12, 4)),
        starts="14:00",
        ends="15:00",
    )

    preview = visitor.submit("/meetings/series/new", typed)

    assert dates_on(preview) == "2026-11-27,2026-12-04"


def test_every_two_weeks_to_the_end_of_a_term_skips_half_term(visitor):
    setting = school_with_meeting()
    terms = school_year()
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    typed = series_form(
        setting.school,
        setting.link_worker,
        weekday="2",
        every_weeks="2",
        first_date=day(date(2027, 1, 4)),
        until_term=str(terms["spring"].id),
        until_date=["", "", ""],
    )

    preview = visitor.submit("/meetings/series/new", typed)

    assert dates_on(preview) == "2027-01-06,2027-01-20,2027-02-03,2027-03-03,2027-03-17"
    assert "Wednesday 17 February 2027 Half-term holiday" in page_text(preview)
    visitor.submit("/meetings/series/new", {**typed, "step": "create", "dates": dates_on(preview)})
    [series] = all_series()
    assert len(series_meetings(series.id)) == 5
    assert series.settings["until"] == "2027-03-26"


def test_a_number_of_meetings_in_each_term_of_the_year(visitor):
    setting = school_with_meeting()
    school_year()
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    typed = series_form(
        setting.school,
        setting.link_worker,
        pattern="per_term",
        weekday="1",
        per_term="2",
        academic_year="2026",
        first_date=["", "", ""],
        until_date=["", "", ""],
        starts="15:30",
        ends="16:30",
    )

    preview = visitor.submit("/meetings/series/new", typed)

    # Autumn's two (29 September and 24 November) are already past on 27 November 2026.
    assert dates_on(preview) == "2027-01-26,2027-03-09,2027-05-04,2027-06-29"
    text = page_text(preview)
    assert "Tuesday 29 September 2026 Already past" in text
    assert "Tuesday 24 November 2026 Already past" in text
    created = visitor.submit(
        "/meetings/series/new", {**typed, "step": "create", "dates": dates_on(preview)}
    )
    assert created.status_code == 302
    [series] = all_series()
    assert [m.starts_at for m in series_meetings(series.id)] == [
        datetime(2027, 1, 26, 15, 30, tzinfo=UTC),
        datetime(2027, 3, 9, 15, 30, tzinfo=UTC),
        datetime(2027, 5, 4, 14, 30, tzinfo=UTC),  # 15:30 British Summer Time
        datetime(2027, 6, 29, 14, 30, tzinfo=UTC),
    ]
    assert series.settings == {
        "weekday": 1,
        "academic_year": 2026,
        "per_term": 2,
        "starts": "15:30",
        "ends": "16:30",
    }


def test_a_clash_is_shown_in_the_preview(visitor):
    setting = school_with_meeting(
        starts_at=datetime(2027, 4, 26, 8, 30, tzinfo=UTC),
        ends_at=datetime(2027, 4, 26, 9, 30, tzinfo=UTC),
    )
    school_year()
    db.session.commit()
    visitor.sign_in(setting.dsl.email)

    preview = visitor.submit(
        "/meetings/series/new", series_form(setting.school, setting.link_worker)
    )

    assert (
        f"Monday 26 April 2027 Clash TAS meeting at {setting.school.name} "
        f"({setting.meeting.reference})" in page_text(preview)
    )


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({"pattern": ""}, {"pattern": "Select how often the meetings are"}),
        ({"weekday": "7"}, {"weekday": "Select the day of the week"}),
        ({"every_weeks": ""}, {"every_weeks": "Enter every how many weeks, like 2"}),
        (
            {"every_weeks": "two"},
            {"every_weeks": "Every how many weeks must be a whole number, like 2"},
        ),
        ({"every_weeks": "0"}, {"every_weeks": "Enter a number of weeks from 1 to 12"}),
        ({"first_date": ["", "", ""]}, {"first_date": "Enter the date of the first meeting"}),
        (
            {"first_date": day(date(2026, 11, 2))},
            {"first_date": "The date of the first meeting must be today or in the future"},
        ),
        (
            {"until_date": ["", "", ""]},
            {"until_term": "Select the term the series runs to, or enter the date it ends"},
        ),
        (
            {"until_date": day(date(2027, 4, 1))},
            {"until_date": "The series must end after its first date"},
        ),
        (
            {"first_date": day(date(2027, 7, 26)), "until_date": day(date(2027, 8, 30))},
            {
                "pattern": "None of the dates can be booked: they are all already past, outside "
                "term time or on bank holidays. Check the pattern and the term dates"
            },
        ),
        (
            {"pattern": "per_term", "per_term": ""},
            {
                "per_term": "Enter how many meetings in each term, like 3",
                "academic_year": "Select the academic year",
            },
        ),
        ({"starts": "9am"}, {"starts": "Enter the start time using the 24-hour clock, like 09:30"}),
        ({"ends": "08:00"}, {"ends": "The end time must be after the start time"}),
        ({"location": ""}, {"location": "Enter where the meeting is, or a link to join it online"}),
        ({"chair": ""}, {"chair": "Select who will chair the meeting"}),
    ],
)
def test_a_series_that_cannot_be_booked_says_what_to_put_right(visitor, changes, problems):
    setting = school_with_meeting()
    school_year()
    db.session.commit()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        "/meetings/series/new", series_form(setting.school, setting.link_worker, **changes)
    )

    assert response.status_code == 200
    assert error_summary(response) == problems
    typed = series_form(setting.school, setting.link_worker, **changes)
    assert field_value(response, "starts") == typed["starts"]
    assert field_value(response, "location") == typed["location"]
    assert all_series() == []


def test_a_series_says_every_problem_at_once(visitor):
    """The form's own errors (a time that is not one) and what the booking would refuse (no
    place, no chair, a series that ends before it begins) in one summary, in the page's
    order."""
    setting = school_with_meeting()
    school_year()
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    changes = {
        "until_date": day(date(2027, 4, 1)),
        "starts": "9am",
        "location": "",
        "chair": "",
    }

    response = visitor.submit(
        "/meetings/series/new", series_form(setting.school, setting.link_worker, **changes)
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "until_date": "The series must end after its first date",
        "starts": "Enter the start time using the 24-hour clock, like 09:30",
        "location": "Enter where the meeting is, or a link to join it online",
        "chair": "Select who will chair the meeting",
    }
    assert field_value(response, "starts") == "9am"
    assert all_series() == []


def test_a_series_for_a_school_one_does_not_book_for_checks_nothing_else(visitor):
    """Another school's series: its place and notes are never tested against that school's
    children, whatever else is wrong."""
    setting = school_with_meeting()
    other = factories.school(name="Elsewhere Academy")
    school_year()
    db.session.commit()
    visitor.sign_in(setting.dsl.email)

    response = visitor.submit(
        "/meetings/series/new",
        series_form(other, setting.link_worker, starts="9am", location=""),
    )

    assert response.status_code == 200
    summary = error_summary(response)
    assert summary["school"] == "Select the school the meeting is for"
    assert "location" not in summary and "chair" not in summary
    assert all_series() == []


def test_changing_the_series_from_the_preview_keeps_what_was_typed(visitor):
    setting = school_with_meeting()
    school_year()
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    typed = series_form(setting.school, setting.link_worker, every_weeks="3")

    preview = visitor.submit("/meetings/series/new", typed)
    back = visitor.submit("/meetings/series/new", {**typed, "step": "change", "dates": "x"})

    assert back.status_code == 200
    assert error_summary(back) == {}
    assert field_value(back, "every_weeks") == "3"
    assert field_value(back, "location") == "The library"
    assert dates_on(preview) == "2027-04-19,2027-05-10"


def test_dates_that_changed_since_the_preview_are_shown_again(visitor):
    setting = school_with_meeting()
    terms = school_year()
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    typed = series_form(setting.school, setting.link_worker)
    preview = visitor.submit("/meetings/series/new", typed)
    summer = db.session.get(Term, terms["summer"].id)
    summer.half_term_starts_on, summer.half_term_ends_on = date(2027, 4, 26), date(2027, 4, 30)
    db.session.commit()

    response = visitor.submit(
        "/meetings/series/new", {**typed, "step": "create", "dates": dates_on(preview)}
    )

    assert response.status_code == 200
    assert "The dates have changed since you checked them" in page_text(response)
    assert "Monday 26 April 2027 Half-term holiday" in page_text(response)
    assert all_series() == []


@pytest.mark.parametrize("role", ["coordinator", "practitioner", "gp", "school_staff"])
def test_only_people_who_book_meetings_set_up_a_series(login_as, role):
    school_year()
    browser = login_as(role)
    assert browser.get("/meetings/series/new").status_code == 403
    assert browser.submit("/meetings/series/new", {}, page="/").status_code == 403


def test_a_series_page_is_not_for_a_dsl_or_coordinator_of_another_school_nor_a_missing_series(
    visitor, login_as
):
    setting = school_with_meeting()
    school_year()
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    typed = series_form(setting.school, setting.link_worker)
    preview = visitor.submit("/meetings/series/new", typed)
    visitor.submit("/meetings/series/new", {**typed, "step": "create", "dates": dates_on(preview)})
    [series] = all_series()

    assert login_as("dsl").get(f"/meetings/series/{series.id}").status_code == 404
    assert login_as("coordinator").get(f"/meetings/series/{series.id}").status_code == 404
    worker = login_as("link_worker", linked_schools=[setting.school])
    assert worker.get(f"/meetings/series/{series.id}").status_code == 200
    assert worker.get("/meetings/series/987654").status_code == 404


def test_each_meeting_of_a_series_is_moved_or_cancelled_on_its_own(visitor):
    setting = school_with_meeting()
    school_year()
    db.session.commit()
    visitor.sign_in(setting.dsl.email)
    typed = series_form(setting.school, setting.link_worker)
    preview = visitor.submit("/meetings/series/new", typed)
    visitor.submit("/meetings/series/new", {**typed, "step": "create", "dates": dates_on(preview)})
    [series] = all_series()
    first, second, *_rest = series_meetings(series.id)

    cancelled = visitor.submit(
        f"/meetings/{second.id}/cancel", {"reason": "Staff training day", "version": "1"}
    )

    assert cancelled.status_code == 302
    statuses = [m.status for m in series_meetings(series.id)]
    assert statuses == ["scheduled", "cancelled", "scheduled", "scheduled"]
    assert "Cancelled" in page_text(visitor.get(f"/meetings/series/{series.id}"))
    assert first.sequence == 0
