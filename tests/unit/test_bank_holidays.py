"""Working and school days skip England and Wales bank holidays (from the holidays package)."""

from datetime import date

import pytest

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.days import add_working_days


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2027, 1, 1),
        date(2027, 3, 26),
        date(2026, 8, 31),
    ],
)
def test_bank_holidays_of_england_and_wales(day):
    assert day in ENGLAND_AND_WALES


@pytest.mark.parametrize("day", [date(2026, 12, 24), date(2026, 3, 17), date(2027, 7, 12)])
def test_ordinary_days_and_other_nations_holidays_are_not(day):
    # 17 March (St Patrick's Day) and 12 July are holidays in Northern Ireland only.
    assert day not in ENGLAND_AND_WALES


@pytest.mark.parametrize("add_days", [add_working_days, add_working_days])
@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Christmas 2026: Friday 25 and the substitute Boxing Day, Monday 28, are skipped.
        (date(2026, 12, 23), 2, date(2026, 12, 29)),
        (date(2026, 12, 24), 5, date(2027, 1, 5)),  # New Year's Day skipped too
        # Easter 2027: Good Friday 26 March and Easter Monday 29 March.
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        (date(2026, 11, 27), 5, date(2026, 12, 4)),  # an ordinary week
    ],
)
def test_due_dates_skip_weekends_and_bank_holidays(add_days, start, days, due):
    assert add_days(start, days, ENGLAND_AND_WALES) == due
