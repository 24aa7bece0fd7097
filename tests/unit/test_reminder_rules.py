"""The pure reminder rules: the schedule before a due day, the one reminder due on a day (with
catch-up after downtime), the week's first working day, and the subject line."""

from datetime import date, timedelta

import pytest

from tas.core.bank_holidays import ENGLAND_AND_WALES as HOLIDAYS
from tas.core.days import is_working_day, previous_working_day, subtract_working_days
from tas.reminders.rules import (
    BEFORE_1,
    BEFORE_5,
    DUE,
    OVERDUE,
    first_working_day_of_week,
    reminded_when,
    reminder_due,
    schedule,
    subject,
)

D = date


@pytest.mark.parametrize(
    ("due_on", "expected"),
    [
        # An ordinary week: Wednesday 9 December 2026.
        (
            D(2026, 12, 9),
            [(D(2026, 12, 2), BEFORE_5), (D(2026, 12, 8), BEFORE_1), (D(2026, 12, 9), DUE)],
        ),
        # A Monday: the day before is the Friday.
        (
            D(2026, 12, 7),
            [(D(2026, 11, 30), BEFORE_5), (D(2026, 12, 4), BEFORE_1), (D(2026, 12, 7), DUE)],
        ),
        # Across Christmas: 25 and 28 December 2026 and 1 January 2027 are bank holidays.
        (
            D(2026, 12, 30),
            [(D(2026, 12, 21), BEFORE_5), (D(2026, 12, 29), BEFORE_1), (D(2026, 12, 30), DUE)],
        ),
        (
            D(2027, 1, 4),
            [(D(2026, 12, 23), BEFORE_5), (D(2026, 12, 31), BEFORE_1), (D(2027, 1, 4), DUE)],
        ),
        # Due on a bank holiday (Good Friday 2027): "due" goes the working day before, replacing
        # the one-day reminder.
        (D(2027, 3, 26), [(D(2027, 3, 19), BEFORE_5), (D(2027, 3, 25), DUE)]),
        # Due on a Saturday: "due" goes on the Friday.
        (D(2026, 12, 12), [(D(2026, 12, 7), BEFORE_5), (D(2026, 12, 11), DUE)]),
        # A leap day.
        (
            D(2028, 2, 29),
            [(D(2028, 2, 22), BEFORE_5), (D(2028, 2, 28), BEFORE_1), (D(2028, 2, 29), DUE)],
        ),
    ],
)
def test_the_schedule_before_a_due_day(due_on, expected):
    assert schedule(due_on, HOLIDAYS) == expected


def test_schedule_days_are_all_working_days():
    day = D(2026, 1, 1)
    while day < D(2028, 1, 1):
        for sent_on, _ in schedule(day, HOLIDAYS):
            assert is_working_day(sent_on, HOLIDAYS), (day, sent_on)
            assert sent_on <= day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 12, 18), None),  # more than 5 working days before
        (D(2026, 12, 21), (D(2026, 12, 21), BEFORE_5)),
        (D(2026, 12, 22), (D(2026, 12, 21), BEFORE_5)),  # catch-up after a missed Monday
        (D(2026, 12, 24), (D(2026, 12, 21), BEFORE_5)),
        (D(2026, 12, 25), None),  # Christmas Day: nothing goes
        (D(2026, 12, 26), None),  # Saturday
        (D(2026, 12, 28), None),  # Boxing Day (substitute) bank holiday
        (D(2026, 12, 29), (D(2026, 12, 29), BEFORE_1)),
        (D(2026, 12, 30), (D(2026, 12, 30), DUE)),
        (D(2026, 12, 31), (D(2026, 12, 31), OVERDUE)),
        (D(2027, 1, 1), None),  # New Year's Day
        (D(2027, 1, 2), None),
        (D(2027, 1, 4), (D(2027, 1, 4), OVERDUE)),  # after the holiday: one, for today
    ],
)
def test_the_one_reminder_due_on_a_day(today, expected):
    assert reminder_due(D(2026, 12, 30), today, HOLIDAYS) == expected


def test_after_downtime_only_the_latest_reminder_that_fell_due_is_returned():
    # Down from Monday 21 to Wednesday 30 December: the passes on those days never ran. The
    # first pass afterwards gets one reminder, the "due today" one, not three.
    assert reminder_due(D(2026, 12, 30), D(2026, 12, 30), HOLIDAYS) == (D(2026, 12, 30), DUE)
    # Restarted the day after: the overdue reminder for that day, one message.
    assert reminder_due(D(2026, 12, 30), D(2026, 12, 31), HOLIDAYS) == (
        D(2026, 12, 31),
        OVERDUE,
    )


