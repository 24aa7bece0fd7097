"""The dates of a termly series: in term time, never on a bank holiday, skipped dates listed."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.school_calendar import BANK_HOLIDAY, HALF_TERM, OUTSIDE_TERM, TermDates
from tas.meetings.series import rules
from tas.meetings.series.rules import PatternProblem, Skipped

MON, TUE, WED, THU, FRI = range(5)

# Academic year 2025 to 2026, and 2026 to 2027 (as a coordinator would enter them).
SUMMER_2026 = TermDates(
    2025, "summer", date(2026, 4, 13), date(2026, 7, 22), date(2026, 5, 25), date(2026, 5, 29)
)
AUTUMN_2026 = TermDates(
    2026, "autumn", date(2026, 9, 3), date(2026, 12, 18), date(2026, 10, 26), date(2026, 10, 30)
)
SPRING_2027 = TermDates(
    2026, "spring", date(2027, 1, 5), date(2027, 3, 26), date(2027, 2, 15), date(2027, 2, 19)
)
SUMMER_2027 = TermDates(
    2026, "summer", date(2027, 4, 12), date(2027, 7, 21), date(2027, 5, 31), date(2027, 6, 4)
)
SPRING_2028 = TermDates(
    2027, "spring", date(2028, 1, 4), date(2028, 3, 31), date(2028, 2, 14), date(2028, 2, 18)
)
TERMS = (SUMMER_2026, AUTUMN_2026, SPRING_2027, SUMMER_2027, SPRING_2028)


def weekly(start, weekday, until, every=1):
    return rules.every_n_weeks(start, weekday, every, until, TERMS, ENGLAND_AND_WALES)


def test_the_early_may_bank_holiday_in_term_is_skipped_and_listed():
    found = weekly(date(2026, 4, 27), MON, date(2026, 5, 18))
    assert found.dates == [date(2026, 4, 27), date(2026, 5, 11), date(2026, 5, 18)]
    assert found.skipped == [Skipped(date(2026, 5, 4), BANK_HOLIDAY)]


def test_the_spring_bank_holiday_counts_as_a_bank_holiday_even_in_half_term():
    found = weekly(date(2026, 5, 18), MON, date(2026, 6, 8))
    assert found.dates == [date(2026, 5, 18), date(2026, 6, 1), date(2026, 6, 8)]
    assert found.skipped == [Skipped(date(2026, 5, 25), BANK_HOLIDAY)]


def test_the_august_bank_holiday_and_the_summer_holiday_are_skipped():
    found = weekly(date(2026, 8, 17), MON, date(2026, 9, 14))
    assert found.dates == [date(2026, 9, 7), date(2026, 9, 14)]
    assert found.skipped == [
        Skipped(date(2026, 8, 17), OUTSIDE_TERM),
        Skipped(date(2026, 8, 24), OUTSIDE_TERM),
        Skipped(date(2026, 8, 31), BANK_HOLIDAY),
    ]


def test_half_term_is_outside_term_time():
    found = weekly(date(2026, 10, 19), WED, date(2026, 11, 4))
    assert found.dates == [date(2026, 10, 21), date(2026, 11, 4)]
    assert found.skipped == [Skipped(date(2026, 10, 28), HALF_TERM)]
    assert rules.in_term(date(2026, 10, 23), TERMS)
    assert not rules.in_term(date(2026, 10, 26), TERMS)
    assert not rules.in_term(date(2026, 10, 30), TERMS)
    assert rules.in_term(date(2026, 11, 2), TERMS)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 9, 2), False),  # the day before the first day
        (date(2026, 9, 3), True),  # the first day
        (date(2026, 12, 18), True),  # the last day
        (date(2026, 12, 19), False),
        (date(2027, 1, 4), False),
        (date(2027, 1, 5), True),
    ],
)
def test_the_first_and_last_days_of_a_term_are_in_term(day, expected):
    assert rules.in_term(day, TERMS) is expected


def test_term_boundaries_and_christmas():
    found = weekly(date(2026, 8, 27), THU, date(2026, 9, 10))
    assert found.dates == [date(2026, 9, 3), date(2026, 9, 10)]
    assert found.skipped == [Skipped(date(2026, 8, 27), OUTSIDE_TERM)]

    found = weekly(date(2026, 12, 11), FRI, date(2027, 1, 8))
    assert found.dates == [date(2026, 12, 11), date(2026, 12, 18), date(2027, 1, 8)]
    assert found.skipped == [
        Skipped(date(2026, 12, 25), BANK_HOLIDAY),
        Skipped(date(2027, 1, 1), BANK_HOLIDAY),
    ]


def test_every_two_weeks_starts_on_the_first_weekday_on_or_after_the_start():
    found = weekly(date(2026, 11, 5), TUE, date(2026, 12, 18), every=2)
    assert found.dates == [date(2026, 11, 10), date(2026, 11, 24), date(2026, 12, 8)]
    assert found.skipped == []


def test_leap_day_is_an_ordinary_school_day():
    found = weekly(date(2028, 2, 22), TUE, date(2028, 3, 7))
    assert found.dates == [date(2028, 2, 22), date(2028, 2, 29), date(2028, 3, 7)]
    assert rules.in_term(date(2028, 2, 29), TERMS)
    found = weekly(date(2028, 2, 1), TUE, date(2028, 3, 31), every=4)
    assert found.dates == [date(2028, 2, 1), date(2028, 2, 29), date(2028, 3, 28)]
    assert found.skipped == []


def test_the_summer_holiday_and_a_year_without_term_dates():
    found = weekly(date(2027, 7, 12), MON, date(2027, 8, 9), every=4)
    assert found.dates == [date(2027, 7, 12)]
    assert found.skipped == [Skipped(date(2027, 8, 9), OUTSIDE_TERM)]

    found = weekly(date(2029, 9, 3), MON, date(2029, 9, 10))
    assert found.dates == []
    assert found.skipped == [
        Skipped(date(2029, 9, 3), "No term dates entered for 2029 to 2030"),
        Skipped(date(2029, 9, 10), "No term dates entered for 2029 to 2030"),
    ]


def test_a_term_entered_without_a_half_term_has_no_holiday_inside():
    whole = TermDates(2030, "autumn", date(2030, 9, 2), date(2030, 12, 20))
    assert rules.in_term(date(2030, 10, 28), [whole])


@pytest.mark.parametrize(
    ("start", "every", "until", "problems"),
    [
        (
            date(2026, 9, 7),
            0,
            date(2026, 12, 1),
            {"every_weeks": "Enter a number of weeks from 1 to 12"},
        ),
        (
            date(2026, 9, 7),
            13,
            date(2026, 12, 1),
            {"every_weeks": "Enter a number of weeks from 1 to 12"},
        ),
        (
            date(2026, 9, 7),
            1,
            date(2026, 9, 1),
            {"until_date": "The series must end after its first date"},
        ),
        (
            date(2026, 9, 7),
            1,
            date(2027, 9, 9),
            {"until_date": "A series can run for a year at most: choose an earlier end"},
        ),
    ],
)
def test_a_pattern_that_cannot_give_dates_says_what_to_put_right(start, every, until, problems):
    with pytest.raises(PatternProblem) as refused:
        weekly(start, MON, until, every=every)
    assert refused.value.problems == problems


def test_evenly_spaced_takes_the_middle_of_equal_parts():
    assert rules.evenly_spaced(list(range(15)), 3) == [2, 7, 12]
    assert rules.evenly_spaced(list(range(12)), 3) == [2, 6, 10]
    assert rules.evenly_spaced(list(range(10)), 2) == [2, 7]
    assert rules.evenly_spaced(list(range(5)), 5) == [0, 1, 2, 3, 4]
    assert rules.evenly_spaced(list(range(12)), 1) == [6]


def test_three_a_term_evenly_spaced_with_half_terms_and_bank_holidays_skipped():
    year = (SUMMER_2027, AUTUMN_2026, SPRING_2027)  # in any order
    found = rules.per_term(year, WED, 3, ENGLAND_AND_WALES)
    # Autumn: 15 Wednesdays, 9 Sep to 16 Dec: the 3rd, 8th and 13th.
    # Spring: 12 Wednesdays, 6 Jan to 24 Mar: the 3rd, 7th and 11th.
    # Summer: 15 Wednesdays, 14 Apr to 21 Jul: the 3rd, 8th and 13th.
    assert found.dates == [
        date(2026, 9, 23),
        date(2026, 12, 2),
        date(2027, 1, 20),
        date(2027, 3, 17),
        date(2027, 4, 28),
        date(2027, 7, 7),
    ]
    assert found.skipped == [
        Skipped(date(2026, 10, 28), HALF_TERM),
        Skipped(date(2027, 2, 17), HALF_TERM),
        Skipped(date(2027, 6, 2), HALF_TERM),
    ]


def test_per_term_dates_by_hand():
    found = rules.per_term((AUTUMN_2026,), WED, 3, ENGLAND_AND_WALES)
    assert found.dates == [date(2026, 9, 23), date(2026, 12, 2)]
    assert found.skipped == [Skipped(date(2026, 10, 28), HALF_TERM)]

    found = rules.per_term((SPRING_2027,), WED, 4, ENGLAND_AND_WALES)
    # 12 Wednesdays: the 2nd, 5th, 8th and 11th.
    assert found.dates == [
        date(2027, 1, 13),
        date(2027, 2, 3),
        date(2027, 2, 24),
        date(2027, 3, 17),
    ]
    assert found.skipped == []

    found = rules.per_term((SUMMER_2026,), MON, 2, ENGLAND_AND_WALES)
    # 15 Mondays, 13 Apr to 20 Jul: the 4th (4 May, a bank holiday) and the 12th (29 Jun).
    assert found.dates == [date(2026, 6, 29)]
    assert found.skipped == [Skipped(date(2026, 5, 4), BANK_HOLIDAY)]


def test_per_term_in_a_leap_year_spring_term():
    found = rules.per_term((SPRING_2028,), TUE, 2, ENGLAND_AND_WALES)
    # 13 Tuesdays, 4 Jan to 28 Mar 2028: the 4th (25 Jan) and the 10th (7 Mar).
    assert found.dates == [date(2028, 1, 25), date(2028, 3, 7)]


def test_per_term_refuses_more_meetings_than_the_term_has_weekdays():
    short = TermDates(2026, "summer", date(2027, 7, 12), date(2027, 7, 21))
    with pytest.raises(PatternProblem) as refused:
        rules.per_term((short,), MON, 3, ENGLAND_AND_WALES)
    assert refused.value.problems == {
        "per_term": "The summer term has only 2 Mondays: choose 2 or fewer meetings a term, "
        "or another weekday"
    }
    with pytest.raises(PatternProblem) as refused:
        rules.per_term((), MON, 3, ENGLAND_AND_WALES)
    assert refused.value.problems == {
        "academic_year": "Select an academic year with term dates entered"
    }


def test_times_are_local_on_both_sides_of_the_clock_change():
    found = weekly(date(2026, 10, 19), MON, date(2026, 11, 2))
    booked, skipped = rules.timed(found, time(9, 0), time(10, 30), ZoneInfo("Europe/London"))
    assert [(t.on, t.starts_at, t.ends_at) for t in booked] == [
        (
            date(2026, 10, 19),
            datetime(2026, 10, 19, 8, 0, tzinfo=UTC),
            datetime(2026, 10, 19, 9, 30, tzinfo=UTC),
        ),
        (
            date(2026, 11, 2),
            datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
            datetime(2026, 11, 2, 10, 30, tzinfo=UTC),
        ),
    ]
    assert skipped == [Skipped(date(2026, 10, 26), HALF_TERM)]


def test_dates_already_past_are_skipped():
    found = rules.every_n_weeks(
        date(2026, 11, 16), MON, 1, date(2026, 12, 7), TERMS, ENGLAND_AND_WALES, date(2026, 11, 27)
    )
    assert found.dates == [date(2026, 11, 30), date(2026, 12, 7)]
    assert found.skipped == [
        Skipped(date(2026, 11, 16), rules.PAST),
        Skipped(date(2026, 11, 23), rules.PAST),
    ]
    found = rules.per_term((AUTUMN_2026,), WED, 3, ENGLAND_AND_WALES, date(2026, 12, 2))
    assert found.dates == [date(2026, 12, 2)]
    assert [s.reason for s in found.skipped] == [rules.PAST, rules.PAST]


def test_todays_date_is_skipped_once_its_start_time_has_passed():
    """Set up at 00:27 (GMT) on Monday 30 November, a weekly series at 00:05: today's date is
    listed as skipped, not booked already waiting for its minutes; at 23:00 it is booked."""
    found = weekly(date(2026, 11, 30), MON, date(2026, 12, 7))
    london = ZoneInfo("Europe/London")
    now = datetime(2026, 11, 30, 0, 27, tzinfo=UTC)

    started, skipped = rules.timed(found, time(0, 5), time(0, 20), london, now)
    later, none_skipped = rules.timed(found, time(23, 0), time(23, 30), london, now)

    assert [t.on for t in started] == [date(2026, 12, 7)]
    assert skipped == [Skipped(date(2026, 11, 30), rules.STARTED)]
    assert rules.STARTED == "Today, but the start time has already passed"
    assert [t.on for t in later] == [date(2026, 11, 30), date(2026, 12, 7)]
    assert none_skipped == []
    # A start exactly now has started: the meeting would wait for its minutes at once.
    exactly, _ = rules.timed(found, time(0, 27), time(1, 0), london, now)
    assert [t.on for t in exactly] == [date(2026, 12, 7)]
