"""One review's page: what it is, its plan (or referral) reference, the child's name only for
those who may read the child's record, when it is due and whether it is overdue or due soon,
who owns it, and how it ended. Every read is audited."""

from __future__ import annotations

from datetime import date

import pytest

from tas.extensions import db
from tests import factories
from tests.pages import audit_events, page_text
from tests.reviews.helpers import child_with_plan
from tests.reviews.test_review_completion import signed_in

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)


def test_the_owner_sees_an_overdue_plan_review_and_can_complete_it(app):
    setting = child_with_plan()
    review = factories.review(
        setting.child,
        plan_id=setting.plan.id,
        owner_id=setting.link_worker.id,
        due_on=date(2026, 11, 25),
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    page = lead.get(f"/reviews/{review.id}")

    assert page.status_code == 200
    text = page_text(page)
    assert f"What Plan review Reference Shared plan {setting.plan.reference}" in text
    assert f"Child {setting.child.full_name}" in text
    assert f"School {setting.school.name}" in text
    assert "Due 25 November 2026 Overdue" in text
    assert f"Owner {setting.link_worker.name}" in text
    assert "Status Open" in text
    assert "Complete this review" in text
    body = page.get_data(as_text=True)
    assert f'href="/reviews/{review.id}/complete"' in body
    assert f'href="/children/{setting.child.id}/plans/{setting.plan.id}"' in body
    [event] = audit_events("review_viewed")
    assert (event.actor_id, event.target_id) == (setting.link_worker.id, review.id)
    assert event.detail == {"child_id": setting.child.id, "kind": "plan_review"}


def test_due_today_and_due_soon_tags(app):
    setting = child_with_plan()
    today = factories.review(setting.child, plan_id=setting.plan.id, due_on=date(2026, 11, 27))
    soon = factories.review(setting.child, plan_id=setting.plan.id, due_on=date(2026, 12, 11))
    later = factories.review(setting.child, plan_id=setting.plan.id, due_on=date(2026, 12, 14))
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    assert "Due 27 November 2026 Due today" in page_text(dsl.get(f"/reviews/{today.id}"))
    assert "Due 11 December 2026 Due soon" in page_text(dsl.get(f"/reviews/{soon.id}"))
    later_page = page_text(dsl.get(f"/reviews/{later.id}"))
    assert "Due 14 December 2026 Owner" in later_page  # no tag: not due soon yet


def test_a_completed_review_says_who_completed_it_when_and_how(app):
    setting = child_with_plan()
    review = factories.review(
        setting.child,
        kind="handover_meeting",
        plan_id=setting.plan.id,
        owner_id=setting.link_worker.id,
        status="completed",
        outcome="held",
        notes="Family came with their aunt",
        completed_on=date(2026, 11, 24),
        completed_by_id=setting.dsl.id,
        due_on=date(2026, 11, 20),
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    text = page_text(dsl.get(f"/reviews/{review.id}"))

    assert "What Handover (TAF) meeting" in text
    assert "Status Completed" in text
    assert f"Completed 24 November 2026 by {setting.dsl.name}" in text
    assert "Outcome Held" in text
    assert "Notes Family came with their aunt" in text
    assert "Overdue" not in text  # only open reviews are overdue
    assert "Complete this review" not in text


def test_an_ifd_decision_review_names_the_decision_in_words(app):
    setting = child_with_plan()
    referral = factories.referral(setting.child, setting.dsl)
    db.session.flush()
    review = factories.review(
        setting.child,
        kind="ifd_decision",
        referral_id=referral.id,
        owner_id=setting.dsl.id,
        status="completed",
        outcome="assessment",
        completed_on=date(2026, 11, 25),
        completed_by_id=setting.dsl.id,
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    page = page_text(dsl.get(f"/reviews/{review.id}"))
    listed = page_text(dsl.get("/reviews?show=completed"))

    assert "Outcome Child and family assessment (section 17)" in page
    assert "IFD decision 25 November 2026 Child and family assessment (section 17)" in listed


def test_a_review_no_one_owns_says_who_is_reminded_instead(app):
    setting = child_with_plan()
    review = factories.review(setting.child, plan_id=setting.plan.id)
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    text = page_text(dsl.get(f"/reviews/{review.id}"))

    assert "Owner No owner" in text
    assert "The owner is reminded" not in text
    assert "the designated safeguarding leads of the child's school are reminded instead" in text


def test_someone_who_cannot_see_the_child_gets_not_found_and_nothing_is_said(app, login_as):
    setting = child_with_plan()
    review = factories.review(setting.child, plan_id=setting.plan.id)
    db.session.commit()

    for role in ("dsl", "practitioner", "link_worker", "gp", "admin"):
        response = login_as(role).get(f"/reviews/{review.id}")
        assert response.status_code == 404, role
        assert setting.plan.reference not in page_text(response)
    assert login_as("dsl").get("/reviews/999999").status_code == 404
    assert audit_events("review_viewed") == []


def test_the_owner_sees_their_review_even_without_the_childs_record(app, login_as):
    """An owner who cannot read the child (say, the referrer after the child moved school) sees
    the review by reference: no name, no notes."""
    setting = child_with_plan()
    referrer = login_as("dsl")
    review = factories.review(
        setting.child,
        plan_id=setting.plan.id,
        owner_id=referrer.user.id,
        notes="Private words",
        status="completed",
        outcome="reviewed",
        completed_on=date(2026, 11, 20),
    )
    db.session.commit()

    page = referrer.get(f"/reviews/{review.id}")

    assert page.status_code == 200
    text = page_text(page)
    assert setting.plan.reference in text
    assert setting.child.first_name not in text
    assert "Private words" not in text
