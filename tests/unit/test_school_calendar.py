"""School days skip weekends, bank holidays and, where term dates are known, school holidays."""

from __future__ import annotations

from datetime import date

import pytest

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.days import academic_year, add_working_days
from tas.core.school_calendar import SchoolClosures

AUTUMN_2026 = ((date(2026, 9, 3), date(2026, 10, 23)), (date(2026, 11, 2), date(2026, 12, 18)))


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2026, 9, 1), 2026), (date(2026, 8, 31), 2025), (date(2027, 1, 4), 2026)],
)
def test_the_academic_year_starts_in_september(day, year):
    assert academic_year(day) == year


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Inside term, no holiday: a plain working week.
        (date(2026, 11, 16), date(2026, 11, 23)),
        # Over half term (26-30 October).
        (date(2026, 10, 23), date(2026, 11, 6)),
        # Over Christmas: 17 and 18 December, then the spring term from 5 January.
        (date(2026, 12, 16), date(2027, 1, 7)),
    ],
)
def test_school_days_skip_school_holidays_when_terms_are_known(start, expected):
    spring = (date(2027, 1, 5), date(2027, 3, 26))
    closures = SchoolClosures.of(ENGLAND_AND_WALES, [*AUTUMN_2026, spring])
    assert add_working_days(start, 5, closures) == expected


def test_a_year_without_term_dates_counts_only_bank_holidays():
    closures = SchoolClosures.of(ENGLAND_AND_WALES, AUTUMN_2026)
    # Summer 2026 belongs to academic year 2025-26, which has no terms entered.
    assert date(2026, 8, 3) not in closures
    assert date(2026, 8, 31) in closures  # summer bank holiday
    assert date(2026, 10, 27) in closures  # half term of a year with terms
    assert date(2026, 10, 22) not in closures
    assert "2026-10-27" not in closures
