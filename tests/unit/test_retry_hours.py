"""When a reminder email may be retried: on a working day from the reminder hour, London time
(tas.outbox.rules.within_working_hours), so a passing fault never sends one at the weekend."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import LONDON
from tas.outbox.rules import within_working_hours


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # A working day after 07:00: at once.
        (london(date(2026, 11, 27), 9, 30), london(date(2026, 11, 27), 9, 30)),
        (london(date(2026, 11, 27), 23, 59), london(date(2026, 11, 27), 23, 59)),
        # Before 07:00 on a working day: at 07:00 that day.
        (london(date(2026, 11, 27), 6, 10), london(date(2026, 11, 27), 7)),
        # The weekend: Monday at 07:00.
        (london(date(2026, 11, 28), 0, 1), london(date(2026, 11, 30), 7)),
        (london(date(2026, 11, 29), 18), london(date(2026, 11, 30), 7)),
        # Christmas 2026: Friday 25, the weekend, Monday 28 (Boxing Day substitute): Tuesday.
        (london(date(2026, 12, 24), 23, 30), london(date(2026, 12, 24), 23, 30)),
        (london(date(2026, 12, 25), 8), london(date(2026, 12, 29), 7)),
        # The clocks go forward on Easter Sunday 2027 (28 March); Easter Monday is a bank
        # holiday, so Tuesday at 07:00 BST, which is 06:00 UTC.
        (london(date(2027, 3, 28), 12), datetime(2027, 3, 30, 6, 0, tzinfo=UTC)),
    ],
)
def test_a_retry_waits_for_a_working_day_from_the_reminder_hour(moment, expected):
    got = within_working_hours(moment.astimezone(UTC), 7, LONDON, ENGLAND_AND_WALES)
    assert got == expected
