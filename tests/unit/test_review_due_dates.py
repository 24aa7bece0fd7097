"""When a review is due: working days skip weekends and England and Wales bank holidays (the
`holidays` package, no network), across year ends and leap years; a due date counted in weeks
that lands on a weekend or bank holiday moves to the next working day (docs/design.md section 4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.plans import rules as plan_rules
from tas.reviews import rules
from tas.reviews.lists import due_state, soon_until
from tas.reviews.rules import RuleInForce


def rule(amount: int, unit: str) -> RuleInForce:
    return RuleInForce("test", "plan_review", amount, unit, "the event")


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        # 1 working day after a Friday is the Monday.
        (date(2026, 11, 27), 1, date(2026, 11, 30)),
        # ...and after a Saturday or Sunday too.
        (date(2026, 11, 28), 1, date(2026, 11, 30)),
        (date(2026, 11, 29), 1, date(2026, 11, 30)),
        # Christmas 2026: 25 Dec is a Friday, Boxing Day a Saturday, so Monday 28 Dec is the
        # substitute bank holiday: the next working day after Christmas Eve is Tuesday 29th.
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        # New Year's Day 2027 is a Friday.
        (date(2026, 12, 31), 1, date(2027, 1, 4)),
        # 10 working days across Christmas and New Year: 21-24 Dec, 29-31 Dec, 4-6 Jan.
        (date(2026, 12, 18), 10, date(2027, 1, 6)),
        # The handover after a step down: 10 working days from Monday 23 November 2026.
        (date(2026, 11, 23), 10, date(2026, 12, 7)),
        # An assessment's outcome: 45 working days from a referral on 23 November 2026,
        # skipping 25 and 28 December and 1 January.
        (date(2026, 11, 23), 45, date(2027, 1, 28)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        # Christmas 2027 falls on a weekend: substitutes Monday 27 and Tuesday 28 December.
        (date(2027, 12, 24), 1, date(2027, 12, 29)),
        # New Year's Day 2028 is a Saturday: Monday 3 January is the substitute.
        (date(2027, 12, 31), 1, date(2028, 1, 4)),
        # Leap year 2028: 29 February is a working day (a Tuesday).
        (date(2028, 2, 28), 1, date(2028, 2, 29)),
        (date(2028, 2, 28), 2, date(2028, 3, 1)),
        (date(2028, 2, 25), 3, date(2028, 3, 1)),
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(start, amount, expected):
    assert rules.due_date(rule(amount, "working_days"), start, ENGLAND_AND_WALES) == expected


@pytest.mark.parametrize(
    ("start", "weeks", "expected"),
    [
        # An ordinary six weeks: Friday to Friday.
        (date(2026, 11, 27), 6, date(2027, 1, 8)),
        # Six weeks from 18 January 2028 is 29 February 2028, a leap day and a Tuesday.
        (date(2028, 1, 18), 6, date(2028, 2, 29)),
        # Six weeks from 16 November 2026 is Monday 28 December, the Boxing Day substitute:
        # the review moves to Tuesday 29 December.
        (date(2026, 11, 16), 6, date(2026, 12, 29)),
        # Landing on Christmas Day (a Friday) moves past the weekend and the substitute day.
        (date(2026, 11, 13), 6, date(2026, 12, 29)),
        # Landing on New Year's Day 2027 (a Friday) moves to Monday 4 January.
        (date(2026, 11, 20), 6, date(2027, 1, 4)),
        # Landing on a Saturday moves to the Monday.
        (date(2026, 11, 21), 6, date(2027, 1, 4)),
        # Landing on Easter Monday 2027.
        (date(2027, 2, 15), 6, date(2027, 3, 30)),
        # A year's worth of weeks, into 2028's substitute New Year holiday (Monday 3 Jan).
        (date(2027, 1, 4), 52, date(2028, 1, 4)),
    ],
)
def test_a_due_date_in_weeks_on_a_holiday_moves_to_the_next_working_day(start, weeks, expected):
    assert rules.due_date(rule(weeks, "weeks"), start, ENGLAND_AND_WALES) == expected


@pytest.mark.parametrize(
    ("event", "from_day", "expected"),
    [
        # Step down on Monday 23 November 2026: handover meeting within 10 working days.
        ("step_down", date(2026, 11, 23), date(2026, 12, 7)),
        # Referral on Friday 27 November 2026: the IFD decides 1 working day later.
        ("referral", date(2026, 11, 27), date(2026, 11, 30)),
        # Assessment opened: its outcome 45 working days from the referral date.
        ("assessment_opened", date(2026, 11, 23), date(2027, 1, 28)),
        # Shared plan review: 6 weeks from the last.
        ("plan_review", date(2026, 11, 27), date(2027, 1, 8)),
    ],
)
def test_the_default_rules(event, from_day, expected):
    in_force = rules.rules_in_force({})
    assert rules.due_date(in_force[event], from_day, ENGLAND_AND_WALES) == expected


def test_a_coordinators_change_replaces_only_its_own_rule():
    in_force = rules.rules_in_force({"plan_review": (4, "weeks")})

    assert (in_force["plan_review"].amount, in_force["plan_review"].unit) == (4, "weeks")
    assert in_force["plan_review"].review_kind == "plan_review"
    assert (in_force["step_down"].amount, in_force["step_down"].unit) == (10, "working_days")
    # Four weeks from 27 November 2026 is Christmas Day: the review moves to 29 December.
    assert rules.due_date(in_force["plan_review"], date(2026, 11, 27), ENGLAND_AND_WALES) == date(
        2026, 12, 29
    )


def test_an_unknown_unit_is_an_error_not_a_silent_date():
    with pytest.raises(ValueError, match="Unknown unit"):
        rules.due_date(rule(3, "months"), date(2026, 11, 27), ENGLAND_AND_WALES)


REFERRAL, PLAN_REVIEW = rules.DEFAULT_RULES[1], rules.DEFAULT_RULES[3]


@pytest.mark.parametrize(
    ("rule", "amount", "unit", "problems"),
    [
        (REFERRAL, 10, "working_days", {}),
        (PLAN_REVIEW, 52, "weeks", {}),
        (REFERRAL, 260, "working_days", {}),
        (
            PLAN_REVIEW,
            None,
            "weeks",
            {
                "amount": "Enter how long after the last review (or the handover) the plan "
                "review is due, as a number"
            },
        ),
        (
            REFERRAL,
            None,
            "working_days",
            {
                "amount": "Enter how long after the referral date the IFD decision is due, "
                "as a number"
            },
        ),
        (
            REFERRAL,
            0,
            "working_days",
            {
                "amount": "The IFD decision must be due 1 or more working days after the "
                "referral date"
            },
        ),
        (
            REFERRAL,
            -5,
            "working_days",
            {
                "amount": "The IFD decision must be due 1 or more working days after the "
                "referral date"
            },
        ),
        (
            PLAN_REVIEW,
            53,
            "weeks",
            {
                "amount": "The plan review must be due 52 weeks or fewer after the last review "
                "(or the handover)"
            },
        ),
        (
            PLAN_REVIEW,
            251,
            "working_days",
            {
                "amount": "The plan review must be due 250 working days or fewer after the last "
                "review (or the handover)"
            },
        ),
        (PLAN_REVIEW, 250, "working_days", {}),
        (PLAN_REVIEW, 52, "weeks", {}),
        (
            REFERRAL,
            261,
            "working_days",
            {
                "amount": "The IFD decision must be due 260 working days or fewer after the "
                "referral date"
            },
        ),
        (
            REFERRAL,
            5,
            None,
            {"unit": "Select whether the IFD decision is counted in working days or weeks"},
        ),
        (
            PLAN_REVIEW,
            5,
            "months",
            {"unit": "Select whether the plan review is counted in working days or weeks"},
        ),
    ],
)
def test_what_to_put_right_in_a_rule_names_the_rule(rule, amount, unit, problems):
    assert rules.rule_problems(rule, amount, unit) == problems


@pytest.mark.parametrize(("amount", "unit"), [(250, "working_days"), (52, "weeks")])
def test_the_longest_plan_review_rule_makes_dates_the_plan_accepts(amount, unit):
    """Whatever day a plan starts or is reviewed on, over two years of Christmases and Easters,
    the next review the longest rule makes is a date the plan's own check accepts: the form is
    never filled in with a date it then refuses."""
    longest = RuleInForce("plan_review", "plan_review", amount, unit, "the last review")
    for day in (date(2025, 12, 1) + timedelta(days=n) for n in range(2 * 366)):
        due = rules.due_date(longest, day, ENGLAND_AND_WALES)
        problem = plan_rules.next_review_problem(
            due, day, ENGLAND_AND_WALES, after=day, since="the start date"
        )
        assert problem is None, (day, due, problem)


# ---------------------------------------------------------------- overdue and due soon

FRIDAY = date(2026, 11, 27)


def test_due_soon_means_within_the_next_10_working_days():
    # From Friday 27 November 2026: 30 Nov to 4 Dec is 5, 7 to 11 Dec is 10.
    assert soon_until(FRIDAY, ENGLAND_AND_WALES) == date(2026, 12, 11)
    # Across Christmas: from Friday 18 December, the 10th working day is 6 January.
    assert soon_until(date(2026, 12, 18), ENGLAND_AND_WALES) == date(2027, 1, 6)


@pytest.mark.parametrize(
    ("status", "due_on", "expected"),
    [
        ("open", date(2026, 11, 26), "overdue"),
        ("open", date(2026, 10, 1), "overdue"),
        ("open", FRIDAY, "due_today"),
        ("open", date(2026, 11, 30), "due_soon"),
        ("open", date(2026, 12, 11), "due_soon"),
        ("open", date(2026, 12, 14), None),
        ("completed", date(2026, 11, 20), None),
        ("paused", date(2026, 11, 20), None),
        ("cancelled", date(2026, 11, 30), None),
    ],
)
def test_overdue_and_due_soon_on_27_november_2026(status, due_on, expected):
    assert due_state(status, due_on, FRIDAY, ENGLAND_AND_WALES) == expected
