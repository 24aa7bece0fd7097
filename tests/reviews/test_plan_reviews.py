"""Plan reviews kept in step with the shared plan: starting a plan opens its first review (and
steps a child below Early Help up to it); changing the review date moves the review; changing
the lead moves its owner; closing the plan cancels its reviews. The plan page lists them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tas.children.models import Child
from tas.extensions import db
from tas.levels.models import StepChange
from tas.plans.models import SharedPlan
from tas.reviews.models import Review, ReviewRule
from tests import factories
from tests.meetings.test_day import browser_for, on_agenda, past_meeting
from tests.meetings.test_minutes import MINUTES, minutes_url
from tests.pages import audit_events, date_shown, day, error_summary, page_text, section
from tests.plans.helpers import child_at
from tests.reviews.helpers import child_with_plan
from tests.reviews.test_review_completion import plan_reviews_of, signed_in

START = {"started_on": day(date(2026, 11, 23)), "next_review_on": day(date(2027, 1, 5))}


def reviews_of_child(child_id: int) -> list[Review]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(Review).where(Review.child_id == child_id).order_by(Review.id))
    )


def change_url(setting) -> str:
    return f"/children/{setting.child.id}/plans/{setting.plan.id}/change"


def test_starting_a_plan_opens_its_first_review_owned_by_the_lead(login_as):
    dsl = login_as("dsl")
    lead = factories.user("link_worker", linked_schools=[dsl.user.school])
    child = child_at(dsl.user.school)  # Universal, by default
    db.session.commit()
    url = f"/children/{child.id}/plans/new"

    form = dsl.get(url)
    started = dsl.submit(url, {**START, "lead_practitioner": str(lead.id)})

    # The default next review date is the plan review rule from today (6 weeks).
    assert date_shown(form, "next_review_on") == ["8", "1", "2027"]
    assert started.status_code == 302
    plan = db.session.scalars(select(SharedPlan).where(SharedPlan.child_id == child.id)).one()
    [review] = reviews_of_child(child.id)
    assert (review.kind, review.status, review.plan_id) == ("plan_review", "open", plan.id)
    assert (review.due_on, review.owner_id) == (date(2027, 1, 5), lead.id)
    assert review.created_by_id == dsl.user.id
    # A child below Early Help steps up to it when a plan starts (recorded).
    assert db.session.get(Child, child.id).level_of_need == "early_help"
    [change] = db.session.scalars(select(StepChange).where(StepChange.child_id == child.id))
    assert (change.from_level, change.to_level) == ("universal", "early_help")
    [opened] = audit_events("review_opened")
    assert opened.detail["plan_id"] == plan.id and opened.detail["kind"] == "plan_review"


def test_a_plan_cannot_start_without_a_review_date(login_as):
    """An open plan always has its next review: a blank date is asked for, never filled in
    behind the person's back."""
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    db.session.commit()

    refused = dsl.submit(
        f"/children/{child.id}/plans/new",
        {"started_on": day(date(2026, 11, 20)), "next_review_on": ["", "", ""]},
    )

    assert refused.status_code == 200
    assert error_summary(refused) == {"next_review_on": "Enter the next review date"}
    assert db.session.scalars(select(SharedPlan).where(SharedPlan.child_id == child.id)).all() == []
    assert reviews_of_child(child.id) == []


def test_changing_the_review_date_moves_the_open_plan_review(app):
    setting = child_with_plan()
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    changed = dsl.submit(
        change_url(setting),
        {
            "lead_practitioner": str(setting.link_worker.id),
            "next_review_on": day(date(2026, 12, 18)),
            "version": "1",
        },
    )

    assert changed.status_code == 302
    [moved] = plan_reviews_of(setting.plan.id)
    assert (moved.id, moved.status, moved.due_on) == (review.id, "open", date(2026, 12, 18))
    [event] = audit_events("review_moved")
    assert event.detail == {
        "child_id": setting.child.id,
        "plan_id": setting.plan.id,
        "from": "2026-12-04",
        "to": "2026-12-18",
    }


def test_a_plan_without_a_review_gets_one_when_its_date_is_set(app):
    """Plans started before reviews existed: setting the date opens the review."""
    setting = child_with_plan()
    dsl = signed_in(app, setting.dsl)

    dsl.submit(
        change_url(setting),
        {
            "lead_practitioner": str(setting.link_worker.id),
            "next_review_on": day(date(2026, 12, 11)),
            "version": "1",
        },
    )

    [opened] = plan_reviews_of(setting.plan.id)
    assert (opened.due_on, opened.owner_id) == (date(2026, 12, 11), setting.link_worker.id)


