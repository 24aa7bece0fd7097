"""Cumulative harm in the service: three events in 90 days flag the child on their page, on the
flags list and on the chronology, with the prompts; a Neglect Toolkit or an escalation decision
clears the flag until a new event arrives; who may see and clear it (11 December 2026)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tas.chronology.models import HarmReview
from tas.extensions import db
from tests import factories
from tests.chronology.helpers import add_event
from tests.pages import asked_why, audit_events, error_summary, page_text
from tests.voice.helpers import child_and_team, signed_in

FLAG = "Cumulative harm: consider it now"


def three_events(browser, child) -> None:
    for day, category in (("1", "housing"), ("20", "exclusion")):
        add_event(browser, child, happened_on=[day, "11", "2026"], category=category)
    add_event(browser, child, happened_on=["9", "12", "2026"], category="self_harm")


def toolkit(**changes) -> dict:
    return {
        "done_on": ["11", "12", "2026"],
        "outcome": "some_concerns",
        "completed_by": "Dana Shah, DSL",
        "summary": "Home conditions poor; support through the plan.",
        **changes,
    }


def test_three_events_flag_the_child_until_a_neglect_toolkit_then_a_new_event(app):
    team = child_and_team()
    dana = signed_in(app, team.dsl)
    add_event(dana, team.child, happened_on=["1", "11", "2026"], category="housing")
    add_event(dana, team.child, happened_on=["20", "11", "2026"], category="exclusion")
    child_page = f"/children/{team.child.id}"
    assert FLAG not in page_text(dana.get(child_page))  # two are not a pattern

    add_event(dana, team.child, happened_on=["9", "12", "2026"], category="self_harm")

    shown = page_text(dana.get(child_page))
    assert FLAG in shown
    assert (
        "3 significant events in 90 days: housing on 1 November 2026, exclusion on 20 November "
        "2026, self-harm on 9 December 2026" in shown
    )
    assert "Complete the Neglect Toolkit" in shown
    assert team.child.first_name in page_text(dana.get("/flags"))
    page = f"/children/{team.child.id}/chronology/harm/neglect_toolkit"
    refused = dana.submit(page, toolkit(outcome="", summary=""))
    assert error_summary(refused) == {
        "outcome": "Select the Neglect Toolkit's overall outcome",
        "summary": "Enter a summary",
    }
    assert "Dana Shah, DSL" in refused.get_data(as_text=True)

    assert dana.submit(page, toolkit()).status_code == 302

    assert FLAG not in page_text(dana.get(child_page))
    assert "Neglect Toolkit completed" in page_text(dana.get(f"{child_page}/chronology"))
    assert [e.detail["kind"] for e in audit_events("harm_review_recorded")] == ["neglect_toolkit"]
    # A new event brings the pattern back: an escalation decision answers it this time.
    add_event(dana, team.child, happened_on=["10", "12", "2026"], category="missing")
    assert FLAG in page_text(dana.get(child_page))
    decided = dana.submit(
        f"/children/{team.child.id}/chronology/harm/escalation",
        toolkit(outcome="refer_to_ifd", completed_by="Dana Shah", summary="Referred today."),
    )
    assert decided.status_code == 302
    assert FLAG not in page_text(dana.get(child_page))
    assert [r.kind for r in db.session.scalars(select(HarmReview).order_by(HarmReview.id))] == [
        "neglect_toolkit",
        "escalation",
    ]


@pytest.mark.pages
def test_who_may_see_the_chronology_add_to_it_and_clear_the_flag(app):
    team = child_and_team()
    three_events(signed_in(app, team.dsl), team.child)
    gp = factories.user("gp")
    db.session.flush()
    team.child.gp_practice_id = gp.agency_id
    coordinator = factories.user("coordinator")
    db.session.commit()
    base = f"/children/{team.child.id}/chronology"
    pages = (base, f"{base}/new", f"{base}/harm/neglect_toolkit")

    assert [signed_in(app, gp).get(p).status_code for p in pages] == [403, 403, 403]
    chris = signed_in(app, coordinator)
    assert all(asked_why(chris.get(p), team.child.id) for p in pages)
    flagged = page_text(chris.get("/flags"))
    assert FLAG in flagged and team.child.first_name not in flagged
    assert "self-harm" not in flagged  # why, in detail, only once the record is opened
    chris.submit(
        f"/children/{team.child.id}/reason", {"reason": "A cumulative harm flag to follow up"}
    )
    assert [chris.get(p).status_code for p in pages] == [200, 403, 200]
    decided = chris.submit(
        f"{base}/harm/escalation",
        toolkit(outcome="continue_plan", completed_by="Chris, with the DSL", summary="Agreed."),
    )
    assert decided.status_code == 302
    assert FLAG not in page_text(chris.get(f"/children/{team.child.id}"))
    assert signed_in(app, team.practitioner).get(f"{base}/harm/unknown").status_code == 404


def test_a_decision_dated_before_the_events_that_raised_the_flag_does_not_clear_it(app):
    team = child_and_team()
    dana = signed_in(app, team.dsl)
    three_events(dana, team.child)
    child_page = f"/children/{team.child.id}"
    page = f"{child_page}/chronology/harm/neglect_toolkit"

    for day in (["1", "1", "1900"], ["8", "12", "2026"]):
        refused = dana.submit(page, toolkit(done_on=day, summary=""))
        assert refused.status_code == 200
        # Every problem at once: the date beside the form's own errors.
        assert error_summary(refused) == {
            "done_on": "The date the Neglect Toolkit was completed must be on or after "
            "9 December 2026, the date of the latest event that raised the cumulative harm flag",
            "summary": "Enter a summary",
        }
    refused = dana.submit(
        f"{child_page}/chronology/harm/escalation",
        toolkit(done_on=["12", "12", "2026"], outcome="refer_to_ifd"),
    )
    assert error_summary(refused) == {
        "done_on": "The date of the decision must be today or in the past"
    }
    assert FLAG in page_text(dana.get(child_page))
    assert db.session.scalars(select(HarmReview)).all() == []

    saved = dana.submit(page, toolkit(done_on=["9", "12", "2026"]))
    assert saved.status_code == 302
    assert (
        "The Neglect Toolkit completion has been recorded: the cumulative harm flag is cleared "
        "until new events arrive" in page_text(dana.get(saved.headers["Location"]))
    )
    assert FLAG not in page_text(dana.get(child_page))


def test_a_decision_for_a_child_with_no_flag_clears_nothing_and_says_so(app):
    team = child_and_team()
    dana = signed_in(app, team.dsl)
    page = f"/children/{team.child.id}/chronology/harm/escalation"
    assert "has no cumulative harm flag now" in page_text(dana.get(page))
    assert "Saving this clears" not in page_text(dana.get(page))

    refused = dana.submit(page, toolkit(done_on=["1", "1", "1900"], outcome="continue_plan"))
    assert error_summary(refused) == {
        "done_on": "The date of the decision must be on or after the child's date of birth, "
        "1 May 2016"
    }

    saved = dana.submit(page, toolkit(done_on=["1", "5", "2016"], outcome="continue_plan"))
    assert saved.status_code == 302
    shown = page_text(dana.get(saved.headers["Location"]))
    assert "The escalation decision has been recorded. There was no cumulative harm flag" in shown
    assert "flag is cleared" not in shown
