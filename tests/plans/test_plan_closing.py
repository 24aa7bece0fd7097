"""Closing a shared plan asks what level of need the child returns to: required, recorded as a
step change in the child's history of levels, and shown on the closed plan."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tas.extensions import db
from tas.plans.models import SharedPlan
from tas.reviews.models import StepChange
from tests.organisations.helpers import error_summary

from .helpers import child_at, day, open_plan, page_text

CLOSE = {
    "closed_on": day(date(2026, 10, 12)),
    "closure_reason": "Things are going well at home and school.",
}


def close_url(child, plan) -> str:
    return f"/children/{child.id}/plans/{plan.id}/close"


def test_closing_asks_the_level_the_child_returns_to_and_records_it(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school, level_of_need="targeted_early_help")
    plan = open_plan(child, level_of_need="targeted_early_help")
    db.session.commit()
    url = close_url(child, plan)

    opened = dsl.get(url)
    missing = dsl.submit(url, {**CLOSE, "version": "1"})
    statutory = dsl.submit(url, {**CLOSE, "returned_to_level": "social_care", "version": "1"})
    closed = dsl.submit(url, {**CLOSE, "returned_to_level": "universal", "version": "1"})

    text = page_text(opened)
    assert "What level of need does the child return to?" in text
    assert "Universal" in text and "Children's Social Care" not in text
    assert error_summary(missing) == {
        "returned_to_level": "Select the level of need the child returns to"
    }
    assert CLOSE["closure_reason"] in page_text(missing)
    assert error_summary(statutory) == {
        "returned_to_level": "Select the level of need the child returns to"
    }
    assert closed.status_code == 302
    db.session.expire_all()
    kept = db.session.get(SharedPlan, plan.id)
    assert (kept.status, kept.returned_to_level) == ("closed", "universal")
    assert kept.child.level_of_need == "universal"
    [change] = db.session.scalars(select(StepChange).where(StepChange.child_id == child.id))
    assert (change.kind, change.from_level, change.to_level, change.changed_on) == (
        "plan_closed",
        "targeted_early_help",
        "universal",
        date(2026, 10, 12),
    )
    assert change.plan_id == plan.id and change.recorded_by_id == dsl.user.id
    shown = page_text(dsl.get(f"/children/{child.id}/plans/{plan.id}"))
    assert "Level of need the child returned to: Universal" in shown
    history = page_text(dsl.get(f"/children/{child.id}/level"))
    assert "Shared plan closed: Targeted Early Help to Universal" in history
