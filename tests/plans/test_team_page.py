"""The team-around-the-child page: every involved service in one table, outcomes over time,
actions by owner and what needs attention, shown only to those who need to know."""

from __future__ import annotations

from datetime import date

import pytest

from tas.extensions import db
from tas.plans.models import Outcome, OutcomeScore
from tests import factories
from tests.pages import page_text, section
from tests.plans.helpers import child_at, named_practitioner, open_plan

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)


def a_busy_plan(child, count: int, recorded_by):
    """A plan with `count` involvements (each its own agency and practitioner), `count` actions
    with every kind of owner, and `count` outcomes with two scores each."""
    plan = open_plan(child, lead_practitioner=factories.user("link_worker"))
    parent = factories.family_member(child)
    db.session.flush()
    for n in range(count):
        agency = factories.agency()
        person = factories.user("practitioner", agency=agency)
        involvement = factories.involvement(
            plan,
            agency=agency,
            practitioner=person,
            started_on=date(2026, 9, 10),
            child_engagement="good",
            parent_engagement="limited",
            last_contact_on=date(2026, 10, 1),
        )
        db.session.flush()
        owner = [
            {"owner_kind": "agency", "owner_agency_id": agency.id},
            {"owner_kind": "person", "owner_user_id": person.id},
            {"owner_kind": "family_member", "owner_family_member_id": parent.id},
            {"owner_kind": "child"},
        ][n % 4]
        factories.action(
            plan, due_on=date(2026, 10, 1 + n % 20), involvement_id=involvement.id, **owner
        )
        outcome = Outcome(plan_id=plan.id, statement=f"Outcome {n}")
        db.session.add(outcome)
        db.session.flush()
        for scored_on, score in ((date(2026, 9, 8), 3), (date(2026, 10, 6), 6)):
            db.session.add(
                OutcomeScore(
                    outcome_id=outcome.id,
                    score=score,
                    scored_on=scored_on,
                    recorded_by_id=recorded_by.id,
                )
            )
    db.session.commit()
    return plan


@pytest.mark.parametrize("role", ["dsl", "practitioner", "gp"])
def test_the_child_page_runs_the_same_queries_for_5_or_200_of_everything(
    login_as, count_queries, role
):
    counts = []
    for size in (5, 200):
        school = factories.school()
        gp_practice = factories.agency(service_type="gp_practice", ods_code=f"C{size:05d}")
        child = child_at(school, gp_practice=gp_practice)
        if role == "dsl":
            browser = login_as("dsl", school=school)
        elif role == "gp":
            browser = login_as("gp", agency=gp_practice)
        plan = a_busy_plan(child, size, factories.user("link_worker"))
        if role == "practitioner":
            browser, _ = named_practitioner(plan, login_as)
        browser.get("/")  # sign-in housekeeping out of the way
        with count_queries() as statements:
            response = browser.get(f"/children/{child.id}")
        assert response.status_code == 200
        assert (f"Outcome {size - 1}" in page_text(response)) == (role != "gp")
        counts.append(len(statements))

    assert counts[0] == counts[1]


def test_a_plan_page_runs_the_same_queries_for_5_or_200_of_everything(login_as, count_queries):
    counts = []
    for size in (5, 200):
        dsl = login_as("dsl")
        child = child_at(dsl.user.school)
        plan = a_busy_plan(child, size, dsl.user)
        dsl.get("/")
        with count_queries() as statements:
            response = dsl.get(f"/children/{child.id}/plans/{plan.id}")
        assert response.status_code == 200
        counts.append(len(statements))

    assert counts[0] == counts[1]


