"""The home page tells a person of their own reviews overdue and due in the next 10 working
days, and a coordinator of the overdue reviews in the schools they cover (27 November 2026)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tas.extensions import db
from tas.reviews.models import Review
from tests import factories
from tests.conftest import Visitor
from tests.pages import page_text
from tests.reviews.helpers import child_with_plan


def home_of(app, user) -> str:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return page_text(browser.get("/"))


def test_an_owner_is_told_of_their_overdue_and_soon_due_reviews(app):
    setting = child_with_plan()
    lead = setting.link_worker
    for due in (date(2026, 11, 20), date(2026, 11, 26), date(2026, 12, 4), date(2027, 1, 29)):
        factories.review(setting.child, plan_id=setting.plan.id, owner_id=lead.id, due_on=due)
    factories.review(
        setting.child,
        plan_id=setting.plan.id,
        owner_id=lead.id,
        due_on=date(2026, 11, 2),
        status="completed",
    )
    db.session.commit()

    text = home_of(app, lead)

    assert "2 of your reviews are overdue" in text
    assert "1 of your reviews is due in the next 10 working days" in text
    assert "reviews are overdue in the schools you cover" not in text
    # Someone else at the school owns none of them.
    assert "of your reviews" not in home_of(app, setting.dsl)
    # The links land on the person's own list, which gives the same figures.
    browser = Visitor(app.test_client())
    browser.sign_in(lead.email)
    mine = page_text(browser.get("/reviews?show=mine"))
    assert "Of your 4 open reviews, 2 are overdue and 1 is due in the next 10 working days" in mine
    # With none overdue, the list does not say "0 are overdue".
    for review in db.session.scalars(select(Review).where(Review.due_on < date(2026, 11, 27))):
        review.status = "completed"
    db.session.commit()
    mine = page_text(browser.get("/reviews?show=mine"))
    assert "Of your 2 open reviews, 1 is due in the next 10 working days, tagged below" in mine


def test_a_coordinator_is_told_of_the_overdue_reviews_in_their_clusters_only(app):
    here = child_with_plan()
    there = child_with_plan()
    factories.review(here.child, plan_id=here.plan.id, due_on=date(2026, 11, 25))
    factories.review(there.child, plan_id=there.plan.id, due_on=date(2026, 11, 25))
    factories.review(there.child, plan_id=there.plan.id, due_on=date(2026, 11, 24))
    coordinator = factories.user("coordinator", district_wide=False, clusters=[here.school.cluster])
    db.session.commit()

    assert "1 review is overdue in the schools you cover" in home_of(app, coordinator)


@pytest.mark.parametrize("role", ["gp", "admin"])
def test_people_without_reviews_are_told_nothing_about_them(app, role):
    setting = child_with_plan()
    factories.review(setting.child, plan_id=setting.plan.id, due_on=date(2026, 11, 25))
    person = factories.user(role)
    db.session.commit()

    text = home_of(app, person)
    assert "overdue" not in text and "due in the next" not in text
