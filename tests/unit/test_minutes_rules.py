"""Minutes rules: when minutes are due and overdue (working days, bank holidays), what complete
minutes need, and what the family version may show."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.meetings.day import rules

MON, TUE, WED, THU, FRI, SAT = (date(2026, 11, d) for d in (23, 24, 25, 26, 27, 28))


@pytest.mark.parametrize(
    ("meeting_day", "due"),
    [
        (MON, WED),  # two working days later
        (WED, FRI),
        (THU, date(2026, 11, 30)),  # across the weekend
        (FRI, date(2026, 12, 1)),
        (SAT, date(2026, 12, 1)),  # a Saturday meeting counts from Monday
        # Christmas Eve 2026 (Thursday): Friday 25 and Monday 28 December are bank holidays.
        (date(2026, 12, 24), date(2026, 12, 30)),
        # Maundy Thursday 2027: Good Friday and Easter Monday are bank holidays.
        (date(2027, 3, 25), date(2027, 3, 31)),
    ],
)
def test_minutes_are_due_two_working_days_after_the_meeting(meeting_day, due):
    assert rules.minutes_due_on(meeting_day, ENGLAND_AND_WALES) == due


def test_without_bank_holidays_christmas_eve_would_be_due_on_boxing_day_monday():
    assert rules.minutes_due_on(date(2026, 12, 24)) == date(2026, 12, 28)


def test_the_working_days_allowed_are_a_setting():
    assert rules.minutes_due_on(MON, ENGLAND_AND_WALES, working_days=5) == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (date(2026, 12, 29), False),
        (date(2026, 12, 30), False),  # the due day itself
        (date(2026, 12, 31), True),
    ],
)
def test_minutes_are_overdue_once_the_due_day_has_passed(today, overdue):
    assert rules.minutes_overdue_on(date(2026, 12, 24), today, ENGLAND_AND_WALES) is overdue


@pytest.mark.parametrize("today", [date(2026, 12, 1) + timedelta(days=n) for n in range(0, 130)])
def test_the_last_overdue_meeting_day_splits_overdue_from_not_overdue(today):
    last = rules.last_overdue_meeting_day(today, ENGLAND_AND_WALES)

    for offset in range(-20, 20):
        meeting_day = last + timedelta(days=offset)
        if meeting_day >= today:
            continue
        expected = rules.minutes_overdue_on(meeting_day, today, ENGLAND_AND_WALES)
        assert expected is (meeting_day <= last), (today, meeting_day)


def test_attendance_and_minutes_can_be_recorded_only_once_a_scheduled_meeting_started():
    start = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

    assert rules.why_not_recordable("scheduled", start, start - timedelta(seconds=1)) == (
        rules.NOT_STARTED
    )
    assert rules.why_not_recordable("scheduled", start, start) is None
    assert rules.why_not_recordable("cancelled", start, start) == rules.CANCELLED
    assert rules.why_not_recordable("held", start, start + timedelta(days=1)) == rules.HELD


@pytest.mark.parametrize(
    ("answer", "attendance"),
    [
        ("attending", "attended"),
        ("apologies", "apologies"),
        ("apologies_with_update", "apologies_with_update"),
        ("awaiting", None),
        (None, None),
    ],
)
def test_attendance_is_suggested_from_the_answer(answer, attendance):
    assert rules.suggested_attendance(answer) == attendance


def item(**fields) -> rules.ItemMinutes:
    complete = {
        "item_id": 7,
        "name": "Ada Lovell",
        "is_child": True,
        "worries": "Worries",
        "working_well": "Friends",
        "needs_to_happen": "Sessions",
        "decision": "close",
        "parent_part": "attended",
        "child_part": "did_not_take_part",
    }
    return rules.ItemMinutes(**{**complete, **fields})


def test_complete_minutes_need_nothing_more():
    assert rules.not_complete([item()], []) == []


def test_what_is_missing_is_listed_attendance_first():
    missing = rules.not_complete(
        [item(working_well="  ", decision=None), item(item_id=8, name="Ben", child_part=None)],
        ["Future in Mind"],
    )

    assert [(m.text, m.kind, m.record_id) for m in missing] == [
        ("Record attendance for Future in Mind", "attendance", None),
        ("Write all three parts of the minutes for Ada Lovell", "minutes", 7),
        ("Record the decision for Ada Lovell", "minutes", 7),
        ("Record whether Ben and their parent or carer took part", "minutes", 8),
    ]


def test_an_anonymous_consultation_never_holds_the_meeting_up():
    blank = item(is_child=False, worries=None, working_well=None, needs_to_happen=None)

    assert rules.not_complete([blank], []) == []


def marked(**markers):
    return SimpleNamespace(
        **{"restricted": False, "not_for_parent": False, "third_party": False, **markers}
    )


def test_the_family_version_leaves_out_every_marker():
    plain = marked()
    records = [
        plain,
        marked(restricted=True),
        marked(not_for_parent=True),
        marked(third_party=True),
    ]

    assert rules.for_family(records) == [plain]
    assert [rules.marked(r) for r in records] == [False, True, True, True]
