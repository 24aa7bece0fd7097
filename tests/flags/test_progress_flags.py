"""Low engagement and drift in the service (11 December 2026): an involvement whose engagement
stayed limited or none is flagged until a decision is recorded, and again when it stays low
after it; a plan open for over a year with nothing changing is flagged as drift, with the level
of need as the way forward."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select

from tas.children.models import Child
from tas.extensions import db
from tas.flags import progress
from tas.plans.models import (
    AgencyInvolvement,
    DriftDecision,
    EngagementDecision,
    EngagementUpdate,
    Outcome,
    OutcomeScore,
)
from tas.plans.outcomes.rules import drift
from tests import factories
from tests.pages import audit_events, error_summary, page_text
from tests.voice.helpers import child_and_team, signed_in

LOW = "Low engagement: a decision is needed"
DRIFT = "Drift: consider escalation or a different approach"


def low_updates(involvement_id: int, recorder_id: int, *days: date) -> None:
    """Engagement recorded as the involvement's service records it: the history, and the
    involvement's engagement now."""
    involvement = db.session.get(AgencyInvolvement, involvement_id)
    involvement.child_engagement, involvement.parent_engagement = "none", "limited"
    db.session.add_all(
        EngagementUpdate(
            involvement_id=involvement_id,
            recorded_on=day,
            child_engagement="none",
            parent_engagement="limited",
            recorded_by_id=recorder_id,
        )
        for day in days
    )
    db.session.commit()


def test_low_engagement_is_flagged_until_a_decision_then_again_if_it_stays_low(app):
    team = child_and_team()
    from_plan = factories.involvement(team.plan, agency=team.agency, service="Group sessions")
    db.session.commit()
    low_updates(from_plan.id, team.practitioner.id, date(2026, 10, 1), date(2026, 11, 2))
    dana = signed_in(app, team.dsl)
    child_page = f"/children/{team.child.id}"
    shown = page_text(dana.get(child_page))
    assert LOW in shown
    assert "The child's and the parent's engagement has been limited or none at 2 updates" in shown
    page = f"{child_page}/involvements/{from_plan.id}/engagement-decision"

    refused = dana.submit(page, {"decided_on": ["11", "12", "2026"], "decision": "continue_joint"})
    assert error_summary(refused) == {
        "detail": "Enter the joint approach, or the reasons for the decision"
    }
    decided = dana.submit(
        page,
        {
            "decided_on": ["11", "12", "2026"],
            "decision": "continue_joint",
            "detail": "Sessions at home with dad present; the school nurse joins.",
        },
    )

    assert decided.status_code == 302
    assert LOW not in page_text(dana.get(child_page))
    involvement_page = page_text(dana.get(decided.headers["Location"]))
    assert "Continue with a joint approach, 11 December 2026" in involvement_page
    assert [e.detail["decision"] for e in audit_events("engagement_decision_recorded")] == [
        "continue_joint"
    ]
    # Two more low updates after the decision: flagged again.
    low_updates(from_plan.id, team.practitioner.id, date(2026, 12, 11), date(2026, 12, 11))
    assert LOW in page_text(dana.get(child_page))
    assert db.session.scalar(select(EngagementDecision.after_update_id)) is not None


@pytest.mark.pages
def test_who_may_record_a_decision_about_engagement(app):
    team = child_and_team()
    involvement_id = db.session.scalar(
        select(AgencyInvolvement.id).where(
            AgencyInvolvement.practitioner_id == team.practitioner.id
        )
    )
    low_updates(involvement_id, team.practitioner.id, date(2026, 10, 1), date(2026, 11, 1))
    page = f"/children/{team.child.id}/involvements/{involvement_id}/engagement-decision"
    other_practitioner = factories.user("practitioner")
    gp = factories.user("gp")
    coordinator = factories.user("coordinator")
    db.session.commit()

    assert signed_in(app, team.practitioner).get(page).status_code == 200
    assert signed_in(app, team.lead).get(page).status_code == 200
    assert signed_in(app, other_practitioner).get(page).status_code == 404
    assert signed_in(app, gp).get(page).status_code == 404
    chris = signed_in(app, coordinator)
    assert chris.get(page).status_code == 404
    assert LOW in page_text(chris.get("/flags"))
    chris.submit(f"/children/{team.child.id}/reason", {"reason": "Following up low engagement"})
    assert chris.get(page).status_code == 200
    decided = chris.submit(
        page,
        {
            "decided_on": ["11", "12", "2026"],
            "decision": "escalate",
            "detail": "Discussed with the agency's lead: escalate to the TAS meeting.",
        },
    )
    assert decided.status_code == 302
    assert LOW not in page_text(chris.get(f"/children/{team.child.id}"))
    drift = f"/children/{team.child.id}/plans/{team.plan.id}/drift-decision"
    assert chris.get(drift).status_code == 200
    assert signed_in(app, team.practitioner).get(drift).status_code == 403


