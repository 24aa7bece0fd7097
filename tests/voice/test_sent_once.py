"""What the child said, a chronology event, a Neglect Toolkit, an outcome, its score and an
agency's involvement are each saved once however often the form is sent (a double click, a
resend, the back button): the second send saves nothing, says so, and tells nobody again
(tas.core.submissions)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from tas.chronology.models import ChronologyEvent, HarmReview
from tas.core.submissions import ALREADY_SAVED
from tas.extensions import db
from tas.outbox.models import OutboxMessage
from tas.plans.models import AgencyInvolvement, Outcome, OutcomeScore
from tas.voice.models import VoiceEntry
from tests.chronology.helpers import event_form
from tests.pages import page_text, sent_twice
from tests.voice.helpers import child_and_team, entry_form, signed_in

TODAY = ["11", "12", "2026"]


@dataclass
class Adding:
    url: str
    typed: dict
    model: type
    saved_at: str  # where a form sent again goes: the page showing what the first send saved


def _forms(team) -> dict[str, Adding]:
    child, plan = team.child, team.plan
    record = f"/children/{child.id}"
    outcome = Outcome(plan_id=plan.id, statement="Sleeps well")
    db.session.add(outcome)
    db.session.commit()
    return {
        "voice": Adding(f"{record}/voice/new", entry_form(), VoiceEntry, f"{record}/voice"),
        "event": Adding(
            f"{record}/chronology/new", event_form(), ChronologyEvent, f"{record}/chronology"
        ),
        "toolkit": Adding(
            f"{record}/chronology/harm/neglect_toolkit",
            {
                "done_on": TODAY,
                "outcome": "some_concerns",
                "completed_by": "Dana Shah, DSL",
                "summary": "Home conditions poor; support through the plan.",
            },
            HarmReview,
            f"{record}/chronology",
        ),
        "outcome": Adding(
            f"{record}/plans/{plan.id}/outcomes/new",
            {"statement": "Gets to school on time", "score": "3", "scored_on": TODAY},
            Outcome,
            record,
        ),
        "involvement": Adding(
            f"{record}/plans/{plan.id}/involvements/new",
            {
                "agency": str(team.agency.id),
                "service": "Wellbeing group",
                "status": "active",
                "started_on": TODAY,
                "summary": "Weekly group on Tuesdays",
            },
            AgencyInvolvement,
            record,
        ),
        "score": Adding(
            f"{record}/outcomes/{outcome.id}/scores/new",
            {"score": "7", "scored_on": TODAY, "what_changed": "Sleeping through"},
            OutcomeScore,
            record,
        ),
    }


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("kind", ["voice", "event", "toolkit", "outcome", "score", "involvement"])
def test_a_form_sent_twice_saves_once_and_says_so(app, kind):
    team = child_and_team()
    adding = _forms(team)[kind]
    browser = signed_in(app, team.dsl)
    before, emails = _count(adding.model), _count(OutboxMessage)

    first, again = sent_twice(browser, adding.url, adding.typed)

    assert first.status_code == 302
    assert _count(adding.model) == before + 1
    assert again.status_code == 302
    assert again.headers["Location"].split("#")[0] == adding.saved_at
    assert ALREADY_SAVED in page_text(browser.get(adding.saved_at))
    assert _count(adding.model) == before + 1
    if kind == "voice":  # those who must answer the concern it raised are told once, not twice
        assert _count(OutboxMessage) == emails + 1
