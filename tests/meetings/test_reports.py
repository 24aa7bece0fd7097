"""Attendance per agency per term, from one query: numbers a person can check by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tas.core.clock import local
from tas.extensions import db
from tas.meetings.lists.reports import AgencyAttendance, attendance_by_agency, london_date
from tas.meetings.models import Meeting
from tests import factories


def on(day: date, hour: int = 9) -> dict:
    starts = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return {"starts_at": starts, "ends_at": starts + timedelta(hours=1)}


@pytest.fixture
def partnership(app):
    """Two schools, three agencies, two terms, and meetings whose invitations are counted below.

    Autumn (3 Sep to 18 Dec 2026), held meetings only:
      Oak 7 Oct:  FiM attended, 0-19 apologies,           CAMHS did not attend
      Oak 4 Nov:  FiM apologies with update, 0-19 attended, CAMHS attended (+ a removed one)
      Elm 11 Nov: FiM attended, 0-19 not recorded, Nia (0-19, named) attended
    Not counted: Oak 2 Dec still scheduled, Oak 9 Dec cancelled.
    Holidays: Oak 22 Dec held, FiM attended. Spring (4 Jan to 26 Mar 2027): Oak 13 Jan held,
    FiM attended.
    """
    oak, elm = factories.school(name="Oak"), factories.school(name="Elm")
    dsl = factories.user("dsl", school=oak)
    fim = factories.agency(name="Future in Mind")
    nursing = factories.agency(name="0-19 Service", service_type="zero_to_nineteen")
    camhs = factories.agency(name="CAMHS", service_type="camhs")
    nia = factories.user("practitioner", agency=nursing)
    autumn = factories.term()
    spring = factories.term(name="spring", starts_on=date(2027, 1, 4), ends_on=date(2027, 3, 26))
    db.session.flush()

    def held(school, day, *invited, status="held"):
        meeting = factories.meeting(school, dsl, status=status, **on(day))
        for agency, attendance, *extra in invited:
            fields = {"agency": agency} if agency is not None else {}
            factories.invitation(meeting, dsl, attendance=attendance, **fields, **dict(extra))
        return meeting

    held(
        oak, date(2026, 10, 7), (fim, "attended"), (nursing, "apologies"), (camhs, "did_not_attend")
    )
    held(
        oak,
        date(2026, 11, 4),
        (fim, "apologies_with_update"),
        (nursing, "attended"),
        (camhs, "attended"),
        (camhs, None, ("removed_at", datetime(2026, 11, 1, tzinfo=UTC))),
    )
    held(
        elm,
        date(2026, 11, 11),
        (fim, "attended"),
        (nursing, None),
        (None, "attended", ("representative", nia)),
    )
    held(oak, date(2026, 12, 2), (fim, None), status="scheduled")
    held(oak, date(2026, 12, 9), (fim, None), status="cancelled")
    held(oak, date(2026, 12, 22), (fim, "attended"))
    held(oak, date(2027, 1, 13), (fim, "attended"))
    db.session.commit()
    return {
        "oak": oak,
        "elm": elm,
        "fim": fim,
        "nursing": nursing,
        "camhs": camhs,
        "autumn": autumn,
        "spring": spring,
    }


def figures(rows: list[AgencyAttendance]) -> list[tuple]:
    return [
        (
            row.term_id,
            row.agency_name,
            row.invited,
            row.attended,
            row.apologies,
            row.apologies_with_update,
            row.did_not_attend,
            row.not_recorded,
        )
        for row in rows
    ]


def test_attendance_per_agency_per_term_from_one_query(partnership, count_queries):
    autumn, spring = partnership["autumn"].id, partnership["spring"].id

    with count_queries() as statements:
        rows = attendance_by_agency([autumn, spring])

    assert len(statements) == 1
    # term, agency, invited, attended, apologies, with update, did not attend, not recorded
    assert figures(rows) == [
        (autumn, "0-19 Service", 4, 2, 1, 0, 0, 1),
        (autumn, "CAMHS", 2, 1, 0, 0, 1, 0),
        (autumn, "Future in Mind", 3, 2, 0, 1, 0, 0),
        (spring, "Future in Mind", 1, 1, 0, 0, 0, 0),
    ]
    nursing = rows[0]
    assert nursing.agency_id == partnership["nursing"].id
    assert nursing.attendance_rate == pytest.approx(2 / 3)


def test_one_term_and_one_school(partnership):
    autumn = partnership["autumn"].id

    rows = attendance_by_agency([autumn], school_ids=[partnership["elm"].id])

    assert figures(rows) == [
        (autumn, "0-19 Service", 2, 1, 0, 0, 0, 1),
        (autumn, "Future in Mind", 1, 1, 0, 0, 0, 0),
    ]


def test_a_date_range_puts_meetings_outside_every_term_last(partnership, count_queries):
    with count_queries() as statements:
        rows = attendance_by_agency(between=(date(2026, 12, 1), date(2027, 1, 31)))

    assert len(statements) == 1
    assert figures(rows) == [
        (partnership["spring"].id, "Future in Mind", 1, 1, 0, 0, 0, 0),
        (None, "Future in Mind", 1, 1, 0, 0, 0, 0),
    ]


def test_no_held_meetings_gives_no_rows(app):
    term = factories.term()
    db.session.commit()

    assert attendance_by_agency([term.id]) == []
    assert attendance_by_agency([]) == []


def test_terms_or_dates_must_be_given_not_both(app):
    with pytest.raises(ValueError):
        attendance_by_agency()
    with pytest.raises(ValueError):
        attendance_by_agency([1], between=(date(2026, 9, 1), date(2026, 9, 2)))


def test_a_meeting_belongs_to_the_term_of_its_london_date(app):
    """00:30 on 3 September in London is still 2 September in UTC (British Summer Time)."""
    dsl = factories.user("dsl")
    term = factories.term(starts_on=date(2026, 9, 3), ends_on=date(2026, 12, 18))
    fim = factories.agency(name="Future in Mind")
    db.session.flush()
    for starts in (
        datetime(2026, 9, 2, 23, 30, tzinfo=UTC),
        datetime(2026, 9, 2, 22, 59, tzinfo=UTC),
    ):
        meeting = factories.meeting(
            dsl.school, dsl, status="held", starts_at=starts, ends_at=starts + timedelta(minutes=30)
        )
        factories.invitation(meeting, dsl, agency=fim, attendance="attended")
    db.session.commit()

    [row] = attendance_by_agency([term.id])

    assert (row.invited, row.attended) == (1, 1)


CLOCK_CHANGES = [
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 3, 29, 23, 30, tzinfo=UTC),
    datetime(2026, 9, 2, 23, 30, tzinfo=UTC),
    datetime(2026, 10, 24, 23, 30, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 59, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 23, 30, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
    datetime(2027, 3, 27, 23, 30, tzinfo=UTC),
    datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
    datetime(2027, 3, 28, 23, 30, tzinfo=UTC),
    datetime(2027, 10, 30, 23, 30, tzinfo=UTC),
    datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
    datetime(2027, 10, 31, 23, 30, tzinfo=UTC),
    datetime(2030, 3, 30, 23, 30, tzinfo=UTC),
    datetime(2030, 3, 31, 23, 30, tzinfo=UTC),
]


def test_the_london_date_in_sql_matches_python_around_every_clock_change(app):
    dsl = factories.user("dsl")
    for starts in CLOCK_CHANGES:
        factories.meeting(dsl.school, dsl, starts_at=starts, ends_at=starts + timedelta(hours=1))
    db.session.commit()

    rows = db.session.execute(
        select(Meeting.starts_at, london_date(Meeting.starts_at)).order_by(Meeting.id)
    ).all()

    assert [on for _, on in rows] == [local(starts).date() for starts in CLOCK_CHANGES]
