"""Outcomes on the plan, scored 0-10 at each review, with every score kept."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tas.extensions import db
from tas.plans.models import Outcome, OutcomeScore
from tests import factories
from tests.pages import audit_events, day, error_summary, field_value, hint_of, page_text
from tests.plans.helpers import child_at, named_practitioner, open_plan


def outcomes_of(plan_id: int) -> list[tuple[str, list[tuple[date, int]]]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(Outcome).where(Outcome.plan_id == plan_id).order_by(Outcome.id)
    )
    return [(o.statement, [(s.scored_on, s.score) for s in o.scores]) for o in rows]


def test_an_outcome_is_added_and_scored_at_each_review(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    db.session.commit()

    added = dsl.submit(
        f"/children/{child.id}/plans/{plan.id}/outcomes/new",
        {"statement": "Gets to school on time", "score": "3", "scored_on": day(date(2026, 9, 8))},
    )
    assert outcomes_of(plan.id) == [("Gets to school on time", [(date(2026, 9, 8), 3)])]
    outcome_id = db.session.scalar(select(Outcome.id).where(Outcome.plan_id == plan.id))
    score_page = dsl.get(f"/children/{child.id}/outcomes/{outcome_id}/scores/new")
    scored = dsl.submit(
        f"/children/{child.id}/outcomes/{outcome_id}/scores/new",
        {
            "score": "7",
            "scored_on": day(date(2026, 10, 12)),
            "what_changed": "On time four days in five",
        },
    )

    assert added.status_code == 302 and scored.status_code == 302
    assert hint_of(score_page, "score").startswith("Last scored 3 out of 10, on 8 September 2026")
    assert outcomes_of(plan.id) == [
        ("Gets to school on time", [(date(2026, 9, 8), 3), (date(2026, 10, 12), 7)])
    ]
    added_event = audit_events("outcome_added")[0].detail
    assert added_event["plan_id"] == plan.id and "score" in added_event["fields"]
    assert "Gets to school on time" not in str(added_event)  # the statement is not audited
    assert audit_events("outcome_scored")[0].detail == {
        "plan_id": plan.id,
        "fields": ["score", "scored_on", "what_changed"],
    }
    recorded_by = db.session.scalars(select(OutcomeScore.recorded_by_id)).all()
    assert recorded_by == [dsl.user.id, dsl.user.id]
    outcomes = page_text(dsl.get(f"/children/{child.id}"))
    assert "up from 3 out of 10 on 8 September 2026 to 7 out of 10 on 12 October 2026" in outcomes
    assert "12 October 2026 7 On time four days in five" in outcomes  # the scores' data table


def test_a_score_must_be_a_whole_number_from_0_to_10(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    outcome = Outcome(plan_id=plan.id, statement="Sleeps well")
    db.session.add(outcome)
    db.session.commit()
    url = f"/children/{child.id}/outcomes/{outcome.id}/scores/new"

    too_high = dsl.submit(url, {"score": "11", "scored_on": day(date(2026, 10, 12))})
    future = dsl.submit(url, {"score": "4", "scored_on": day(date(2026, 10, 13))})

    assert error_summary(too_high) == {"score": "Enter a score from 0 to 10, as a whole number"}
    assert field_value(too_high, "score") == "11"
    assert error_summary(future) == {
        "scored_on": "The date of the score must be today or in the past"
    }
    both = dsl.submit(url, {"score": "11", "scored_on": day(date(2026, 10, 13))})
    assert error_summary(both) == {  # at once, not one after the other
        "score": "Enter a score from 0 to 10, as a whole number",
        "scored_on": "The date of the score must be today or in the past",
    }
    assert outcomes_of(plan.id) == [("Sleeps well", [])]


def test_an_outcome_is_scored_once_a_day(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    outcome = Outcome(plan_id=plan.id, statement="Sleeps well")
    db.session.add(outcome)
    db.session.commit()
    url = f"/children/{child.id}/outcomes/{outcome.id}/scores/new"

    first = dsl.submit(url, {"score": "4", "scored_on": day(date(2026, 10, 12))})
    second = dsl.submit(url, {"score": "7", "scored_on": day(date(2026, 10, 12))})
    both = dsl.submit(url, {"score": "11", "scored_on": day(date(2026, 10, 12))})
    another_day = dsl.submit(url, {"score": "7", "scored_on": day(date(2026, 10, 9))})

    assert first.status_code == 302
    assert second.status_code == 200
    assert error_summary(second) == {
        "scored_on": "The outcome already has a score for 12 October 2026: enter another date, "
        "or leave that score as it is"
    }
    assert set(error_summary(both)) == {"score", "scored_on"}  # at once
    assert another_day.status_code == 302
    assert outcomes_of(plan.id) == [
        ("Sleeps well", [(date(2026, 10, 9), 7), (date(2026, 10, 12), 4)])
    ]
    assert len(audit_events("outcome_scored")) == 2


def test_a_practitioner_on_the_plan_cannot_add_outcomes(login_as):
    child = child_at(factories.school())
    plan = open_plan(child)
    worker, _ = named_practitioner(plan, login_as)

    response = worker.submit(
        f"/children/{child.id}/plans/{plan.id}/outcomes/new",
        {"statement": "Mine", "score": "", "scored_on": ""},
        page=f"/children/{child.id}",
    )

    assert response.status_code == 403
    assert outcomes_of(plan.id) == []
