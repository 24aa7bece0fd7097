"""Low engagement and drift in the service (11 December 2026): an involvement whose engagement
stayed limited or none is flagged until a decision is recorded, and again when it stays low
after it; a plan open for over a year with nothing changing is flagged as drift, with the level
of need as the way forward."""

from __future__ import annotations

import importlib.util
import random
import re
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, exists, or_, select, text
from sqlalchemy.orm import Session

from tas.children.models import Child
from tas.core.days import months_before
from tas.core.submissions import ALREADY_SAVED
from tas.core.use_cases import Refused
from tas.extensions import db
from tas.flags import progress
from tas.plans.involvements import decisions as engagement_decisions
from tas.plans.models import (
    AgencyInvolvement,
    DriftDecision,
    EngagementDecision,
    EngagementUpdate,
    Outcome,
    OutcomeProgress,
    OutcomeScore,
)
from tas.plans.outcomes import drift as drift_decisions
from tas.plans.outcomes.periods import improved_on
from tas.plans.outcomes.rules import DRIFT_MONTHS, drift
from tests import factories
from tests.pages import asked_why, audit_events, error_summary, page_text, sent_twice
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
    assert (
        "Latest engagement, recorded on 2 November 2026: the child's was none, and the "
        "parent's or carer's was limited."
    ) in page_text(dana.get(page))

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
    assert asked_why(chris.get(page), team.child.id)
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


@pytest.mark.pages
def test_no_decision_is_recorded_about_a_flag_that_is_not_there(app):
    """A plan that has not drifted and an involvement whose engagement is good: their decision
    pages say there is no flag (with the way back) and save nothing, so no banner ever says a
    flag was cleared that did not exist."""
    team = child_and_team()  # a plan started on 8 September 2026, engagement not recorded low
    involvement_id = db.session.scalar(
        select(AgencyInvolvement.id).where(
            AgencyInvolvement.practitioner_id == team.practitioner.id
        )
    )
    dana = signed_in(app, team.dsl)
    child_page = f"/children/{team.child.id}"
    drift = f"{child_page}/plans/{team.plan.id}/drift-decision"
    engagement = f"{child_page}/involvements/{involvement_id}/engagement-decision"
    decided = {"decided_on": ["11", "12", "2026"], "detail": "Carry on as agreed."}

    drift_page = dana.get(drift)
    drift_sent = dana.submit(drift, {**decided, "decision": "continue"})
    engagement_page = dana.get(engagement)
    engagement_sent = dana.submit(engagement, {**decided, "decision": "continue_joint"})

    assert drift_page.status_code == 200
    assert "This plan is not flagged for drift" in page_text(drift_page)
    assert f'href="{child_page}"' in drift_page.get_data(as_text=True)
    assert engagement_page.status_code == 200
    assert "This involvement is not flagged for low engagement" in page_text(engagement_page)
    assert f'href="{child_page}/involvements/{involvement_id}"' in (
        engagement_page.get_data(as_text=True)
    )
    for sent in (drift_sent, engagement_sent):
        assert sent.status_code == 200
        assert "Nothing has been saved" in page_text(sent)
        assert "flag is cleared" not in page_text(sent)
    assert db.session.scalars(select(DriftDecision)).all() == []
    assert db.session.scalars(select(EngagementDecision)).all() == []
    assert audit_events("drift_decision_recorded") == []
    assert audit_events("engagement_decision_recorded") == []
    involvement_page = page_text(dana.get(f"{child_page}/involvements/{involvement_id}"))
    assert "Record a decision about engagement" not in involvement_page


