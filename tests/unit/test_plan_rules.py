"""The pure shared-plan rules: no app, no database, "today" passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tas.plans import rules

TODAY = date(2026, 10, 12)


@pytest.mark.parametrize(
    ("status", "changeable"), [("open", True), ("held_by_social_care", False), ("closed", False)]
)
def test_only_an_open_plan_can_be_changed(status, changeable):
    assert rules.is_changeable(status) is changeable


@pytest.mark.parametrize(
    ("status", "due_on", "overdue"),
    [
        ("not_started", date(2026, 10, 11), True),
        ("in_progress", date(2026, 10, 11), True),
        ("in_progress", TODAY, False),  # due today is not overdue yet
        ("done", date(2026, 10, 1), False),
        ("cancelled", date(2026, 10, 1), False),
        ("not_started", None, False),
    ],
)
def test_an_action_is_overdue_only_while_open_and_past_its_day(status, due_on, overdue):
    assert rules.action_is_overdue(status, due_on, TODAY) is overdue


@pytest.mark.parametrize(
    ("status", "review", "overdue"),
    [
        ("open", date(2026, 10, 11), True),
        ("open", TODAY, False),
        ("held_by_social_care", date(2026, 10, 1), False),  # reviews pause
        ("closed", date(2026, 10, 1), False),
        ("open", None, False),
    ],
)
def test_review_overdue(status, review, overdue):
    assert rules.review_is_overdue(status, review, TODAY) is overdue


def test_plan_flags_say_what_needs_attention():
    flags = rules.plan_flags(
        status="open",
        has_lead=False,
        next_review_on=date(2026, 10, 5),
        overdue_actions=2,
        today=TODAY,
    )
    assert flags == [
        "No lead practitioner",
        "Review overdue: it was due on 5 October 2026",
        "2 actions are overdue",
    ]
    assert rules.plan_flags(
        status="open", has_lead=True, next_review_on=None, overdue_actions=0, today=TODAY
    ) == ["No review date set"]
    assert (
        rules.plan_flags(
            status="closed", has_lead=False, next_review_on=None, overdue_actions=3, today=TODAY
        )
        == []
    )
    assert rules.plan_flags(
        status="held_by_social_care",
        has_lead=True,
        next_review_on=date(2026, 1, 1),
        overdue_actions=0,
        today=TODAY,
    ) == ["Children's Social Care holds this case: the plan is read-only"]


def test_plan_dates():
    assert rules.plan_date_problems(TODAY, date(2026, 11, 23), TODAY) == {}
    assert rules.plan_date_problems(date(2026, 10, 13), None, TODAY) == {
        "started_on": "The start date must be today or in the past",
        "next_review_on": "Enter the next review date",
    }
    assert rules.plan_date_problems(TODAY, TODAY, TODAY) == {
        "next_review_on": "The next review date must be after the start date"
    }
    assert rules.plan_date_problems(date(2026, 9, 8), date(2026, 10, 9), TODAY) == {
        "next_review_on": "The next review date must be today or in the future"
    }
    assert rules.plan_date_problems(TODAY, date(2027, 10, 13), TODAY) == {
        "next_review_on": "The next review date must be within the next year"
    }
    # The date a plan already has stands (an overdue plan can still change its lead).
    kept = date(2026, 10, 9)
    assert rules.plan_date_problems(date(2026, 9, 8), kept, TODAY, kept=kept) == {}
    assert rules.closure_problems(date(2026, 9, 1), date(2026, 9, 8), TODAY) == {
        "closed_on": "The closure date must be on or after the day the plan started, "
        "8 September 2026"
    }
    assert rules.closure_problems(TODAY, date(2026, 9, 8), TODAY) == {}


@pytest.mark.parametrize(
    ("started_on", "problem"),
    [
        (date(2026, 9, 30), None),  # the day the last plan closed
        (
            date(2016, 4, 30),
            "The start date must be on or after the child's date of birth, 1 May 2016",
        ),
        (
            date(2026, 8, 31),
            "The start date must be on or after the day the family agreed to "
            "early help, 1 September 2026",
        ),
        (
            date(2026, 9, 29),
            "The start date must be on or after the day the child's last plan "
            "closed, 30 September 2026",
        ),
        (None, None),
    ],
)
def test_a_plan_starts_after_the_birth_the_agreement_and_the_last_plan(started_on, problem):
    assert (
        rules.start_date_problem(
            started_on,
            born_on=date(2016, 5, 1),
            agreed_on=date(2026, 9, 1),
            last_closed_on=date(2026, 9, 30),
        )
        == problem
    )


@pytest.mark.parametrize(
    ("args", "problems"),
    [
        (("active", date(2026, 9, 1), None, "good", "partial"), {}),
        (("requested", None, None, None, None), {}),
        (
            ("ended", date(2026, 9, 1), None, None, None),
            {"ended_on": "Enter the date the involvement ended"},
        ),
        (
            ("ended", date(2026, 9, 10), date(2026, 9, 1), None, None),
            {"ended_on": "The end date must be on or after the start date"},
        ),
        (
            ("active", None, date(2026, 9, 1), None, None),
            {"ended_on": "Only an ended or declined involvement has an end date"},
        ),
        (
            ("active", None, None, "good", None),
            {"parent_engagement": "Select the parent's or carer's engagement"},
        ),
        (
            ("active", None, None, None, "none"),
            {"child_engagement": "Select the child's engagement"},
        ),
    ],
)
def test_involvement_problems(args, problems):
    assert rules.involvement_problems(*args) == problems


@pytest.mark.parametrize(
    ("status", "note", "problems"),
    [
        ("done", None, {"completion_note": "Enter a completion note saying what was done"}),
        ("done", "   ", {"completion_note": "Enter a completion note saying what was done"}),
        ("done", "Seen", {}),
        ("in_progress", None, {}),
        (
            "cancelled",
            None,
            {"completion_note": "Enter a completion note saying why the action is cancelled"},
        ),
        (
            "cancelled",
            " ",
            {"completion_note": "Enter a completion note saying why the action is cancelled"},
        ),
        ("cancelled", "The family found a place themselves", {}),
    ],
)
def test_a_done_or_cancelled_action_needs_a_completion_note(status, note, problems):
    assert rules.action_problems(status, note) == problems


@pytest.mark.parametrize(
    ("score", "valid"), [(0, True), (10, True), (5, True), (-1, False), (11, False), (True, False)]
)
def test_scores_are_whole_numbers_from_0_to_10(score, valid):
    assert rules.valid_score(score) is valid


def test_changes_keeps_only_what_differs():
    before = {"status": "not_started", "due_on": date(2026, 10, 1), "note": None}
    after = {"status": "done", "due_on": date(2026, 10, 1), "note": "Seen"}
    assert rules.changes(before, after) == {
        "status": ["not_started", "done"],
        "note": [None, "Seen"],
    }


@dataclass
class Record:
    name: str
    not_for_parent: bool = False
    third_party: bool = False
    restricted: bool = False


def test_the_family_sees_nothing_marked():
    records = [
        Record("kept"),
        Record("not for parent", not_for_parent=True),
        Record("third party", third_party=True),
        Record("both", True, True),
        Record("restricted", restricted=True),
    ]
    assert [r.name for r in rules.for_family(records)] == ["kept"]


def test_the_score_chart_draws_oldest_first_with_heights_from_the_scores():
    chart = rules.score_chart(
        [(date(2026, 10, 6), 10), (date(2026, 9, 8), 0), (date(2026, 9, 22), 5)], "Outcome"
    )
    assert [bar.score for bar in chart.bars] == [0, 5, 10]
    assert [bar.height for bar in chart.bars] == [0, 50, 100]
    assert [bar.y + bar.height for bar in chart.bars] == [chart.baseline] * 3
    xs = [bar.x for bar in chart.bars]
    assert xs == sorted(xs) and len(set(xs)) == 3
    assert chart.width > xs[-1] + rules.BAR_WIDTH - 1
    assert all(bar.label_y < bar.y for bar in chart.bars)  # the number sits above its bar
    assert chart.description == (
        "3 scores, up from 0 out of 10 on 8 September 2026 to 10 out of 10 on 6 October 2026."
    )


@pytest.mark.parametrize(
    ("scores", "description"),
    [
        ([], "No scores yet."),
        ([(date(2026, 9, 8), 4)], "One score: 4 out of 10 on 8 September 2026."),
        (
            [(date(2026, 9, 8), 6), (date(2026, 10, 6), 2)],
            "2 scores, down from 6 out of 10 on 8 September 2026 to 2 out of 10 on 6 October 2026.",
        ),
        (
            [(date(2026, 9, 8), 6), (date(2026, 10, 6), 6)],
            "2 scores, unchanged from 6 out of 10 on 8 September 2026 to 6 out of 10 on "
            "6 October 2026.",
        ),
    ],
)
def test_the_chart_in_words(scores, description):
    assert rules.describe(sorted(scores)) == description
