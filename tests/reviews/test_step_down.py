"""A step down from Children's Social Care: the plan held by Social Care reopens, paused plan
reviews are cancelled, the assessment outcome is completed, a handover (TAF) meeting review is
due 10 working days later (bank holidays skipped), the GP practice is told, and the page offers
to book the handover meeting."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import time_machine

from tas.extensions import db
from tas.plans.models import SharedPlan
from tests import factories
from tests.conftest import csrf_from
from tests.pages import day, error_summary, field_value, page_text
from tests.reviews.helpers import child_with_plan
from tests.reviews.test_levels import (
    browser_for,
    gp_kinds,
    level_url,
    practice_told,
    reviews_of,
    send,
    step_changes,
    tokens_of,
)

STEP_DOWN = {
    "to_level": "early_help",
    "changed_on": day(date(2026, 12, 17)),
    "reason": "Child in need plan closed; family agreed to early help",
    "decided_by": "Children's Social Care",
}


WITHIN = {
    "to_level": "universal",
    "changed_on": day(date(2026, 11, 26)),
    "reason": "Attendance back to normal; no targeted support needed",
    "decided_by": "TAS meeting",
}


def radio_values(response, name: str) -> list[str]:
    return re.findall(
        rf'name="{name}" type="radio" value="([^"]*)"', response.get_data(as_text=True)
    )


def step_down_url(child) -> str:
    return f"/children/{child.id}/level/step-down"


def held_by_social_care():
    """A child at Social Care whose plan is held, a paused plan review, and the assessment
    outcome still due."""
    setting = child_with_plan(level="social_care", status="held_by_social_care")
    factories.review(
        setting.child, plan_id=setting.plan.id, status="paused", owner_id=setting.link_worker.id
    )
    factories.review(
        setting.child,
        kind="assessment_outcome",
        due_on=date(2027, 1, 28),
        owner_id=setting.dsl.id,
    )
    db.session.commit()
    return setting


def test_a_step_down_reopens_the_plan_and_opens_the_handover_review(app):
    setting = held_by_social_care()
    practice_told(setting)
    with time_machine.travel(datetime(2026, 12, 17, 10, tzinfo=UTC), tick=True):
        browser = browser_for(app, setting.dsl)
        opened = browser.get(step_down_url(setting.child))

        response = send(browser, step_down_url(setting.child), STEP_DOWN)
        page = browser.get(response.headers["Location"])

    assert opened.status_code == 200
    assert 'value="Children&#39;s Social Care"' in opened.get_data(as_text=True)
    assert response.status_code == 302
    [change] = step_changes(setting.child.id)
    assert (change.kind, change.from_level, change.to_level, change.changed_on) == (
        "step_down",
        "social_care",
        "early_help",
        date(2026, 12, 17),
    )
    plan = db.session.get(SharedPlan, setting.plan.id)
    assert (plan.status, plan.level_of_need) == ("open", "early_help")
    reviews = {review.kind: review for review in reviews_of(setting.child.id)}
    assert reviews["plan_review"].status == "cancelled"
    assert (reviews["assessment_outcome"].status, reviews["assessment_outcome"].outcome) == (
        "completed",
        "stepped_down",
    )
    handover = reviews["handover_meeting"]
    assert handover.status == "open"
    # 10 working days from Thursday 17 December 2026, skipping Christmas Day, the Boxing Day
    # substitute (Monday 28) and New Year's Day.
    assert handover.due_on == date(2027, 1, 5)
    assert handover.owner_id == setting.link_worker.id  # the plan's lead practitioner
    assert (handover.plan_id, handover.step_change_id) == (plan.id, change.id)
    # The plan's next review is the handover now, not its date from before Social Care.
    assert plan.next_review_on == date(2027, 1, 5)
    assert gp_kinds(plan.id) == ["initial", "step_down"]
    text = page_text(page)
    assert "The step down to Early Help has been recorded" in text
    assert "a handover (TAF) meeting with the family is due by 5 January 2027" in text
    assert "Book the handover (TAF) meeting" in text
    booking = f'href="/children/{setting.child.id}/level/handover"'
    assert booking in page.get_data(as_text=True)


def test_a_second_step_down_from_a_form_opened_before_the_first_is_refused_with_both(app):
    """Before, two people opened the step down from Social Care; the first recorded Targeted
    Early Help, and the second's "Early Help" then saved a second change, a step down within
    early help, silently."""
    setting = held_by_social_care()
    url = step_down_url(setting.child)
    with time_machine.travel(datetime(2026, 12, 17, 10, tzinfo=UTC), tick=True):
        first = browser_for(app, setting.dsl)
        second = browser_for(app, setting.link_worker)
        tokens = tokens_of(second.get(url))
        done = send(first, url, {**STEP_DOWN, "to_level": "targeted_early_help"})

        stale = second.client.post(url, data={**tokens, **STEP_DOWN})
        [change] = step_changes(setting.child.id)
        # Sent again from the page that showed both, it is a deliberate second step.
        again = second.client.post(
            url, data={**tokens, **STEP_DOWN, "last_change": field_value(stale, "last_change")}
        )

    assert done.status_code == 302
    assert stale.status_code == 409
    assert (change.kind, change.from_level, change.to_level) == (
        "step_down",
        "social_care",
        "targeted_early_help",
    )
    assert set(error_summary(stale)) == {"current-level"}
    text = page_text(stale)
    assert "Someone else recorded a change of level after you opened this form" in text
    assert (
        "Recorded since you opened this form: Step down from Children's Social Care: "
        f"Children's Social Care to Targeted Early Help, by {setting.dsl.name}."
    ) in text
    assert "Your changes and the saved version" in text
    assert "Level of need after the change Early Help Targeted Early Help Different" in text
    assert f"Recorded by {setting.link_worker.name} {setting.dsl.name} Different" in text
    assert STEP_DOWN["reason"] in text  # what was typed stays
    assert field_value(stale, "last_change") == str(change.id)
    assert again.status_code == 302
    assert [c.kind for c in step_changes(setting.child.id)] == [
        "step_down",
        "step_down_early_help",
    ]


def test_a_lead_practitioner_who_books_no_meetings_is_not_offered_the_booking(app):
    setting = held_by_social_care()
    lead = factories.user("practitioner")
    setting.plan.lead_practitioner = lead
    db.session.commit()
    browser = browser_for(app, lead)

    response = send(
        browser,
        step_down_url(setting.child),
        {
            **STEP_DOWN,
            "to_level": "targeted_early_help",
            "changed_on": day(date(2026, 11, 26)),
        },
    )
    page = page_text(browser.get(level_url(setting.child)))

    assert response.status_code == 302
    assert step_changes(setting.child.id)[0].to_level == "targeted_early_help"
    assert "handover (TAF) meeting with the family is due by 10 December 2026" in page
    assert "Book the handover (TAF) meeting" not in page


def test_without_a_plan_the_recorder_owns_the_handover(app):
    setting = child_with_plan(plan=False, level="social_care")

    with time_machine.travel(datetime(2026, 12, 17, 10, tzinfo=UTC), tick=True):
        browser = browser_for(app, setting.dsl)
        response = send(browser, step_down_url(setting.child), STEP_DOWN)

    assert response.status_code == 302
    [handover] = reviews_of(setting.child.id)
    assert (handover.kind, handover.owner_id, handover.plan_id) == (
        "handover_meeting",
        setting.dsl.id,
        None,
    )


def test_a_step_down_within_early_help_goes_from_targeted_to_universal(app):
    setting = child_with_plan(level="targeted_early_help")
    practice_told(setting)
    browser = browser_for(app, setting.dsl)

    opened = browser.get(step_down_url(setting.child))
    wrong = send(browser, step_down_url(setting.child), {**WITHIN, "to_level": "social_care"})
    response = send(browser, step_down_url(setting.child), WITHIN)
    page = page_text(browser.get(response.headers["Location"]))

    text = page_text(opened)
    assert "Step down within early help" in text
    assert radio_values(opened, "to_level") == ["universal", "early_help"]
    assert field_value(opened, "decided_by") == setting.dsl.name
    assert error_summary(wrong) == {"to_level": "Select the level of need the child steps down to"}
    assert WITHIN["reason"] in page_text(wrong)
    assert response.status_code == 302
    [change] = step_changes(setting.child.id)
    assert (change.kind, change.from_level, change.to_level) == (
        "step_down_early_help",
        "targeted_early_help",
        "universal",
    )
    assert change.child.level_of_need == "universal"
    plan = db.session.get(SharedPlan, setting.plan.id)
    assert (plan.status, plan.level_of_need) == ("open", "universal")
    assert reviews_of(setting.child.id) == []  # no handover within early help
    assert gp_kinds(plan.id) == ["initial", "step_down"]
    assert "The step down to Universal has been recorded" in page
    assert "Level of need now Universal" in page
    assert "Step down within early help: Targeted Early Help to Universal" in page


def test_there_is_no_step_down_from_the_lowest_level(app):
    setting = child_with_plan(level="universal")
    browser = browser_for(app, setting.dsl)

    opened = browser.get(step_down_url(setting.child))
    sent = browser.client.post(
        step_down_url(setting.child),
        data={"csrf_token": csrf_from(opened.get_data(as_text=True)), **WITHIN},
    )

    assert "there is no lower level to step down to" in page_text(opened)
    assert "Record the step down" not in page_text(opened)
    assert "Record a step down" not in page_text(browser.get(level_url(setting.child)))
    assert sent.status_code == 409
    assert step_changes(setting.child.id) == []


def test_a_step_down_needs_a_level_and_keeps_what_was_typed(app):
    setting = held_by_social_care()
    browser = browser_for(app, setting.dsl)

    response = send(
        browser,
        step_down_url(setting.child),
        {**STEP_DOWN, "to_level": "social_care", "changed_on": day(date(2026, 11, 26))},
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "to_level": "Select the level of need the child steps down to"
    }
    assert STEP_DOWN["reason"] in page_text(response)
    assert step_changes(setting.child.id) == []
    assert db.session.get(SharedPlan, setting.plan.id).status == "held_by_social_care"
