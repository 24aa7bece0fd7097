"""Who leads at each level: the step up to Targeted Early Help asks whether the lead
practitioner changes (and who, recorded on the plan); while Children's Social Care holds the
plan the social worker's name and team are recorded and shown as the lead contact; "the
meeting that decided" offers only meetings that have been held."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tas.extensions import db
from tas.plans.models import SharedPlan
from tas.reviews.models import Review
from tests import factories
from tests.pages import audit_events, error_summary, page_text
from tests.reviews.helpers import child_with_plan
from tests.reviews.test_levels import (
    STEP_UP,
    browser_for,
    held_meeting,
    level_url,
    send,
    step_changes,
)


def step_up_url(child) -> str:
    return f"/children/{child.id}/level/step-up"


def social_worker_url(child) -> str:
    return f"/children/{child.id}/level/social-worker"


# ---------------------------------------------------------------- the step up's lead practitioner


def test_a_step_up_may_change_the_lead_practitioner(app):
    setting = child_with_plan(level="early_help")
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    targeted = factories.user("practitioner", name="Tara Targeted")
    db.session.commit()
    browser = browser_for(app, setting.dsl)
    url = step_up_url(setting.child)

    opened = browser.get(url)
    unanswered = send(browser, url, {**STEP_UP, "lead_changes": ""})
    nobody = send(browser, url, {**STEP_UP, "lead_changes": "yes"})
    response = send(
        browser,
        url,
        {**STEP_UP, "lead_changes": "yes", "new_lead_practitioner": str(targeted.id)},
    )
    told = page_text(browser.get(response.headers["Location"]))

    text = page_text(opened)
    assert "Does the lead practitioner change?" in text
    assert f"is {setting.link_worker.name}." in text
    assert error_summary(unanswered) == {
        "lead_changes": "Select whether the lead practitioner changes"
    }
    assert STEP_UP["reason"] in page_text(unanswered)
    assert error_summary(nobody) == {"new_lead_practitioner": "Select the new lead practitioner"}
    assert response.status_code == 302
    [change] = step_changes(setting.child.id)
    assert change.new_lead_practitioner_id == targeted.id
    assert db.session.get(SharedPlan, setting.plan.id).lead_practitioner_id == targeted.id
    assert db.session.get(Review, review.id).owner_id == targeted.id
    assert audit_events("plan_changed")[0].detail["to"] == targeted.id
    plan_page = page_text(browser.get(f"/children/{setting.child.id}/plans/{setting.plan.id}"))
    assert "Lead practitioner Tara Targeted" in plan_page
    assert (
        "The step up to Targeted Early Help has been recorded: Tara Targeted now leads the plan"
        in told
    )


def test_a_step_up_keeping_the_lead_leaves_the_plan_as_it_is(app):
    setting = child_with_plan(level="early_help")
    browser = browser_for(app, setting.dsl)

    response = send(browser, step_up_url(setting.child), {**STEP_UP, "lead_changes": "no"})

    assert response.status_code == 302
    [change] = step_changes(setting.child.id)
    assert change.new_lead_practitioner_id is None
    assert db.session.get(SharedPlan, setting.plan.id).lead_practitioner_id == (
        setting.link_worker.id
    )


def test_without_a_plan_the_step_up_does_not_ask_about_the_lead(app):
    setting = child_with_plan(plan=False, level="early_help")

    page = browser_for(app, setting.dsl).get(step_up_url(setting.child))

    assert "Does the lead practitioner change?" not in page_text(page)


# ---------------------------------------------------------------- the social worker


def test_while_social_care_holds_the_plan_the_social_worker_is_the_lead_contact(app):
    setting = child_with_plan(level="social_care", status="held_by_social_care")
    browser = browser_for(app, setting.dsl)
    url = social_worker_url(setting.child)

    before = page_text(browser.get(level_url(setting.child)))
    blank = send(browser, url, {"social_worker_name": "", "social_worker_team": "", "version": "1"})
    response = send(
        browser,
        url,
        {"social_worker_name": "Sam Social", "social_worker_team": "East Team", "version": "1"},
    )

    assert "Lead contact The social worker is not recorded yet" in before
    assert error_summary(blank) == {"social_worker_name": "Enter the social worker's name"}
    assert response.status_code == 302
    plan = db.session.get(SharedPlan, setting.plan.id)
    assert (plan.social_worker_name, plan.social_worker_team) == ("Sam Social", "East Team")
    [event] = audit_events("social_worker_recorded")
    assert "Sam Social" not in str(event.detail)
    contact = "Lead contact Sam Social, social worker, East Team"
    assert contact in page_text(browser.get(level_url(setting.child)))
    assert contact in page_text(browser.get(f"/children/{setting.child.id}/plans/{plan.id}"))
    assert contact in page_text(browser.get(f"/children/{setting.child.id}"))


def test_the_social_worker_sent_back_unchanged_says_nothing_was_saved(app):
    setting = child_with_plan(
        level="social_care",
        status="held_by_social_care",
        social_worker_name="Sam Social",
        social_worker_team="East Team",
    )
    browser = browser_for(app, setting.dsl)

    response = send(
        browser,
        social_worker_url(setting.child),
        {"social_worker_name": "Sam Social", "social_worker_team": "East Team", "version": "1"},
    )

    assert response.status_code == 302
    shown = page_text(browser.get(response.headers["Location"]))
    assert "You did not change anything, so nothing has been saved" in shown
    assert "The social worker has been saved" not in shown
    assert audit_events("social_worker_recorded") == []
    assert db.session.get(SharedPlan, setting.plan.id).version == 1


def test_the_social_worker_is_recorded_only_while_social_care_holds_the_plan(app):
    setting = child_with_plan(level="early_help")
    browser = browser_for(app, setting.dsl)
    url = social_worker_url(setting.child)

    opened = browser.get(url)
    sent = send(browser, url, {"social_worker_name": "Sam", "version": "1"})

    assert "Children's Social Care does not hold this child's plan" in page_text(opened)
    assert sent.status_code == 409
    assert db.session.get(SharedPlan, setting.plan.id).social_worker_name is None
    assert "Lead contact" not in page_text(browser.get(level_url(setting.child)))


def test_the_level_page_with_a_social_worker_runs_fixed_queries(app, count_queries):
    counts = []
    for size in (1, 6):
        setting = child_with_plan(
            level="social_care", status="held_by_social_care", social_worker_name="Sam"
        )
        for _ in range(size):
            factories.step_change(setting.child, setting.dsl)
        db.session.commit()
        browser = browser_for(app, setting.dsl)
        with count_queries() as statements:
            assert browser.get(level_url(setting.child)).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- the meeting that decided


def test_the_meeting_that_decided_is_one_that_has_been_held(app):
    setting = child_with_plan(level="early_help")
    held = held_meeting(setting)
    started = factories.meeting(  # this morning: the tests' day is 27 November 2026
        setting.school,
        setting.dsl,
        starts_at=datetime(2026, 11, 27, 9, tzinfo=UTC),
        ends_at=datetime(2026, 11, 27, 11, tzinfo=UTC),
    )
    future = factories.meeting(setting.school, setting.dsl)  # 2 December 2026
    cancelled = factories.meeting(
        setting.school,
        setting.dsl,
        status="cancelled",
        starts_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
        ends_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
    )
    db.session.commit()
    browser = browser_for(app, setting.dsl)
    pages = [
        browser.get(step_up_url(setting.child)),
        browser.get(f"/children/{setting.child.id}/level/referrals/new"),
    ]

    for page in pages:
        html = page.get_data(as_text=True)
        assert f'value="{held.id}"' in html and f'value="{started.id}"' in html
        assert f'value="{future.id}"' not in html
        assert f'value="{cancelled.id}"' not in html
    refused = send(browser, step_up_url(setting.child), {**STEP_UP, "meeting": str(future.id)})
    assert error_summary(refused) == {"meeting": "Select a meeting from the list"}
    assert STEP_UP["reason"] in page_text(refused)
    assert step_changes(setting.child.id) == []
    assert db.session.scalars(select(Review)).all() == []


def test_the_social_worker_page_sent_back_with_mistakes_is_audited_as_the_page_opened_is(app):
    setting = child_with_plan(level="social_care", status="held_by_social_care")
    browser = browser_for(app, setting.dsl)

    blank = send(
        browser,
        social_worker_url(setting.child),
        {"social_worker_name": "", "social_worker_team": "East Team", "version": "1"},
    )

    assert error_summary(blank) == {"social_worker_name": "Enter the social worker's name"}
    assert setting.child.full_name in page_text(blank)
    events = audit_events("social_worker_opened")
    assert len(events) == 2  # the page opened, then the page sent back
    assert {event.target_id for event in events} == {setting.child.id}