@pytest.mark.pages
def test_a_decision_sent_twice_is_saved_once_and_says_so(app):
    """The second send finds the flag cleared by the first: it says the decision was saved,
    not that there was no flag."""
    team = child_and_team()
    involvement_id = db.session.scalar(select(AgencyInvolvement.id))
    low_updates(involvement_id, team.practitioner.id, date(2026, 10, 1), date(2026, 11, 2))
    dana = signed_in(app, team.dsl)
    url = f"/children/{team.child.id}/involvements/{involvement_id}/engagement-decision"
    typed = {"decided_on": ["11", "12", "2026"], "decision": "escalate", "detail": "To TAS."}

    first, again = sent_twice(dana, url, typed)

    assert first.status_code == 302
    assert again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert ALREADY_SAVED in page_text(dana.get(again.headers["Location"]))
    assert len(db.session.scalars(select(EngagementDecision)).all()) == 1


@pytest.mark.pages
def test_a_decision_to_close_ends_the_involvement_on_its_date(app):
    team = child_and_team()
    involvement_id = db.session.scalar(select(AgencyInvolvement.id))
    db.session.get(AgencyInvolvement, involvement_id).started_on = date(2026, 9, 14)
    low_updates(involvement_id, team.practitioner.id, date(2026, 10, 1), date(2026, 11, 2))
    dana = signed_in(app, team.dsl)
    url = f"/children/{team.child.id}/involvements/{involvement_id}/engagement-decision"
    closing = {"decision": "close", "detail": "Family declined."}

    too_early = dana.submit(url, {**closing, "decided_on": ["13", "9", "2026"]})
    decided = dana.submit(url, {**closing, "decided_on": ["10", "12", "2026"]})

    assert error_summary(too_early) == {
        "decided_on": "The date of a decision to close the involvement must be on or after the "
        "day it started, 14 September 2026: it ends on that date"
    }

    assert decided.status_code == 302
    assert decided.headers["Location"] == f"/children/{team.child.id}/involvements/{involvement_id}"
    assert (
        "The decision has been saved and the involvement has ended on 10 December 2026: the low "
        "engagement flag is cleared" in page_text(dana.get(decided.headers["Location"]))
    )
    db.session.expire_all()
    involvement = db.session.get(AgencyInvolvement, involvement_id)
    assert (involvement.status, involvement.ended_on) == ("ended", date(2026, 12, 10))
    [ended] = audit_events("involvement_changed")
    assert (ended.target_id, ended.detail["fields"]) == (involvement_id, ["ended_on", "status"])
    assert [e.detail["decision"] for e in audit_events("engagement_decision_recorded")] == ["close"]


@pytest.mark.pages
def test_the_practitioner_who_closes_their_own_involvement_lands_on_a_page_they_can_open(app):
    """Named on it no longer, the practitioner no longer sees the child: they go to their home
    page, told why, rather than to a page not found under a banner saying it was saved."""
    team = child_and_team()
    involvement_id = db.session.scalar(select(AgencyInvolvement.id))
    low_updates(involvement_id, team.practitioner.id, date(2026, 10, 1), date(2026, 11, 2))
    farah = signed_in(app, team.practitioner)

    decided = farah.submit(
        f"/children/{team.child.id}/involvements/{involvement_id}/engagement-decision",
        {"decided_on": ["11", "12", "2026"], "decision": "close", "detail": "Family declined."},
    )

    assert decided.status_code == 302
    landed = farah.get(decided.headers["Location"])
    assert landed.status_code == 200
    assert "the involvement has ended on 11 December 2026" in page_text(landed)
    assert "You can no longer open this child's record" in page_text(landed)
    assert saved_status(involvement_id) == "ended"


def saved_status(involvement_id: int) -> str:
    db.session.expire_all()
    return db.session.get(AgencyInvolvement, involvement_id).status


