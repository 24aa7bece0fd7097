"""The review rules page: everyone with reviews may read the four rules in force; a coordinator
changes them (stale edits refused with both versions), or puts one back to its default; every
change is audited, and a new rule changes the due date of reviews made from then on."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tas.extensions import db
from tas.reviews.models import ReviewRule
from tests import factories
from tests.pages import audit_events, date_shown, day, error_summary, field_value, page_text
from tests.plans.helpers import child_at
from tests.reviews.helpers import child_with_plan
from tests.reviews.test_review_completion import plan_reviews_of, signed_in

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

URL = "/reviews/rules"
DEFAULTS = {
    "step_down_amount": "10",
    "step_down_unit": "working_days",
    "referral_amount": "1",
    "referral_unit": "working_days",
    "assessment_opened_amount": "45",
    "assessment_opened_unit": "working_days",
    "plan_review_amount": "6",
    "plan_review_unit": "weeks",
}


def rule_rows() -> dict[str, tuple[int, str]]:
    db.session.expire_all()
    return {row.event: (row.amount, row.unit) for row in db.session.scalars(select(ReviewRule))}


def versions_on(response) -> str:
    value = field_value(response, "version")
    assert value is not None, "no version on the rules form"
    return value


def test_everyone_with_reviews_reads_the_rules_in_force(login_as):
    dsl = login_as("dsl")

    page = dsl.get(URL)

    assert page.status_code == 200
    text = page_text(page)
    assert "Step down from Children's Social Care Handover (TAF) meeting 10 working days" in text
    assert "Referral to the IFD IFD decision 1 working day after the referral date" in text
    assert "45 working days after the referral date" in text
    assert "Shared plan review Plan review 6 weeks after the last review" in text
    assert "A change applies to reviews made from now on" in text
    assert "Only a coordinator who covers the whole district can change these rules" in text
    assert "Save the review rules" not in text


@pytest.mark.parametrize("role", ["dsl", "link_worker", "practitioner", "admin"])
def test_only_a_coordinator_may_change_a_rule(login_as, role):
    browser = login_as(role)

    read = browser.get(URL)
    sent = browser.submit(URL, {**DEFAULTS, "plan_review_amount": "2", "version": "0.0.0.0"})
    reset = browser.submit("/reviews/rules/reset", {"rule": "plan_review", "version": "0.0.0.0"})

    assert read.status_code == 200
    assert (sent.status_code, reset.status_code) == (403, 403)
    assert rule_rows() == {}
    assert audit_events("review_rule_changed") == []


def test_cluster_coordinator_sees_review_rules_read_only(login_as):
    """The rules are the district's: a coordinator of some clusters reads them, with no form,
    and a post or a reset from them is refused and changes nothing (issue 11, section 7)."""
    cluster_coordinator = login_as(
        "coordinator", district_wide=False, clusters=[factories.cluster()]
    )

    page = cluster_coordinator.get(URL)
    sent = cluster_coordinator.submit(
        URL, {**DEFAULTS, "plan_review_amount": "2", "version": "0.0.0.0"}
    )
    reset = cluster_coordinator.submit(
        "/reviews/rules/reset", {"rule": "plan_review", "version": "0.0.0.0"}
    )

    assert page.status_code == 200
    text, body = page_text(page), page.get_data(as_text=True)
    assert "Shared plan review Plan review 6 weeks after the last review" in text
    assert (
        "Only a coordinator who covers the whole district can change these rules. "
        "Ask one of them if a rule needs to change." in text
    )
    assert 'name="plan_review_amount"' not in body and "Save the review rules" not in text
    assert "Reset to the default" not in text
    assert (sent.status_code, reset.status_code) == (403, 403)
    assert rule_rows() == {}
    assert audit_events("review_rule_changed") == audit_events("review_rule_reset") == []


def test_a_district_wide_coordinator_has_the_form(login_as):
    page = login_as("coordinator", district_wide=True).get(URL)
    assert field_value(page, "plan_review_amount") == "6"
    assert "Only a coordinator who covers the whole district" not in page_text(page)


def test_a_gp_practice_has_no_review_rules(login_as):
    assert login_as("gp").get(URL).status_code == 403


def test_a_coordinator_changes_a_rule_and_it_is_audited(login_as):
    coordinator = login_as("coordinator", name="Cora Ordinator")
    form = coordinator.get(URL)

    sent = coordinator.submit(
        URL, {**DEFAULTS, "plan_review_amount": "4", "version": versions_on(form)}
    )

    assert field_value(form, "plan_review_amount") == "6"
    assert sent.status_code == 302
    assert rule_rows() == {"plan_review": (4, "weeks")}
    [event] = audit_events("review_rule_changed")
    assert event.actor_id == coordinator.user.id
    assert event.detail == {"event": "plan_review", "from": [6, "weeks"], "to": [4, "weeks"]}
    after = page_text(coordinator.get(URL))
    assert "The review rules have been saved" in after
    assert "4 weeks after the last review" in after
    assert "Changed by Cora Ordinator on 27 November 2026" in after
    assert field_value(coordinator.get(URL), "version") == "0.0.0.1"


def test_rules_sent_back_unchanged_say_nothing_was_saved(login_as):
    coordinator = login_as("coordinator")

    sent = coordinator.submit(URL, {**DEFAULTS, "version": versions_on(coordinator.get(URL))})

    after = page_text(coordinator.get(sent.headers["Location"]))
    assert "Important You did not change anything, so nothing has been saved" in after
    assert "Success" not in after
    assert rule_rows() == {}
    assert audit_events("review_rule_changed") == []


def test_a_reset_of_a_rule_at_its_default_is_not_a_success(login_as):
    coordinator = login_as("coordinator")

    reset = coordinator.submit(
        "/reviews/rules/reset", {"rule": "referral", "version": versions_on(coordinator.get(URL))}
    )

    after = page_text(coordinator.get(reset.headers["Location"]))
    assert "Important The rule for referral to the IFD was already at its default" in after
    assert "Success" not in after


def test_what_to_put_right_keeps_what_was_typed(login_as):
    coordinator = login_as("coordinator")
    version = versions_on(coordinator.get(URL))

    sent = coordinator.submit(
        URL,
        {
            **DEFAULTS,
            "step_down_amount": "0",
            "referral_amount": "one",
            "plan_review_amount": "53",
            "assessment_opened_unit": "",
            "version": version,
        },
    )

    assert sent.status_code == 200
    assert error_summary(sent) == {
        "step_down_amount": "The handover (TAF) meeting must be due 1 or more working days "
        "after the step down",
        "referral_amount": "Enter how long after the referral date the IFD decision is due, "
        "as a number",
        "assessment_opened_unit": "Select whether the assessment outcome is counted in working "
        "days or weeks",
        "plan_review_amount": "The plan review must be due 52 weeks or fewer after the last "
        "review (or the handover)",
    }
    assert field_value(sent, "referral_amount") == "one"
    assert field_value(sent, "plan_review_amount") == "53"
    assert rule_rows() == {}


def test_each_rule_left_blank_is_named_in_its_own_message(login_as):
    coordinator = login_as("coordinator")
    blanks = {f"{event}_amount": "" for event in ("step_down", "referral", "assessment_opened")}

    sent = coordinator.submit(
        URL,
        {
            **DEFAULTS,
            **blanks,
            "plan_review_amount": "-5",
            "version": versions_on(coordinator.get(URL)),
        },
    )

    messages = list(error_summary(sent).values())
    assert messages == [
        "Enter how long after the step down the handover (TAF) meeting is due, as a number",
        "Enter how long after the referral date the IFD decision is due, as a number",
        "Enter how long after the referral date the assessment outcome is due, as a number",
        "The plan review must be due 1 or more weeks after the last review (or the handover)",
    ]
    assert field_value(sent, "plan_review_amount") == "-5"
    assert rule_rows() == {}


def test_spaces_around_a_number_are_trimmed(login_as):
    coordinator = login_as("coordinator")

    sent = coordinator.submit(
        URL, {**DEFAULTS, "referral_amount": " 7 ", "version": versions_on(coordinator.get(URL))}
    )

    assert sent.status_code == 302
    assert rule_rows() == {"referral": (7, "working_days")}


def test_a_stale_edit_is_refused_with_both_versions(login_as):
    first = login_as("coordinator")
    second = login_as("coordinator")
    first_form, second_form = first.get(URL), second.get(URL)

    saved = first.submit(
        URL, {**DEFAULTS, "plan_review_amount": "4", "version": versions_on(first_form)}
    )
    refused = second.submit(
        URL, {**DEFAULTS, "step_down_amount": "15", "version": versions_on(second_form)}
    )

    assert saved.status_code == 302
    assert refused.status_code == 409
    text = page_text(refused)
    assert "Someone else changed the review rules while you were editing them" in text
    assert "Shared plan review: how long 6 4 Different" in text
    assert "Step down from Children's Social Care: how long 15 10 Different" in text
    assert field_value(refused, "step_down_amount") == "15"  # what they typed is kept
    assert rule_rows() == {"plan_review": (4, "weeks")}  # the first save stands

    again = second.submit(
        URL, {**DEFAULTS, "step_down_amount": "15", "version": versions_on(refused)}
    )

    assert again.status_code == 302
    assert rule_rows() == {"step_down": (15, "working_days"), "plan_review": (6, "weeks")}


def test_reset_to_the_default(login_as):
    coordinator = login_as("coordinator")
    coordinator.submit(
        URL, {**DEFAULTS, "referral_amount": "2", "version": versions_on(coordinator.get(URL))}
    )
    page = coordinator.get(URL)
    assert "Referral to the IFD: the default is 1 working day" in page_text(page)

    reset = coordinator.submit(
        "/reviews/rules/reset", {"rule": "referral", "version": versions_on(page)}
    )

    assert reset.status_code == 302
    assert rule_rows() == {}
    [event] = audit_events("review_rule_reset")
    assert event.detail == {"event": "referral", "from": [2, "working_days"]}
    after = page_text(coordinator.get(URL))
    assert "is back to its default" in after
    assert "Put a rule back to its default" not in after


def test_a_reset_after_someone_else_changed_the_rules_is_refused(login_as):
    first = login_as("coordinator")
    second = login_as("coordinator")
    first.submit(URL, {**DEFAULTS, "referral_amount": "2", "version": versions_on(first.get(URL))})
    opened = second.get(URL)
    first.submit(URL, {**DEFAULTS, "referral_amount": "3", "version": versions_on(first.get(URL))})

    refused = second.submit(
        "/reviews/rules/reset", {"rule": "referral", "version": versions_on(opened)}
    )

    assert refused.status_code == 409
    assert "check them, then reset the rule again" in page_text(refused)
    assert rule_rows() == {"referral": (3, "working_days")}


def test_a_new_rule_changes_the_due_date_of_the_next_review(login_as):
    coordinator = login_as("coordinator")
    coordinator.submit(
        URL, {**DEFAULTS, "plan_review_amount": "4", "version": versions_on(coordinator.get(URL))}
    )
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    db.session.commit()

    start = dsl.get(f"/children/{child.id}/plans/new")

    # Four weeks from Friday 27 November 2026 is Christmas Day: the next working day after the
    # Boxing Day substitute is Tuesday 29 December.
    assert date_shown(start, "next_review_on") == ["29", "12", "2026"]


def test_a_new_rule_applies_to_the_next_plan_review_when_one_is_completed(app, login_as):
    coordinator = login_as("coordinator")
    coordinator.submit(
        URL,
        {
            **DEFAULTS,
            "plan_review_amount": "20",
            "plan_review_unit": "working_days",
            "version": versions_on(coordinator.get(URL)),
        },
    )
    setting = child_with_plan()
    review = factories.review(
        setting.child, plan_id=setting.plan.id, owner_id=setting.link_worker.id
    )
    db.session.commit()
    lead = signed_in(app, setting.link_worker)

    done = lead.submit(
        f"/reviews/{review.id}/complete",
        {"outcome": "reviewed", "completed_on": day(date(2026, 11, 27)), "version": "1"},
    )

    assert done.status_code == 302
    # 20 working days from 27 November 2026: 30 Nov-4 Dec (5), 7-11 Dec (10), 14-18 Dec (15),
    # 21-24 Dec (19), then past Christmas Day and the Boxing Day substitute to 29 Dec (20).
    [(due_on, status)] = [(r.due_on, r.status) for r in plan_reviews_of(setting.plan.id, "open")]
    assert (due_on, status) == (date(2026, 12, 29), "open")
