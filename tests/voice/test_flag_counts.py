"""Every flag a person may see is listed in a fixed number of statements, with 10 flagged
children as with 500 (each with every kind of flag): the list of flagged children, the home
page, a child's page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tas.children.models import Child
from tas.chronology.models import ChronologyEvent
from tas.extensions import db
from tas.flags.rules import KINDS
from tas.plans.models import AgencyInvolvement, EngagementUpdate, Outcome, OutcomeScore, SharedPlan
from tas.voice.models import VoiceEntry
from tests import factories
from tests.pages import page_text
from tests.voice.helpers import signed_in

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)


def flag_children(school, recorder, agency, count: int) -> list[Child]:
    """`count` children at the school, each with every kind of flag: a concern recorded this
    morning, unanswered; three significant events in the last 90 days (cumulative harm); an
    involvement with two updates of no engagement; a plan open since June 2025 whose outcome
    never improved (drift)."""
    children = [
        Child(
            first_name=f"Flagged{n}",
            last_name="Child",
            date_of_birth=date(2015, 1, 1),
            school_id=school.id,
        )
        for n in range(count)
    ]
    db.session.add_all(children)
    db.session.flush()
    db.session.add_all(
        VoiceEntry(
            child_id=child.id,
            heard_on=date(2026, 12, 11),
            setting="school",
            captured_by="A teacher",
            heard_how="directly",
            words="I don't want to go home.",
            raises_concern=True,
            recorded_by_id=recorder.id,
            recorded_at=datetime(2026, 12, 11, 9, 0, tzinfo=UTC),
            response_due_at=datetime(2026, 12, 11, 17, 0, tzinfo=UTC),
        )
        for child in children
    )
    db.session.add_all(
        ChronologyEvent(
            child_id=child.id,
            happened_on=date(2026, 12, day),
            category=category,
            severity="medium",
            summary="An event",
            recorded_by_id=recorder.id,
            recorded_at=datetime(2026, 12, day, 12, 0, tzinfo=UTC),
        )
        for child in children
        for day, category in ((1, "housing"), (4, "exclusion"), (9, "missing"))
    )
    plans = [SharedPlan(child_id=child.id, started_on=date(2025, 6, 1)) for child in children]
    db.session.add_all(plans)
    db.session.flush()
    involvements = [
        AgencyInvolvement(
            plan_id=plan.id,
            agency_id=agency.id,
            service="Sessions",
            status="active",
            child_engagement="none",
            parent_engagement="none",
        )
        for plan in plans
    ]
    outcomes = [Outcome(plan_id=plan.id, statement="Feels safe at home") for plan in plans]
    db.session.add_all([*involvements, *outcomes])
    db.session.flush()
    db.session.add_all(
        EngagementUpdate(
            involvement_id=involvement.id,
            recorded_on=date(2026, 11, day),
            child_engagement="none",
            parent_engagement="none",
            recorded_by_id=recorder.id,
        )
        for involvement in involvements
        for day in (2, 23)
    )
    db.session.add_all(
        OutcomeScore(outcome_id=outcome.id, score=4, scored_on=day, recorded_by_id=recorder.id)
        for outcome in outcomes
        for day in (date(2025, 6, 1), date(2026, 3, 1))
    )
    db.session.commit()
    return children


def test_flags_are_listed_in_the_same_statements_for_10_and_500_children(app, count_queries):
    school = factories.school()
    dsl = factories.user("dsl", school=school)
    db.session.flush()
    agency = factories.agency()
    db.session.flush()
    children = flag_children(school, dsl, agency, 10)
    browser = signed_in(app, dsl)
    pages = ("/flags", "/", f"/children/{children[0].id}")

    def statements() -> dict[str, int]:
        counted = {}
        for page in pages:
            with count_queries() as run:
                assert browser.get(page).status_code == 200
            counted[page] = len(run)
        return counted

    few = statements()
    listed = page_text(browser.get("/flags"))
    assert "10 children flagged" in listed
    for kind in KINDS.values():
        assert f"{kind}: 10 children" in listed, kind

    flag_children(school, dsl, agency, 490)

    assert statements() == few
    listed = page_text(browser.get("/flags"))
    assert "500 children flagged: page 1 of 20, most urgent first" in listed
    for kind in KINDS.values():
        assert f"{kind}: 500 children" in listed, kind
    # A page at a time: the last page holds the last 25.
    last = page_text(browser.get("/flags?page=20"))
    assert "page 20 of 20" in last and last.count("Child's words raise a concern.") == 25