@pytest.mark.pages
def test_a_plan_open_over_a_year_with_nothing_changing_is_flagged_as_drift(app):
    team = child_and_team()
    team.plan.started_on = date(2025, 11, 2)
    outcome = Outcome(plan_id=team.plan.id, statement="Gets to school on time")
    db.session.add(outcome)
    db.session.flush()
    db.session.add_all(
        OutcomeScore(outcome_id=outcome.id, score=score, scored_on=day, recorded_by_id=team.dsl.id)
        for day, score in ((date(2025, 11, 2), 4), (date(2026, 4, 1), 4), (date(2026, 9, 1), 3))
    )
    db.session.commit()
    dana = signed_in(app, team.dsl)
    child_page = f"/children/{team.child.id}"

    shown = page_text(dana.get(child_page))
    assert DRIFT in shown
    assert "Open since 2 November 2025: no change of level" in shown
    assert team.child.first_name in page_text(dana.get("/flags"))
    decision = f"{child_page}/plans/{team.plan.id}/drift-decision"
    assert decision in dana.get(child_page).get_data(as_text=True)
    refused = dana.submit(decision, {"decided_on": ["11", "12", "2026"]})
    assert error_summary(refused) == {
        "decision": "Select what was decided about the plan",
        "detail": "Enter the new approach, or the reasons for the decision",
    }
    assert (
        dana.submit(
            decision,
            {
                "decided_on": ["11", "12", "2026"],
                "decision": "different_approach",
                "detail": "Mornings with the family worker at home instead of sessions at school.",
            },
        ).status_code
        == 302
    )
    assert DRIFT not in page_text(dana.get(child_page))
    assert [e.detail["decision"] for e in audit_events("drift_decision_recorded")] == [
        "different_approach"
    ]
    db.session.execute(delete(DriftDecision))
    db.session.commit()
    assert DRIFT in page_text(dana.get(child_page))

    db.session.add(
        OutcomeScore(
            outcome_id=outcome.id, score=6, scored_on=date(2026, 12, 10), recorded_by_id=team.dsl.id
        )
    )
    db.session.commit()
    assert DRIFT not in page_text(dana.get(child_page))


TODAY = date(2026, 12, 11)
YEAR_AGO = date(2025, 12, 11)  # the last day before the twelve months
HISTORIES = {
    "flat": [[(YEAR_AGO, 4), (date(2026, 6, 1), 4)]],
    "down": [[(YEAR_AGO, 4), (date(2026, 6, 1), 3), (date(2026, 11, 1), 2)]],
    "down then up to the baseline": [[(YEAR_AGO, 4), (date(2026, 6, 1), 2), (date(2026, 9, 1), 4)]],
    "up the day after the year began": [[(YEAR_AGO, 4), (date(2025, 12, 12), 5)]],
    "up on the year's last day before it": [[(date(2025, 6, 1), 4), (YEAR_AGO, 5)]],
    "the latest before the year is the baseline": [
        [(date(2025, 3, 1), 2), (YEAR_AGO, 6), (date(2026, 5, 1), 5)]
    ],
    "scored only within the year, rising": [[(date(2026, 1, 1), 3), (date(2026, 5, 1), 6)]],
    "scored only within the year, falling": [[(date(2026, 1, 1), 6), (date(2026, 5, 1), 3)]],
    "two scores on one day, the later one kept as the baseline": [
        [(YEAR_AGO, 7), (YEAR_AGO, 3), (date(2026, 4, 1), 5)]
    ],
    "one outcome flat, the other better": [
        [(YEAR_AGO, 4), (date(2026, 6, 1), 4)],
        [(YEAR_AGO, 2), (date(2026, 6, 1), 3)],
    ],
    "an outcome never scored": [[]],
    "no outcome at all": [],
}


@pytest.mark.parametrize("history", HISTORIES)
def test_the_database_rules_out_only_the_plans_the_drift_rule_would(app, history):
    """Plans that made progress are ruled out in SQL before the rule is applied to the rest
    (tas.flags.progress._improved): for every history, the flag is raised exactly when the pure
    rule says so."""
    team = child_and_team()
    team.plan.started_on = date(2025, 6, 1)
    for scores in HISTORIES[history]:
        outcome = Outcome(plan_id=team.plan.id, statement="Gets to school on time")
        db.session.add(outcome)
        db.session.flush()
        db.session.add_all(
            OutcomeScore(
                outcome_id=outcome.id, score=score, scored_on=day, recorded_by_id=team.dsl.id
            )
            for day, score in scores
        )
    db.session.commit()

    flagged = progress.drifted(Child.id == team.child.id, TODAY)

    expected = drift(team.plan.started_on, TODAY, [], HISTORIES[history])
    assert [flag.reason for flag in flagged] == (
        [] if expected is None else [f"Shared plan {team.plan.reference}. {expected}."]
    )