def test_the_use_cases_refuse_a_decision_about_a_flag_that_is_not_there(app):
    team = child_and_team()
    involvement = db.session.scalar(select(AgencyInvolvement))
    values = {"decision": "escalate", "detail": "Escalate", "decided_on": date(2026, 12, 11)}

    with pytest.raises(Refused) as drift_refused:
        drift_decisions.decide(team.plan, team.dsl, values)
    with pytest.raises(Refused) as engagement_refused:
        engagement_decisions.decide(involvement, team.dsl, values)

    assert drift_refused.value.problems == {"decision": drift_decisions.NOT_FLAGGED}
    assert engagement_refused.value.problems == {"decision": engagement_decisions.NOT_FLAGGED}


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
    (the periods of progress kept beside the scores, tas.plans.outcomes.periods): for every
    history, the database finds progress exactly when the pure rule does, and the flag is
    raised exactly when the rule says so."""
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
    assert db.session.scalar(select(improved_on(team.plan.id, YEAR_AGO))) == (expected is None)
    assert [flag.reason for flag in flagged] == (
        [] if expected is None else [f"Shared plan {team.plan.reference}. {expected}."]
    )


def _improved_in_the_database(outcome_id: int, day: date) -> bool:
    return db.session.scalar(
        select(
            exists().where(
                OutcomeProgress.outcome_id == outcome_id,
                OutcomeProgress.until_on > day,
                or_(OutcomeProgress.from_on.is_(None), OutcomeProgress.from_on <= day),
            )
        )
    )


def _agree_with_the_rule(outcome_ids: list[int], started_on: date) -> dict[tuple[int, date], bool]:
    """For each outcome and each day around the scores' days, the database's answer against
    the rule's, for the scores as stored (by day, then in the order they were added): whether
    the outcome shows progress in the twelve months to that day."""
    scores: dict[int, list[tuple[date, int]]] = {outcome_id: [] for outcome_id in outcome_ids}
    for outcome_id, day, score in db.session.execute(
        select(OutcomeScore.outcome_id, OutcomeScore.scored_on, OutcomeScore.score).order_by(
            OutcomeScore.outcome_id, OutcomeScore.scored_on, OutcomeScore.id
        )
    ):
        scores[outcome_id].append((day, score))
    answers = {}
    for outcome_id, history in scores.items():
        for days in (-91, -90, -2, -1, 0, 1, 59, 60, 61):
            today = TODAY + timedelta(days=days)
            answer = drift(started_on, today, [], [history]) is None
            since = months_before(today, DRIFT_MONTHS)
            assert _improved_in_the_database(outcome_id, since) == answer, (history, today)
            answers[outcome_id, today] = answer
    return answers


def _random_histories(team, seed: int) -> list[int]:
    """60 outcomes of the plan with random histories: scores on the same day, repeated
    scores, some with none before the twelve months; their ids."""
    chance = random.Random(seed)
    outcomes = [Outcome(plan_id=team.plan.id, statement="Gets to school") for _ in range(60)]
    db.session.add_all(outcomes)
    db.session.flush()
    for outcome in outcomes:
        for _ in range(chance.randint(0, 6)):
            db.session.add(
                OutcomeScore(
                    outcome_id=outcome.id,
                    score=chance.randint(0, 4),
                    scored_on=YEAR_AGO + timedelta(days=chance.choice([-90, -1, 0, 0, 1, 60])),
                    recorded_by_id=team.dsl.id,
                )
            )
    db.session.commit()
    return [outcome.id for outcome in outcomes]


def test_the_periods_of_progress_follow_every_score_added_changed_or_removed(app):
    """For random histories the database's answer agrees with the rule's, then again after
    scores are changed and removed, whatever code wrote them (a listener on every flush)."""
    team = child_and_team()
    started_on = date(2025, 1, 1)
    ids = _random_histories(team, seed=14)
    before = _agree_with_the_rule(ids, started_on)
    assert set(before.values()) == {True, False}  # both answers are among the histories

    chance = random.Random(15)
    every_score = db.session.scalars(select(OutcomeScore).order_by(OutcomeScore.id)).all()
    for row in every_score[::3]:
        row.score = chance.randint(0, 4)
    for row in every_score[1::5]:
        db.session.delete(row)
    db.session.commit()
    after = _agree_with_the_rule(ids, started_on)
    assert after != before  # and some answers have changed

    # Scores moved to another outcome, and scores removed without being read first (their
    # rows expired by the commit above).
    every_score = db.session.scalars(select(OutcomeScore).order_by(OutcomeScore.id)).all()
    for row in every_score[::4]:
        row.outcome_id = ids[(ids.index(row.outcome_id) + 1) % len(ids)]
    db.session.commit()
    for row in every_score[1::4]:
        db.session.delete(row)
    db.session.commit()
    assert _agree_with_the_rule(ids, started_on) != after


def test_the_migration_works_the_periods_out_as_the_application_does(app):
    """Migration 0023 fills the table for the scores already there with its own copy of the
    statement: the same rows."""
    _random_histories(child_and_team(), seed=16)
    periods = select(
        OutcomeProgress.outcome_id,
        OutcomeProgress.plan_id,
        OutcomeProgress.from_on,
        OutcomeProgress.until_on,
    )
    kept = set(db.session.execute(periods).all())
    db.session.execute(delete(OutcomeProgress))
    db.session.execute(text(_migration("0023_outcome_progress").BACKFILL))
    assert set(db.session.execute(periods).all()) == kept != set()


def _migration(name: str):
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.commits  # two transactions at once, a connection each
def test_two_transactions_scoring_one_outcome_at_once_leave_its_periods_right(app):
    """Each transaction works the periods out from the scores it can see: the second to score
    the outcome waits for the first (PostgreSQL: a row lock; SQLite: its one writer), then
    sees its score, so the periods are those of both scores."""
    team = child_and_team()
    outcome = Outcome(plan_id=team.plan.id, statement="Gets to school")
    db.session.add(outcome)
    db.session.flush()
    score = {"outcome_id": outcome.id, "recorded_by_id": team.dsl.id}
    db.session.add(OutcomeScore(**score, score=3, scored_on=date(2026, 1, 1)))
    db.session.commit()
    engine, outcome_id = db.engine, outcome.id

    failures = []

    def second_transaction():
        try:
            with Session(engine) as second:
                second.add(OutcomeScore(**score, score=6, scored_on=date(2026, 2, 1)))
                second.commit()  # waits for the first
        except BaseException as error:  # reported below, never lost in the thread
            failures.append(error)

    thread = threading.Thread(target=second_transaction)
    with Session(engine) as first:  # closed (and rolled back) whatever happens
        first.add(OutcomeScore(**score, score=5, scored_on=date(2026, 3, 1)))
        first.flush()  # periods worked out from 3 then 5: progress until 1 March
        thread.start()
        thread.join(timeout=1)
        waited = thread.is_alive()
        first.commit()
    thread.join(timeout=30)
    assert waited  # the second transaction waited for the first
    assert not failures and not thread.is_alive()

    # 3, 6, 5: the first score was bettered (by 6) until 1 February; 6 never was.
    periods = db.session.execute(
        select(OutcomeProgress.from_on, OutcomeProgress.until_on).where(
            OutcomeProgress.outcome_id == outcome_id
        )
    ).all()
    assert periods == [(None, date(2026, 2, 1))]


# Bulk statements on the scores that keep the periods of progress themselves (`rebuild`).
BULK_WRITERS_THAT_REBUILD = {"tas/benchmark/records.py"}
BULK_WRITE = re.compile(r"\b(insert|update|delete)\(\s*OutcomeScore\b|OutcomeScore\.__table__")


def test_no_code_writes_scores_past_the_sessions_objects_without_rebuilding_the_periods():
    """The periods follow every score written as an object (the session's listener); a bulk
    statement on the scores passes that by, so only code that rebuilds them may make one."""
    root = Path(__file__).resolve().parents[2]
    writers = {
        str(path.relative_to(root))
        for path in (root / "tas").rglob("*.py")
        if BULK_WRITE.search(path.read_text())
    }
    assert writers == BULK_WRITERS_THAT_REBUILD
    assert "periods.rebuild(" in (root / "tas/benchmark/records.py").read_text()
