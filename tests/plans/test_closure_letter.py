"""The closure letter for the family: plain words, and nothing they should not be given."""

from __future__ import annotations

from datetime import date

from tas.extensions import db
from tas.plans.models import Outcome, OutcomeScore
from tests import factories
from tests.pages import audit_events, page_text
from tests.plans.helpers import child_at, open_plan


def test_the_letter_leaves_out_what_is_not_for_the_family(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school, first_name="Robin")
    lead = factories.user("link_worker", name="Lin Link", email="lin@example.org")
    plan = open_plan(
        child,
        lead_practitioner=lead,
        status="closed",
        closed_on=date(2026, 10, 9),
        closure_reason="Robin is settled and the family feel able to manage.",
    )
    fim = factories.agency(name="Future in Mind")
    factories.involvement(
        plan,
        agency=fim,
        service="Wellbeing sessions",
        started_on=date(2026, 9, 10),
        ended_on=date(2026, 10, 8),
        status="ended",
        summary="Internal summary of sessions",
        child_engagement="limited",
    )
    factories.involvement(
        plan, agency=factories.agency(name="Police"), service="Intelligence", not_for_parent=True
    )
    factories.involvement(
        plan, agency=factories.agency(name="Neighbour"), service="Reported", third_party=True
    )
    factories.involvement(
        plan, agency=factories.agency(name="Youth Justice"), service="Referral", restricted=True
    )
    kept = Outcome(plan_id=plan.id, statement="Robin goes to school every day")
    hidden = Outcome(plan_id=plan.id, statement="Hidden outcome", not_for_parent=True)
    restricted = Outcome(plan_id=plan.id, statement="Restricted outcome", restricted=True)
    db.session.add_all([kept, hidden, restricted])
    db.session.flush()
    for scored_on, score in ((date(2026, 9, 8), 4), (date(2026, 10, 6), 8)):
        db.session.add(
            OutcomeScore(
                outcome_id=kept.id, score=score, scored_on=scored_on, recorded_by_id=lead.id
            )
        )
    factories.action(
        plan, description="Set up a morning club place", status="done", completion_note="Note"
    )
    factories.action(plan, description="Third-party action", status="done", third_party=True)
    factories.action(
        plan, description="Restricted action", status="done", completion_note="Why", restricted=True
    )
    factories.action(plan, description="Still to do", status="in_progress")
    db.session.commit()

    response = dsl.get(f"/children/{child.id}/plans/{plan.id}/closure-letter")

    text = page_text(response)
    assert response.status_code == 200
    assert "To the parents and carers of Robin" in text
    assert "ended on 9 October 2026" in text
    assert "Robin is settled and the family feel able to manage." in text
    assert "Future in Mind: Wellbeing sessions, from 10 September 2026 to 8 October 2026" in text
    assert (
        "Robin goes to school every day (from 4 out of 10 on 8 September 2026 to 8 out of 10 "
        "on 6 October 2026)"
    ) in text
    assert "Set up a morning club place" in text
    assert "Lin Link" in text and "lin@example.org" in text
    for left_out in (
        "Police",
        "Intelligence",
        "Neighbour",
        "Hidden outcome",
        "Third-party action",
        "Youth Justice",
        "Restricted outcome",
        "Restricted action",
        "Still to do",
        "Internal summary",
        "Limited",
        "Note",
    ):
        assert left_out not in text, left_out
    body = response.get_data(as_text=True)
    assert '<div class="govuk-!-display-none-print">' in body  # header and footer not printed
    assert [e.target_id for e in audit_events("closure_letter_viewed")] == [plan.id]


def test_an_open_plan_has_no_closure_letter(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    db.session.commit()

    response = dsl.get(f"/children/{child.id}/plans/{plan.id}/closure-letter")

    assert response.status_code == 404
