"""Closing a shared plan asks what level of need the child returns to: required, recorded as a
step change in the child's history of levels, and shown on the closed plan."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from tas.children.models import Agreement
from tas.core.use_cases import Refused
from tas.extensions import db
from tas.levels.models import StepChange
from tas.plans import services as shared_plans
from tas.plans.models import SharedPlan
from tests import factories
from tests.pages import audit_events, day, error_summary, page_text, saved
from tests.plans.helpers import child_at, open_plan

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


def radio_values(response, name: str) -> list[str]:
    html = response.get_data(as_text=True)
    return [
        tag.split('value="', 1)[1].split('"', 1)[0]
        for tag in (part.split(">", 1)[0] for part in html.split("<input")[1:])
        if f'name="{name}"' in tag and 'type="radio"' in tag
    ]


def test_only_the_childs_level_or_a_lower_one_is_offered_and_a_higher_one_is_refused(login_as):
    """A child whose needs have grown is stepped up (the GP practice told of the step up), never
    raised by closing the plan."""
    dsl = login_as("dsl")
    child = child_at(dsl.user.school, level_of_need="early_help")
    plan = open_plan(child, level_of_need="early_help")
    db.session.commit()
    url = close_url(child, plan)

    opened = dsl.get(url)
    higher = dsl.submit(url, {**CLOSE, "returned_to_level": "targeted_early_help", "version": "1"})

    assert radio_values(opened, "returned_to_level") == ["universal", "early_help"]
    assert "Targeted Early Help" not in page_text(opened)
    assert error_summary(higher) == {
        "returned_to_level": "Select the level of need the child returns to"
    }
    db.session.expire_all()
    kept = db.session.get(SharedPlan, plan.id)
    assert (kept.status, kept.child.level_of_need) == ("open", "early_help")
    assert db.session.scalars(select(StepChange)).all() == []


def test_a_posted_higher_level_is_refused_by_the_service_too(login_as, app):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school, level_of_need="early_help")
    plan = open_plan(child, level_of_need="early_help")
    db.session.commit()
    values = {
        "closed_on": date(2026, 10, 12),
        "closure_reason": "Going well",
        "returned_to_level": "targeted_early_help",
    }

    with pytest.raises(Refused) as refused:
        shared_plans.close_plan(plan, plan.version, values, by=dsl.user)

    assert set(refused.value.problems) == {"returned_to_level"}
    assert db.session.get(SharedPlan, plan.id).status == "open"


def test_every_problem_with_a_closure_shows_at_once(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school, level_of_need="targeted_early_help")
    plan = open_plan(child, level_of_need="targeted_early_help")
    db.session.commit()

    response = dsl.submit(
        close_url(child, plan),
        {
            "closed_on": day(date(2027, 1, 1)),
            "closure_reason": "x" * 5001,
            "returned_to_level": "social_care",
            "version": "1",
        },
    )

    assert response.status_code == 200
    summary = error_summary(response)
    assert set(summary) == {"closed_on", "closure_reason", "returned_to_level"}
    assert summary["closed_on"] == "The closure date must be today or in the past"
    assert db.session.get(SharedPlan, plan.id).status == "open"


def test_closing_back_to_the_same_level_is_recorded_as_the_plans_closure(login_as):
    """The closure is an event in the child's history of levels even when the level stays: it is
    recorded as "Shared plan closed", never as a step up or down."""
    dsl = login_as("dsl")
    child = child_at(dsl.user.school, level_of_need="early_help")
    plan = open_plan(child, level_of_need="early_help")
    db.session.commit()

    closed = dsl.submit(
        close_url(child, plan), {**CLOSE, "returned_to_level": "early_help", "version": "1"}
    )

    assert closed.status_code == 302
    db.session.expire_all()
    [change] = db.session.scalars(select(StepChange).where(StepChange.child_id == child.id))
    assert (change.kind, change.from_level, change.to_level) == (
        "plan_closed",
        "early_help",
        "early_help",
    )
    assert change.recorded_by_id == dsl.user.id
    history = page_text(dsl.get(f"/children/{child.id}/level"))
    assert "Shared plan closed: Early Help to Early Help" in history


def test_a_plan_is_never_closed_without_its_step_change(app):
    """The level the child returns to is always recorded: closing needs the person closing."""
    school = factories.school()
    child = child_at(school, level_of_need="early_help")
    plan = open_plan(child, level_of_need="early_help")
    db.session.commit()
    values = {
        "closed_on": date(2026, 10, 12),
        "closure_reason": "Going well",
        "returned_to_level": "universal",
    }

    with pytest.raises(ValueError, match="closed by someone"):
        shared_plans.close_plan(plan, plan.version, values)

    db.session.expire_all()
    assert db.session.get(SharedPlan, plan.id).status == "open"
    assert db.session.scalars(select(StepChange)).all() == []


@pytest.mark.parametrize("role", ["link_worker", "practitioner"])
def test_the_lead_who_closes_the_plan_and_loses_the_record_is_shown_the_letter_at_once(
    login_as, role
):
    """The close page promises a letter to print. A link worker who led the plan after the
    family withdrew agreement, or a practitioner who led it, no longer sees the child once it
    is closed: the letter is shown at once, and the record stays closed to them afterwards
    (nobody's access is widened)."""
    lead = login_as(role)
    school = lead.user.linked_schools[0] if role == "link_worker" else factories.school()
    child = child_at(school, first_name="Robin")
    plan = open_plan(child, lead_practitioner=lead.user)
    db.session.flush()
    if role == "link_worker":  # the school's link worker may close it after a withdrawal
        db.session.execute(
            update(Agreement)
            .where(Agreement.child_id == child.id)
            .values(withdrawn_on=date(2026, 10, 10))
        )
    db.session.commit()

    closed = lead.submit(
        close_url(child, plan), {**CLOSE, "returned_to_level": "universal", "version": "1"}
    )

    assert closed.status_code == 200
    text = page_text(closed)
    assert "Your family's support plan has ended" in text
    assert "You can no longer open this child's record" in text
    assert "print it or save it as a PDF before you leave this page" in text
    assert 'href="/"' in closed.get_data(as_text=True)  # back to their home page
    assert saved(SharedPlan, plan.id).status == "closed"
    assert [e.target_id for e in audit_events("closure_letter_viewed")] == [plan.id]
    letter = f"/children/{child.id}/plans/{plan.id}/closure-letter"
    assert lead.get(letter).status_code == 404


def test_the_dsl_who_closes_the_plan_goes_to_the_letter_page(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    db.session.commit()

    closed = dsl.submit(
        close_url(child, plan), {**CLOSE, "returned_to_level": "universal", "version": "1"}
    )

    assert closed.status_code == 302
    assert closed.headers["Location"] == f"/children/{child.id}/plans/{plan.id}/closure-letter"
    assert dsl.get(closed.headers["Location"]).status_code == 200


def test_a_plan_changed_while_being_closed_says_so_and_keeps_the_closing(login_as):
    """Its review date changed meanwhile: the plan is not closed, the page says why and links
    to the plan, and nothing typed is lost. No table calls every closing answer different."""
    dsl = login_as("dsl")
    child = child_at(dsl.user.school, level_of_need="targeted_early_help")
    plan = open_plan(child, level_of_need="targeted_early_help")
    db.session.commit()
    url = close_url(child, plan)
    dsl.get(url)
    plan.next_review_on = date(2026, 12, 1)  # someone else saves first
    db.session.commit()

    response = dsl.submit(url, {**CLOSE, "returned_to_level": "universal", "version": "1"})

    assert response.status_code == 409
    text = page_text(response)
    assert "Someone else changed this plan after you opened this page" in text
    assert "Question Your changes Saved version" not in text
    assert f'href="/children/{child.id}/plans/{plan.id}"' in response.get_data(as_text=True)
    assert CLOSE["closure_reason"] in text
    assert saved(SharedPlan, plan.id).status != "closed"
    again = dsl.submit(url, {**CLOSE, "returned_to_level": "universal", "version": "2"})
    assert again.status_code == 302