def test_every_involved_service_in_one_table_with_its_actions(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child, lead_practitioner=factories.user("link_worker", name="Lin Link"))
    camhs = factories.agency(name="CAMHS", contact_email="camhs@nhs.example")
    nurse = factories.user("practitioner", name="Nat Nurse", email="nat@example.org")
    nineteen = factories.agency(name="0-19 Service")
    nurse.agency = nineteen
    factories.involvement(plan, agency=camhs, started_on=date(2026, 9, 14), summary="Secret")
    factories.involvement(
        plan,
        agency=nineteen,
        practitioner=nurse,
        started_on=date(2026, 9, 21),
        child_engagement="partial",
        parent_engagement="none",
        last_contact_on=date(2026, 10, 5),
    )
    db.session.flush()
    factories.action(
        plan, owner_kind="agency", owner_agency_id=nineteen.id, due_on=date(2026, 10, 1)
    )
    factories.action(plan, owner_kind="person", owner_user_id=nurse.id, due_on=date(2026, 10, 30))
    factories.action(plan, owner_kind="agency", owner_agency_id=nineteen.id, status="done")
    db.session.commit()

    response = dsl.get(f"/children/{child.id}")

    services = section(response, "involved-services")
    assert (
        "0-19 Service Wellbeing sessions Nat Nurse nat@example.org 21 September 2026 "
        "Child: Partial Parent or carer: None 5 October 2026 2 open 1 overdue"
    ) in services
    assert (
        "CAMHS Wellbeing sessions Not named yet camhs@nhs.example 14 September 2026 "
        "Not recorded None recorded 0 open"
    ) in services
    assert "Secret" not in services  # summaries are on the involvement's own page
    page = page_text(response)
    assert "Lead practitioner Lin Link" in page
    assert "Level of need Early Help" in page
    actions = section(response, "actions")
    assert actions.index("0-19 Service") < actions.index("Nat Nurse")  # overdue owners first
    assert "1 October 2026 Overdue Not started" in actions


def test_what_needs_attention_is_flagged(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    plan.next_review_on = date(2026, 10, 5)
    factories.action(plan, due_on=date(2026, 10, 1))
    db.session.commit()

    flags = section(dsl.get(f"/children/{child.id}"), "plan-flags")

    assert "No lead practitioner" in flags
    assert "Review overdue: it was due on 5 October 2026" in flags
    assert "1 action is overdue" in flags


def test_outcome_scores_are_drawn_with_their_numbers_and_a_text_alternative(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    outcome = Outcome(plan_id=plan.id, statement="Sleeps through the night")
    db.session.add(outcome)
    db.session.flush()
    for scored_on, score in ((date(2026, 9, 8), 2), (date(2026, 10, 6), 5)):
        db.session.add(
            OutcomeScore(
                outcome_id=outcome.id, score=score, scored_on=scored_on, recorded_by_id=dsl.user.id
            )
        )
    db.session.commit()

    response = dsl.get(f"/children/{child.id}")

    body = response.get_data(as_text=True)
    assert 'role="img"' in body
    assert f'aria-labelledby="outcome-{outcome.id}-title outcome-{outcome.id}-desc"' in body
    outcomes = section(response, "outcomes")
    description = (
        "2 scores, up from 2 out of 10 on 8 September 2026 to 5 out of 10 on 6 October 2026."
    )
    assert description in outcomes
    assert "8 September 2026 2 6 October 2026 5" in outcomes


def test_a_gp_practice_sees_who_is_involved_and_nothing_more(login_as):
    gp = login_as("gp")
    child = child_at(factories.school(), gp_practice=gp.user.agency)
    plan = open_plan(child, lead_practitioner=factories.user("link_worker", name="Lin Link"))
    agency = factories.agency(name="Future in Mind", contact_email="fim@example.org")
    factories.involvement(plan, agency=agency, summary="Worries about home")
    factories.involvement(plan, status="ended", agency=factories.agency(name="Old service"))
    factories.action(plan, description="Secret action")
    outcome = Outcome(plan_id=plan.id, statement="Secret outcome")
    db.session.add(outcome)
    db.session.commit()

    response = gp.get(f"/children/{child.id}")
    plan_page = gp.get(f"/children/{child.id}/plans/{plan.id}")

    text = page_text(response)
    assert response.status_code == 200
    assert "Future in Mind Not named yet fim@example.org" in text
    assert "Lin Link" in text
    for hidden in ("Worries about home", "Secret action", "Secret outcome", "Old service"):
        assert hidden not in text
    assert "Level of need" not in text
    assert plan_page.status_code == 403
    assert "Secret" not in page_text(plan_page)


def test_a_practitioner_updates_their_own_work_from_the_page(login_as):
    child = child_at(factories.school())
    plan = open_plan(child)
    worker, mine = named_practitioner(plan, login_as)
    theirs = factories.involvement(plan)
    own_action = factories.action(plan, owner_kind="person", owner_user=worker.user)
    other_action = factories.action(plan, owner_kind="child")
    db.session.commit()

    body = worker.get(f"/children/{child.id}").get_data(as_text=True)

    assert f"/involvements/{mine.id}/change" in body
    assert f"/actions/{own_action.id}/change" in body
    assert f"/involvements/{theirs.id}/change" not in body
    assert f"/actions/{other_action.id}/change" not in body
    assert "Add an action" not in body
    assert "Close this plan" not in body
