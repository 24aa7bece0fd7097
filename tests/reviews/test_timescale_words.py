"""Pages that explain a timescale say the rule in force, not the default: after a coordinator
made the IFD's decision due in 3 working days, the assessment's outcome in 30 and the handover
meeting in 5, the referral, decision, step down and review pages say so (reading the rules once
a page), and a review's reminders are described as they really go."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tas.extensions import db
from tas.reviews.models import ReviewRule
from tests import factories
from tests.conftest import Visitor
from tests.pages import page_text, text_of
from tests.reviews.helpers import child_with_plan


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def changed_rules(by) -> None:
    db.session.flush()
    db.session.add_all(
        ReviewRule(event=event, amount=amount, unit="working_days", changed_by_id=by.id)
        for event, amount in (("referral", 3), ("assessment_opened", 30), ("step_down", 5))
    )
    db.session.commit()


def test_the_referral_and_decision_pages_say_the_rules_in_force(app):
    setting = child_with_plan()
    changed_rules(factories.user("coordinator", district_wide=True))
    dsl = signed_in(app, setting.dsl)

    # The form to refer, while no referral awaits a decision (one at a time).
    refer = page_text(dsl.get(f"/children/{setting.child.id}/level/referrals/new"))
    referral = factories.referral(setting.child, setting.dsl, plan_id=setting.plan.id)
    db.session.commit()
    decision = page_text(
        dsl.get(f"/children/{setting.child.id}/level/referrals/{referral.id}/decision")
    )

    assert "The decision is due 3 working days after the referral" in refer
    assert "next working day" not in refer
    assert "the assessment outcome is due 30 working days from the referral" in decision
    assert "45 working days" not in decision


def test_the_step_down_page_says_the_handover_rule_in_force(app):
    setting = child_with_plan(level="social_care", status="held_by_social_care")
    changed_rules(factories.user("coordinator", district_wide=True))
    dsl = signed_in(app, setting.dsl)

    page = page_text(dsl.get(f"/children/{setting.child.id}/level/step-down"))

    assert "a handover (TAF) meeting with the family is due within 5 working days" in page
    assert "10 working days" not in page


def test_an_ifd_decision_reviews_page_says_its_rule_and_when_it_is_really_reminded(
    app, count_queries
):
    """Due on Monday, the working day after it opened: never '5 working days before'."""
    setting = child_with_plan()
    changed_rules(factories.user("coordinator", district_wide=True))
    referral = factories.referral(setting.child, setting.dsl, plan_id=setting.plan.id)
    db.session.flush()
    review = factories.review(
        setting.child,
        kind="ifd_decision",
        referral_id=referral.id,
        owner_id=setting.dsl.id,
        due_on=date(2026, 11, 30),
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    with count_queries() as counted:
        response = dsl.get(f"/reviews/{review.id}")

    text = page_text(response)
    assert "The Integrated Front Door's decision is due 3 working days after the referral" in text
    assert text_of(response, "reminded") == (
        "The owner is reminded 1 working day before the due date, on the day, and each "
        "working day while it is overdue."
    )
    rule_reads = [s for s in counted if "FROM review_rule" in s]
    assert len(rule_reads) == 1


def test_an_assessment_outcome_reviews_page_says_its_rule(app):
    setting = child_with_plan(level="social_care", status="held_by_social_care")
    changed_rules(factories.user("coordinator", district_wide=True))
    referral = factories.referral(
        setting.child, setting.dsl, status="decided", decision="assessment"
    )
    db.session.flush()
    review = factories.review(
        setting.child,
        kind="assessment_outcome",
        referral_id=referral.id,
        owner_id=setting.dsl.id,
        due_on=date(2027, 1, 11),
    )
    db.session.commit()
    dsl = signed_in(app, setting.dsl)

    text = page_text(dsl.get(f"/reviews/{review.id}"))

    assert "assessment outcome is due 30 working days from the referral" in text
    assert "5 working days and 1 working day before the due date" in text
    assert db.session.scalar(select(ReviewRule.amount).where(ReviewRule.event == "referral")) == 3
