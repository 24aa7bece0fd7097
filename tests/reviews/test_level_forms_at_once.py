"""A level of need form sent with several things to put right shows them all at once: the
checks the save makes (a date in the future, a question the form leaves to the save, a MARF
reference already recorded) beside the form's own errors, not on the next send."""

from __future__ import annotations

from datetime import date

from tas.extensions import db
from tests import factories
from tests.pages import day, error_summary, field_value
from tests.reviews.helpers import child_with_plan
from tests.reviews.test_levels import STEP_UP, browser_for, referrals_of, send, step_changes
from tests.reviews.test_referrals import REFERRAL, awaiting, decision_url, disagreement_url
from tests.reviews.test_step_down import STEP_DOWN, held_by_social_care, step_down_url

TOMORROW = day(date(2026, 11, 28))  # the review tests' clock: Friday 27 November 2026
IN_THE_FUTURE = "The date of the decision must be today or in the past"


def test_a_step_up_shows_every_problem_at_once_and_keeps_what_was_typed(app):
    setting = child_with_plan(level="early_help")
    browser = browser_for(app, setting.dsl)

    response = send(
        browser,
        f"/children/{setting.child.id}/level/step-up",
        {**STEP_UP, "changed_on": TOMORROW, "reason": "", "lead_changes": ""},
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "changed_on": IN_THE_FUTURE,
        "reason": "Enter the reason for the change",
        "lead_changes": "Select whether the lead practitioner changes",
    }
    assert field_value(response, "decided_by") == STEP_UP["decided_by"]
    assert step_changes(setting.child.id) == []


def test_a_step_down_shows_every_problem_at_once(app):
    setting = held_by_social_care()
    browser = browser_for(app, setting.dsl)

    response = send(
        browser,
        step_down_url(setting.child),
        {**STEP_DOWN, "changed_on": TOMORROW, "decided_by": ""},
    )

    assert response.status_code == 200
    assert error_summary(response)["changed_on"] == IN_THE_FUTURE
    assert set(error_summary(response)) == {"changed_on", "decided_by"}
    assert step_changes(setting.child.id) == []


def test_a_referral_shows_its_dates_and_a_recorded_marf_reference_at_once(app):
    setting = child_with_plan()
    awaiting(setting, marf_reference="MARF-2026-0771", status="decided")
    browser = browser_for(app, setting.dsl)

    response = send(
        browser,
        f"/children/{setting.child.id}/level/referrals/new",
        {**REFERRAL, "referred_on": ["31", "2", "2026"], "consultation_on": TOMORROW},
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "referred_on": "Date of the referral form (MARF) must be a real date",
        "consultation_on": "The date of the consultation must be today or in the past",
        "marf_reference": "Referral IFD-0001 has this MARF reference already",
    }
    assert len(referrals_of(setting.child.id)) == 1


def test_a_decision_and_a_disagreement_show_their_dates_beside_the_forms_own_errors(app):
    setting = child_with_plan()
    waiting = awaiting(setting)
    decided = awaiting(
        setting,
        marf_reference="MARF-2026-0772",
        status="decided",
        decision="no_further_action",
        decided_on=date(2026, 11, 24),
    )
    browser = browser_for(app, setting.dsl)

    decision = browser.submit(
        decision_url(setting.child, waiting),
        {"decision": "", "decided_on": day(date(2026, 11, 2)), "version": str(waiting.version)},
    )
    disagreement = browser.submit(
        disagreement_url(setting.child, decided),
        {
            "disagreed_on": day(date(2026, 11, 20)),
            "disagreement_note": "",
            "version": str(decided.version),
        },
    )

    assert error_summary(decision) == {
        "decision": "Select the IFD's decision",
        "decided_on": "The date of the decision must be on or after the date of the referral, "
        "23 November 2026",
    }
    assert error_summary(disagreement) == {
        "disagreed_on": "The date of the disagreement must be on or after the date of the "
        "decision, 24 November 2026",
        "disagreement_note": "Enter what you disagree with",
    }
    assert [r.status for r in referrals_of(setting.child.id)] == ["awaiting_decision", "decided"]


def test_characters_that_cannot_be_used_are_named_without_running_the_saves_checks(app):
    """PostgreSQL refuses even to search for a NUL: the MARF reference is not looked up."""
    setting = child_with_plan()
    browser = browser_for(app, setting.dsl)

    response = send(
        browser,
        f"/children/{setting.child.id}/level/referrals/new",
        {**REFERRAL, "marf_reference": "MARF\x00-1", "consultation_on": TOMORROW},
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "marf_reference": "Referral form (MARF) reference contains characters that cannot be "
        "used: retype it rather than pasting it"
    }
    assert referrals_of(setting.child.id) == []


def test_a_step_down_dated_before_the_last_change_of_level_is_refused(app):
    """Otherwise the history's newest row would contradict the level now."""
    setting = child_with_plan(level="targeted_early_help")
    factories.step_change(
        setting.child,
        setting.dsl,
        kind="step_up_early_help",
        from_level="early_help",
        to_level="targeted_early_help",
        changed_on=date(2026, 11, 25),
    )
    db.session.commit()
    browser = browser_for(app, setting.dsl)

    response = send(
        browser,
        step_down_url(setting.child),
        {
            "to_level": "universal",
            "changed_on": day(date(2026, 11, 24)),
            "reason": "Attendance back to normal",
            "decided_by": "TAS meeting",
        },
    )

    assert error_summary(response) == {
        "changed_on": "The date of the decision must be on or after 25 November 2026, when the "
        "level of need last changed"
    }
    assert len(step_changes(setting.child.id)) == 1


def test_an_optional_date_is_named_without_optional_in_its_message(app):
    setting = child_with_plan()
    browser = browser_for(app, setting.dsl)

    response = send(
        browser,
        f"/children/{setting.child.id}/level/referrals/new",
        {**REFERRAL, "consultation_on": ["31", "2", "2026"]},
    )

    assert error_summary(response) == {
        "consultation_on": "Date of the phone consultation with the IFD must be a real date"
    }


def test_the_error_summary_lists_the_problems_in_the_order_the_page_asks(app):
    """The step down asks the level first, though its form declares it last."""
    setting = held_by_social_care()
    browser = browser_for(app, setting.dsl)

    response = send(
        browser,
        step_down_url(setting.child),
        {"to_level": "", "changed_on": ["", "", ""], "reason": "", "decided_by": ""},
    )

    assert list(error_summary(response)) == ["to_level", "changed_on", "reason", "decided_by"]