def test_taking_the_review_date_away_is_refused_and_the_plan_review_stays_open(app):
    setting = child_with_plan()
    factories.review(setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    refused = dsl.submit(
        change_url(setting),
        {
            "lead_practitioner": str(setting.link_worker.id),
            "next_review_on": ["", "", ""],
            "version": "1",
        },
    )

    assert refused.status_code == 200
    assert error_summary(refused) == {"next_review_on": "Enter the next review date"}
    assert [r.status for r in plan_reviews_of(setting.plan.id)] == ["open"]
    assert db.session.get(SharedPlan, setting.plan.id).next_review_on == date(2026, 12, 4)
    assert audit_events("reviews_cancelled") == []


def test_a_new_lead_practitioner_owns_the_plans_open_reviews(app):
    setting = child_with_plan()
    new_lead = factories.user("link_worker", linked_schools=[setting.school])
    plan_review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    handover = factories.review(
        setting.child,
        kind="handover_meeting",
        plan_id=setting.plan.id,
        owner_id=setting.link_worker.id,
    )
    referral = factories.referral(setting.child, setting.dsl)
    db.session.flush()
    decision = factories.review(
        setting.child,
        kind="ifd_decision",
        plan_id=setting.plan.id,
        referral_id=referral.id,
        owner_id=setting.dsl.id,
    )
    done = factories.review(
        setting.child,
        plan_id=setting.plan.id,
        owner_id=setting.link_worker.id,
        status="completed",
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    dsl.submit(
        change_url(setting),
        {
            "lead_practitioner": str(new_lead.id),
            "next_review_on": day(date(2026, 12, 4)),
            "version": "1",
        },
    )

    owners = {r.id: r.owner_id for r in reviews_of_child(setting.child.id)}
    assert owners == {
        plan_review.id: new_lead.id,
        handover.id: new_lead.id,
        decision.id: setting.dsl.id,  # an IFD decision stays with its referrer
        done.id: setting.link_worker.id,  # a completed review keeps who owned it
    }
    [event] = audit_events("reviews_owner_changed")
    assert event.detail["owner_id"] == new_lead.id
    assert sorted(event.detail["review_ids"]) == sorted([plan_review.id, handover.id])


def test_closing_the_plan_cancels_its_open_and_paused_reviews(app):
    setting = child_with_plan()
    open_review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    paused = factories.review(
        setting.child, kind="handover_meeting", plan_id=setting.plan.id, status="paused"
    )
    referral = factories.referral(setting.child, setting.dsl)
    db.session.flush()
    decision = factories.review(
        setting.child, kind="ifd_decision", referral_id=referral.id, owner_id=setting.dsl.id
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    closed = dsl.submit(
        f"/children/{setting.child.id}/plans/{setting.plan.id}/close",
        {
            "closed_on": day(date(2026, 11, 26)),
            "closure_reason": "Things are better",
            "returned_to_level": "universal",
            "version": "1",
        },
    )

    assert closed.status_code == 302
    statuses = {r.id: r.status for r in reviews_of_child(setting.child.id)}
    assert statuses == {
        open_review.id: "cancelled",
        paused.id: "cancelled",
        decision.id: "open",  # the IFD still decides, whatever happens to the plan
    }
    assert {e.detail["why"] for e in audit_events("reviews_cancelled")} == {"plan_closed"}


def test_the_plan_page_lists_the_open_reviews_with_links(app):
    setting = child_with_plan()
    overdue = factories.review(
        setting.child,
        kind="handover_meeting",
        plan_id=setting.plan.id,
        owner_id=setting.link_worker.id,
        due_on=date(2026, 11, 20),
    )
    factories.review(
        setting.child,
        plan_id=setting.plan.id,
        owner_id=setting.link_worker.id,
        due_on=date(2027, 1, 8),
    )
    factories.review(setting.child, plan_id=setting.plan.id, status="completed")
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    page = dsl.get(f"/children/{setting.child.id}/plans/{setting.plan.id}")
    child_page = dsl.get(f"/children/{setting.child.id}")

    owner = setting.link_worker.name
    expected = (
        f"Review Due Owner Handover (TAF) meeting 20 November 2026 Overdue {owner} "
        f"Plan review 8 January 2027 {owner}"
    )
    assert section(page, "plan-reviews").endswith(expected)
    assert section(child_page, "plan-reviews").endswith(expected)
    assert f'href="/reviews/{overdue.id}"' in page.get_data(as_text=True)


def test_a_plan_held_by_social_care_shows_its_reviews_paused(app):
    setting = child_with_plan(status="held_by_social_care")
    factories.review(
        setting.child, plan_id=setting.plan.id, status="paused", due_on=date(2026, 12, 4)
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    page = dsl.get(f"/children/{setting.child.id}/plans/{setting.plan.id}")

    reviews = section(page, "plan-reviews")
    assert "Children's Social Care holds this case, so early-help reviews are paused" in reviews
    assert "Plan review 4 December 2026 Paused" in reviews
    assert "Held by Social Care" in page_text(page)


def test_a_closed_plan_lists_no_reviews(app):
    setting = child_with_plan(status="closed", closed_on=date(2026, 11, 1))
    dsl = signed_in(app, setting.dsl)

    page = dsl.get(f"/children/{setting.child.id}/plans/{setting.plan.id}")

    assert page.status_code == 200
    assert 'id="plan-reviews"' not in page.get_data(as_text=True)


def test_a_plan_started_from_the_minutes_follows_the_rule_and_opens_its_review(app):
    coordinator = factories.user("coordinator")
    db.session.flush()
    db.session.add(
        ReviewRule(event="plan_review", amount=4, unit="weeks", changed_by_id=coordinator.id)
    )
    setting = past_meeting()
    child, item = on_agenda(setting)
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    start = f"/meetings/{setting.meeting.id}/agenda/{item.id}/plan/new"
    chair.submit(minutes_url(setting, item), {**MINUTES, "version": "1"})

    form = chair.get(start)
    started = chair.submit(
        start,
        {
            "lead_practitioner": str(setting.link_worker.id),
            "started_on": day(date(2026, 11, 27)),
            "next_review_on": date_shown(form, "next_review_on"),
        },
    )

    # The coordinator's rule (4 weeks) from today lands on Christmas Day: 29 December.
    assert date_shown(form, "next_review_on") == ["29", "12", "2026"]
    assert started.status_code == 302
    [review] = reviews_of_child(child.id)
    assert (review.kind, review.due_on, review.owner_id) == (
        "plan_review",
        date(2026, 12, 29),
        setting.link_worker.id,
    )