def test_a_due_day_on_a_holiday_is_overdue_from_the_next_working_day():
    good_friday = D(2027, 3, 26)
    assert reminder_due(good_friday, D(2027, 3, 25), HOLIDAYS) == (D(2027, 3, 25), DUE)
    assert reminder_due(good_friday, good_friday, HOLIDAYS) is None
    assert reminder_due(good_friday, D(2027, 3, 29), HOLIDAYS) is None  # Easter Monday
    assert reminder_due(good_friday, D(2027, 3, 30), HOLIDAYS) == (D(2027, 3, 30), OVERDUE)


def test_nothing_ever_goes_on_a_weekend_or_bank_holiday():
    due = D(2026, 12, 30)
    day = D(2026, 12, 1)
    while day < D(2027, 2, 1):
        if not is_working_day(day, HOLIDAYS):
            assert reminder_due(due, day, HOLIDAYS) is None
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 12, 14), D(2026, 12, 14)),  # a Monday is its own week's first working day
        (D(2026, 12, 18), D(2026, 12, 14)),
        (D(2026, 12, 28), None),  # bank holiday Monday: no working day yet this week
        (D(2026, 12, 29), D(2026, 12, 29)),  # the Tuesday after it
        (D(2027, 1, 2), D(2026, 12, 29)),  # the Saturday of that week
        (D(2027, 1, 1), D(2026, 12, 29)),
        (D(2027, 3, 30), D(2027, 3, 30)),  # after Easter Monday
        (D(2027, 4, 1), D(2027, 3, 30)),
        (D(2027, 1, 4), D(2027, 1, 4)),
    ],
)
def test_the_weeks_first_working_day(today, expected):
    assert first_working_day_of_week(today, HOLIDAYS) == expected


@pytest.mark.parametrize(
    ("kind", "due_on", "today", "expected"),
    [
        (
            OVERDUE,
            D(2026, 12, 3),
            D(2026, 12, 4),
            "Overdue: plan review for TAS-0042 was due 3 December",
        ),
        (
            OVERDUE,
            D(2026, 12, 30),
            D(2027, 1, 4),
            "Overdue: plan review for TAS-0042 was due 30 December 2026",
        ),
        (DUE, D(2026, 12, 3), D(2026, 12, 3), "Reminder: plan review for TAS-0042 is due today"),
        (
            BEFORE_1,
            D(2026, 12, 3),
            D(2026, 12, 2),
            "Reminder: plan review for TAS-0042 is due 3 December",
        ),
        (
            BEFORE_5,
            D(2027, 1, 4),
            D(2026, 12, 24),
            "Reminder: plan review for TAS-0042 is due 4 January 2027",
        ),
    ],
)
def test_subjects_say_reminder_or_overdue_what_and_the_reference(kind, due_on, today, expected):
    assert subject(kind, "plan review", "TAS-0042", due_on, today) == expected


def test_working_days_before_skip_weekends_and_bank_holidays():
    assert subtract_working_days(D(2027, 1, 4), 1, HOLIDAYS) == D(2026, 12, 31)
    assert subtract_working_days(D(2027, 1, 4), 5, HOLIDAYS) == D(2026, 12, 23)
    assert previous_working_day(D(2026, 12, 28), HOLIDAYS) == D(2026, 12, 24)
    assert previous_working_day(D(2026, 12, 24), HOLIDAYS) == D(2026, 12, 24)


@pytest.mark.parametrize(
    ("opened_on", "due_on", "words"),
    [
        # Opened in good time: the whole schedule.
        (
            D(2026, 11, 16),
            D(2026, 12, 4),
            "5 working days and 1 working day before the due date, on the day, and each "
            "working day while it is overdue",
        ),
        # An IFD decision due the working day after its referral: never 5 days before.
        (
            D(2026, 11, 26),
            D(2026, 11, 27),
            "1 working day before the due date, on the day, and each working day while it is "
            "overdue",
        ),
        # Opened 3 working days before: the 5-day reminder catches up once, when it opens.
        (
            D(2026, 11, 24),
            D(2026, 11, 27),
            "once when it opens, 1 working day before the due date, on the day, and each "
            "working day while it is overdue",
        ),
        (
            D(2026, 11, 27),
            D(2026, 11, 27),
            "on the due date and each working day while it is overdue",
        ),
        (D(2026, 11, 30), D(2026, 11, 27), "each working day while it is overdue"),
        # Due on a Saturday: the reminder 'on the day' goes on the Friday before.
        (
            D(2026, 11, 16),
            D(2026, 12, 5),
            "5 working days before the due date, on the last working day before the due date, "
            "and each working day while it is overdue",
        ),
    ],
)
def test_when_reminders_go_in_words_is_what_the_schedule_sends(opened_on, due_on, words):
    assert reminded_when(opened_on, due_on, HOLIDAYS) == words
