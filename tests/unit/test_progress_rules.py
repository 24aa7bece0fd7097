"""The low engagement and drift rules at their boundaries: two low updates in a row, one low
update for exactly three months, a better update in between; a plan open exactly twelve months,
a change of level or an improved score within them."""

from datetime import date

import pytest

from tas.core.days import months_before
from tas.plans.involvements.rules import EngagementSeen, low_engagement
from tas.plans.outcomes.rules import drift

TODAY = date(2026, 12, 11)


def seen(day: date, child: str = "none", parent: str = "good") -> EngagementSeen:
    return EngagementSeen(day, child, parent)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 11), 3, date(2026, 9, 11)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),  # a shorter month: its last day
        (date(2028, 5, 31), 3, date(2028, 2, 29)),  # a leap year
        (date(2026, 1, 15), 12, date(2025, 1, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_two_low_updates_in_a_row_need_a_decision():
    reason = low_engagement([seen(date(2026, 10, 1)), seen(date(2026, 11, 1))], TODAY)
    assert reason == (
        "The child's engagement has been limited or none at 2 updates in a row, since "
        "1 October 2026"
    )


def test_a_better_update_ends_the_run():
    updates = [seen(date(2026, 10, 1)), seen(date(2026, 10, 20), "good"), seen(date(2026, 11, 1))]
    assert low_engagement(updates, TODAY) is None


@pytest.mark.parametrize(
    ("day", "flagged"),
    [(date(2026, 9, 11), True), (date(2026, 9, 12), False)],  # exactly three months, or less
)
def test_one_low_update_needs_a_decision_after_three_months(day, flagged):
    reason = low_engagement([seen(day, "good", "limited")], TODAY)
    assert (reason is not None) == flagged
    if flagged:
        assert reason.startswith("The parent's engagement has been limited or none for 3 months")


def test_whose_engagement_is_named():
    both = low_engagement([seen(date(2026, 11, 1), "none", "limited")] * 2, TODAY)
    assert both.startswith("The child's and the parent's engagement")
    mixed = [seen(date(2026, 10, 1), "none", "good"), seen(date(2026, 11, 1), "good", "none")]
    assert low_engagement(mixed, TODAY).startswith("The child's or the parent's engagement")
    assert low_engagement([], TODAY) is None


@pytest.mark.parametrize(
    ("started", "flagged"),
    [(date(2025, 12, 11), True), (date(2025, 12, 12), False)],  # exactly twelve months, or less
)
def test_a_plan_open_twelve_months_with_nothing_changing_has_drifted(started, flagged):
    scores = [[(started, 4), (date(2026, 6, 1), 4), (date(2026, 11, 1), 3)]]
    reason = drift(started, TODAY, [], scores)
    assert (reason is not None) == flagged
    if flagged:
        assert reason == (
            "Open since 11 December 2025: no change of level and no outcome score has improved "
            "in 12 months"
        )


def test_a_change_of_level_or_a_better_score_within_the_year_is_progress():
    started = date(2025, 6, 1)
    flat = [(started, 4), (date(2026, 3, 1), 4)]
    assert drift(started, TODAY, [], [flat]) is not None
    assert drift(started, TODAY, [date(2026, 1, 5)], [flat]) is None  # a change of level
    assert drift(started, TODAY, [date(2025, 12, 1)], [flat]) is not None  # before the year
    better = [(started, 4), (date(2026, 3, 1), 5)]
    assert drift(started, TODAY, [], [flat, better]) is None  # one outcome improved
    # Scored only within the year: the first of them is the baseline.
    assert drift(started, TODAY, [], [[(date(2026, 1, 1), 3), (date(2026, 5, 1), 6)]]) is None
    assert drift(started, TODAY, [], []) is not None  # no outcomes at all: nothing improved
    # A decision about the drift answers it for twelve months.
    assert drift(started, TODAY, [], [flat], [date(2026, 2, 1)]) is None
    assert drift(started, TODAY, [], [flat], [date(2025, 12, 1)]) is not None
