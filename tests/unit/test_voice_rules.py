"""The pure rules of a concern raised by a child's words: its same-working-day deadline (at
16:59 and 17:00 on a Friday, across bank holidays and Christmas), its hourly reminders, the words
of its alerts, and its flag."""

from datetime import datetime

import pytest

from tas.core.bank_holidays import ENGLAND_AND_WALES as HOLIDAYS
from tas.core.clock import LONDON
from tas.flags.rules import concern_flag
from tas.voice.rules import (
    alert_subject,
    concern_reference,
    due_words,
    hourly_reminder,
    reminder_subject,
    response_due,
    told_words,
)

HOURS = (8, 18)


def at(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("recorded", "due"),
    [
        # A working day before 17:00: that day.
        (at(2026, 12, 9, 9, 0), at(2026, 12, 9, 17)),
        (at(2026, 12, 11, 16, 59), at(2026, 12, 11, 17)),  # 16:59 on a Friday: that Friday
        (at(2026, 12, 11, 17, 0), at(2026, 12, 14, 17)),  # 17:00 on a Friday: Monday
        (at(2026, 12, 12, 10, 0), at(2026, 12, 14, 17)),  # Saturday: Monday
        (at(2026, 12, 13, 23, 59), at(2026, 12, 14, 17)),  # Sunday night: Monday
        # Friday before the spring bank holiday (Monday 31 May 2027): Tuesday.
        (at(2027, 5, 28, 17, 30), at(2027, 6, 1, 17)),
        (at(2027, 5, 31, 9, 0), at(2027, 6, 1, 17)),  # on the bank holiday itself
        # Christmas Eve 2026 after five: Christmas Day, a weekend and the Boxing Day substitute
        # (Monday 28 December) are closed: Tuesday 29 December.
        (at(2026, 12, 24, 18, 0), at(2026, 12, 29, 17)),
        # After the clocks go forward (Sunday 29 March 2026): 17:00 local on Monday.
        (at(2026, 3, 29, 12, 0), at(2026, 3, 30, 17)),
    ],
)
def test_a_concern_is_answered_the_same_working_day(recorded, due):
    assert response_due(recorded, 17, HOLIDAYS) == due


def test_the_hour_a_concern_is_due_by_is_a_setting():
    assert response_due(at(2026, 12, 9, 15, 30), 15, HOLIDAYS) == at(2026, 12, 10, 15)


@pytest.mark.parametrize(
    ("now", "kind"),
    [
        (at(2026, 12, 11, 10, 59), None),  # within the first hour: the alert covered it
        (at(2026, 12, 11, 11, 0), "concern_h1"),  # an hour after recording
        (at(2026, 12, 11, 11, 59), "concern_h1"),  # still that hour: the same key, sent once
        (at(2026, 12, 11, 12, 0), "concern_h2"),
        (at(2026, 12, 11, 17, 59), "concern_h7"),
        (at(2026, 12, 11, 18, 0), None),  # after the reminder hours
        (at(2026, 12, 12, 10, 0), None),  # Saturday
        (at(2026, 12, 14, 7, 59), None),  # Monday, before the reminder hours
        # Monday at eight, 70 hours on: only this hour's reminder, not every hour missed.
        (at(2026, 12, 14, 8, 0), "concern_h70"),
    ],
)
def test_an_unanswered_concern_is_reminded_each_hour_of_working_hours(now, kind):
    recorded = at(2026, 12, 11, 10, 0)  # a Friday
    assert hourly_reminder(recorded, now, HOURS, HOLIDAYS) == kind


def test_no_hourly_reminder_on_a_bank_holiday():
    recorded = at(2026, 12, 24, 9, 0)
    assert hourly_reminder(recorded, at(2026, 12, 28, 10, 0), HOURS, HOLIDAYS) is None
    assert hourly_reminder(recorded, at(2026, 12, 29, 10, 0), HOURS, HOLIDAYS) == "concern_h121"


def test_the_words_of_a_concern_name_its_reference_and_deadline_never_a_child():
    due = at(2026, 12, 11, 17)
    assert concern_reference(42) == "VC-0042"
    # Kept in the notifications list and read later, a subject never says "today".
    assert alert_subject("VC-0042", due) == (
        "Concern recorded: VC-0042 needs a response by 5:00pm on Friday 11 December 2026"
    )
    assert alert_subject("VC-0042", at(2026, 12, 14, 17)) == (
        "Concern recorded: VC-0042 needs a response by 5:00pm on Monday 14 December 2026"
    )
    assert reminder_subject("VC-0042", due, at(2026, 12, 11, 16)) == (
        "Concern not answered: VC-0042 needs a response by 5:00pm on Friday 11 December 2026"
    )
    assert reminder_subject("VC-0042", due, at(2026, 12, 14, 8)) == (
        "Overdue: concern VC-0042 was due by 5:00pm on Friday 11 December 2026"
    )
    assert due_words(due, at(2026, 12, 11, 17)) == "was due by 5:00pm today"


def test_a_concern_flag_says_why_and_what_clears_it_and_is_urgent_once_overdue():
    recorded, due = at(2026, 12, 11, 9, 5), at(2026, 12, 11, 17)
    before = concern_flag(7, 3, recorded, due, at(2026, 12, 11, 16, 59))
    assert before.reason == (
        "What the child said, recorded at 9:05am on Friday 11 December 2026 (VC-0007), raises "
        "a concern with no recorded response: a response by 5:00pm today."
    )
    assert (before.action, before.urgent, before.child_id, before.target_id) == (
        "Record the response",
        False,
        3,
        7,
    )
    assert concern_flag(7, 3, recorded, due, at(2026, 12, 11, 17)).urgent


def test_who_was_told_of_a_concern_in_words():
    assert told_words("Oak School", 1, {"CAMHS": 2}, 0, None) == (
        "Told at once, in the service and by email: the designated safeguarding lead of Oak "
        "School and the 2 safeguarding leads of CAMHS."
    )
    assert told_words("Oak School", 0, {}, 3, "Future in Mind") == (
        "Told at once, in the service and by email: the 3 coordinators covering Oak School. "
        "Future in Mind has no safeguarding lead in the service to tell."
    )
    assert told_words("Oak School", 0, {}, 0, None) == (
        "No one else has been told: tell the school's designated safeguarding lead now."
    )
