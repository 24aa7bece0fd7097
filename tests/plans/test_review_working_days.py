"""A plan's review falls on a working day: worked out from the plan review rule it moves off a
weekend or bank holiday; typed by hand on one, the form says which working day to choose."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from tas.core.days import next_working_day
from tas.extensions import db
from tas.plans import rules
from tas.plans.models import SharedPlan
from tests.pages import date_shown, day, error_summary, saved
from tests.plans.helpers import child_at, open_plan


def test_a_new_plans_review_date_is_offered_on_a_working_day(login_as):
    """On Monday 16 November 2026, six weeks on is Monday 28 December, the Boxing Day bank
    holiday (26 December is a Saturday): the review is offered for Tuesday 29 December."""
    with time_machine.travel(datetime(2026, 11, 16, 10, 0, tzinfo=UTC), tick=False):
        dsl = login_as("dsl")
        child = child_at(dsl.user.school)
        db.session.commit()
        form = dsl.get(f"/children/{child.id}/plans/new")

    assert date_shown(form, "next_review_on") == ["29", "12", "2026"]


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        (
            date(2026, 12, 6),
            "The next review date must be a working day: 6 December 2026 is a Sunday. "
            "Choose Monday 7 December 2026 or another working day",
        ),
        (
            date(2026, 12, 28),
            "The next review date must be a working day: 28 December 2026 is a bank holiday. "
            "Choose Tuesday 29 December 2026 or another working day",
        ),
    ],
)
def test_a_review_date_typed_on_a_weekend_or_bank_holiday_is_refused(login_as, typed, problem):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    db.session.commit()
    url = f"/children/{child.id}/plans/{plan.id}/change"
    dsl.get(url)

    response = dsl.submit(url, {"next_review_on": day(typed), "version": str(plan.version)})

    assert response.status_code == 200
    assert error_summary(response)["next_review_on"] == problem
    assert date_shown(response, "next_review_on") == day(typed)  # kept as typed
    assert saved(SharedPlan, plan.id).next_review_on != typed


def test_the_rule_names_the_next_working_day():
    assert next_working_day(date(2026, 12, 26)) == date(2026, 12, 28)  # weekends only
    assert rules.plan_date_problems(date(2026, 10, 1), date(2026, 12, 7), date(2026, 10, 12)) == {}
