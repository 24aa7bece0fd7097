"""An open decision from the minutes is never reminded for ever with no way out: a referral or
step change that records it already (naming the meeting, or dated on or after its day) closes it
as the minutes open it; completing the minutes closes a step the child has made already; and the
chair or a DSL of the school closes one with a reason (kept in the service, audited without its
words), after which nobody is reminded of it."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from tas.extensions import db
from tas.jobs import run_pass
from tas.plans.models import SharedPlan
from tests import factories
from tests.meetings.test_day import meeting_now, on_agenda, past_meeting
from tests.pages import audit_events, day, error_summary, page_text
from tests.reviews.test_levels import (
    STEP_UP,
    browser_for,
    gp_kinds,
    practice_told,
    send,
    step_changes,
)
from tests.reviews.test_open_decisions import a_decision, complete, decisions_of, write_minutes
from tests.reviews.test_referrals import REFERRAL, refer_url
from tests.reviews.test_reminders import FRIDAY, at, emails, last_email_id

REASON = "Recorded by Children's Social Care on their own system on the day of the meeting"


def close_url(meeting, row) -> str:
    return f"/meetings/{meeting.id}/open-decisions/{row.id}/close"


def reminded_of(setting, when=FRIDAY) -> list[str]:
    before = last_email_id()
    run_pass(at(when, 10))
    return [email.subject for email in emails(before) if setting.meeting.reference in email.subject]


# ---------------------------------------------------------------- recorded already


def test_a_step_up_recorded_on_the_level_page_before_the_minutes_opens_it_closed(app):
    setting = past_meeting()
    child, item = on_agenda(
        setting, first_name="Ada", last_name="Lovell", level_of_need="early_help"
    )
    chair = browser_for(app, setting.link_worker)
    stepped = send(
        chair,
        f"/children/{child.id}/level/step-up",
        {**STEP_UP, "changed_on": day(date(2026, 11, 26))},  # the meeting's day
    )
    assert stepped.status_code == 302

    assert write_minutes(chair, setting.meeting, item, "step_up_early_help").status_code == 302

    [change] = step_changes(child.id)
    [row] = decisions_of(child.id)
    assert row.done_at is not None and row.step_change_id == change.id
    assert "still to be recorded" not in page_text(chair.get("/"))
    assert "Decisions still to be recorded" not in page_text(
        chair.get(f"/meetings/{setting.meeting.id}")
    )
    assert reminded_of(setting) == []
    [closed] = audit_events("minutes_decisions_recorded")
    assert closed.detail["step_change_id"] == change.id and closed.detail["recorded_before"]


def test_a_referral_naming_the_meeting_recorded_before_the_minutes_opens_it_closed(app):
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada", last_name="Lovell")
    dsl = browser_for(app, setting.dsl)
    referred = send(  # dated before the meeting, but naming it
        dsl,
        refer_url(child),
        {**REFERRAL, "meeting": str(setting.meeting.id)},
        page=f"{refer_url(child)}?meeting={setting.meeting.id}",
    )
    assert referred.status_code == 302
    chair = browser_for(app, setting.link_worker)

    assert write_minutes(chair, setting.meeting, item, "refer_to_ifd").status_code == 302

    [row] = decisions_of(child.id)
    assert row.done_at is not None and row.referral_id is not None
    assert complete(chair, setting.meeting).status_code == 302  # no reason asked
    assert reminded_of(setting) == []


def test_a_referral_before_the_meeting_naming_no_meeting_leaves_it_open(app):
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada", last_name="Lovell")
    dsl = browser_for(app, setting.dsl)
    assert send(dsl, refer_url(child), REFERRAL).status_code == 302  # 24 November, no meeting
    chair = browser_for(app, setting.link_worker)

    assert write_minutes(chair, setting.meeting, item, "refer_to_ifd").status_code == 302

    [row] = decisions_of(child.id)
    assert row.done_at is None and row.referral_id is None
    assert "Ada Lovell: Refer to the IFD" in page_text(chair.get("/"))


# ---------------------------------------------------------------- minutes complete


def test_completing_the_minutes_closes_a_step_up_the_child_has_made_already(app):
    setting, child, _item, chair = a_decision(app, "step_up_early_help")
    child.level_of_need = "targeted_early_help"  # stepped up with no step change to show it
    db.session.commit()

    done = complete(chair, setting.meeting)

    assert done.status_code == 302  # no reason asked: there is nothing left to record
    [row] = decisions_of(child.id)
    assert row.done_at is not None and row.step_change_id is None
    assert step_changes(child.id) == []
    meeting = meeting_now(setting.meeting.id)
    assert meeting.status == "held" and meeting.open_decisions_reason is None
    assert "still to be recorded" not in page_text(chair.get("/"))
    [closed] = audit_events("minutes_decisions_recorded")
    assert closed.detail["level_reached"] == "targeted_early_help"


def test_a_step_up_the_level_does_not_allow_and_has_not_made_still_needs_a_reason(app):
    setting, child, _item, chair = a_decision(app, "step_up_early_help")
    child.level_of_need = "social_care"
    db.session.commit()

    refused = complete(chair, setting.meeting)

    assert refused.status_code == 200
    assert "open_decisions_reason" in error_summary(refused)
    assert decisions_of(child.id)[0].done_at is None


def test_a_step_decided_before_the_last_change_of_level_stays_open_saying_why(app):
    """Before, completing Thursday's minutes ("step up within early help") after a step down
    within early help recorded for Friday added a step up dated Thursday: the history showed
    Friday above Thursday, and the level ended at Targeted Early Help."""
    setting, child, _item, chair = a_decision(app, "step_up_early_help")
    factories.step_change(
        child,
        setting.link_worker,
        kind="step_down_early_help",
        from_level="targeted_early_help",
        to_level="early_help",
        changed_on=date(2026, 11, 27),
    )
    db.session.commit()
    why = (
        "The step up to Targeted Early Help is not recorded yet. The level of need changed on "
        "27 November 2026, after the meeting, so completing the minutes does not record it: if "
        "it still applies, record it on the child's level of need page, dated on or after that "
        "change."
    )

    asked = complete(chair, setting.meeting)
    done = complete(chair, setting.meeting, open_decisions_reason="Level changed since")

    assert asked.status_code == 200
    assert "open_decisions_reason" in error_summary(asked)
    assert f"Ada Lovell: Step up within early help. {why}" in page_text(asked)
    assert done.status_code == 302
    assert [c.changed_on for c in step_changes(child.id)] == [date(2026, 11, 27)]
    assert meeting_now(setting.meeting.id).status == "held"
    db.session.refresh(child)
    assert child.level_of_need == "early_help"
    [row] = decisions_of(child.id)
    assert row.done_at is None  # still to be recorded, by hand
    assert why in page_text(chair.get(f"/meetings/{setting.meeting.id}"))
    [skipped] = audit_events("level_change_skipped")
    assert skipped.detail["why"] == "level_changed_after_meeting"
    # Recorded by hand, dated on or after the change, it closes.
    stepped = send(
        chair,
        f"/children/{child.id}/level/step-up",
        {**STEP_UP, "changed_on": day(date(2026, 11, 27)), "meeting": str(setting.meeting.id)},
    )
    assert stepped.status_code == 302
    assert decisions_of(child.id)[0].step_change_id == step_changes(child.id)[-1].id


# ---------------------------------------------------------------- closed with a reason


def test_the_chair_closes_an_open_decision_with_a_reason_and_nobody_is_reminded_of_it(app):
    setting, child, _item, chair = a_decision(app, "refer_to_ifd")
    [row] = decisions_of(child.id)
    meeting_page = page_text(chair.get(f"/meetings/{setting.meeting.id}"))
    url = close_url(setting.meeting, row)

    opened = chair.get(url)
    closed = send(chair, url, {"reason": f"  {REASON}  "})

    assert "Close without a record for Ada Lovell: Refer to the IFD" in meeting_page
    assert opened.status_code == 200
    assert "Ada Lovell" in page_text(opened) and "Refer to the IFD" in page_text(opened)
    assert closed.status_code == 302
    [row] = decisions_of(child.id)
    assert row.done_at is not None and row.done_by_id == setting.link_worker.id
    assert row.closed_reason == REASON and row.referral_id is None
    after = page_text(chair.get(f"/meetings/{setting.meeting.id}"))
    assert "Decisions still to be recorded" not in after
    assert f"Ada Lovell: Refer to the IFD. Closed on 27 November 2026, because: {REASON}" in after
    assert "still to be recorded" not in page_text(chair.get("/"))
    assert complete(chair, setting.meeting).status_code == 302  # no reason asked now
    assert reminded_of(setting) == []
    [event] = audit_events("minutes_decision_closed")
    assert event.detail["child_id"] == child.id and event.detail["decision"] == "refer_to_ifd"
    assert REASON not in str(event.detail) and "Social Care" not in str(event.detail)
    viewed = audit_events("minutes_decision_close_viewed")  # each time the page was shown
    assert viewed and all(event.detail["child_ids"] == [child.id] for event in viewed)


def test_a_step_closed_without_a_record_makes_no_change_when_the_minutes_are_completed(app):
    """Before, the chair closed "step down received" as no longer needed, then completing the
    minutes recorded the step down all the same, and told the GP."""
    setting, child, _item, chair = a_decision(app, "step_down_received")
    plan = factories.plan(
        child,
        status="held_by_social_care",
        level_of_need="social_care",
        lead_practitioner=setting.link_worker,
    )
    db.session.commit()
    practice_told(SimpleNamespace(child=child, plan=plan))
    [row] = decisions_of(child.id)
    url = close_url(setting.meeting, row)

    warned = page_text(chair.get(url))
    closed = send(chair, url, {"reason": "Decided elsewhere"})
    completed = complete(chair, setting.meeting)

    assert closed.status_code == 302 and completed.status_code == 302
    assert step_changes(child.id) == []
    db.session.refresh(child)
    assert child.level_of_need == "social_care"
    assert db.session.get(SharedPlan, plan.id).status == "held_by_social_care"
    assert gp_kinds(plan.id) == ["initial"]
    assert "the decision was closed without a record" in page_text(
        chair.get(f"/meetings/{setting.meeting.id}")
    )
    [skipped] = audit_events("level_change_skipped")
    assert skipped.detail["why"] == "closed"
    assert "Completing the minutes then records no change of level for it." in warned


def test_a_dsl_of_the_school_closes_one_and_nobody_else_may(app):
    setting, child, _item, _chair = a_decision(app, "step_up_early_help")
    [row] = decisions_of(child.id)
    url = close_url(setting.meeting, row)
    other_link_worker = factories.user("link_worker", linked_schools=[setting.school])
    invited = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, agency=invited.agency)
    other_dsl = factories.user("dsl", school=factories.school(name="Elm Academy"))
    db.session.commit()

    refused = {
        person.role: browser_for(app, person).get(url).status_code
        for person in (other_link_worker, invited, other_dsl)
    }
    meeting_page = page_text(
        browser_for(app, other_link_worker).get(f"/meetings/{setting.meeting.id}")
    )
    dsl = browser_for(app, setting.dsl)
    closed = send(dsl, url, {"reason": REASON})

    assert refused == {"link_worker": 403, "practitioner": 403, "dsl": 404}
    assert "Close without a record" not in meeting_page
    assert closed.status_code == 302
    assert decisions_of(child.id)[0].done_by_id == setting.dsl.id
    gone = send(dsl, url, {"reason": REASON}, page=f"/meetings/{setting.meeting.id}")
    assert gone.status_code == 302  # closed already: nothing changes, no error
    assert len(audit_events("minutes_decision_closed")) == 1


def test_closing_without_a_reason_or_with_too_long_a_one_is_refused_keeping_what_was_typed(app):
    setting, child, _item, chair = a_decision(app, "refer_to_ifd")
    [row] = decisions_of(child.id)
    url = close_url(setting.meeting, row)

    blank = send(chair, url, {"reason": "   "})
    too_long = send(chair, url, {"reason": "Because " + "x" * 1000})

    assert blank.status_code == 200
    assert page_text(blank).startswith("Error: Close a decision without a record")
    assert error_summary(blank) == {
        "reason": "Enter why this decision is closed without a referral or a step change"
    }
    assert 'class="govuk-error-message"' in blank.get_data(as_text=True)
    assert too_long.status_code == 200
    assert "Because xxxx" in too_long.get_data(as_text=True)
    assert "1,000 characters or fewer" in page_text(too_long)
    assert decisions_of(child.id)[0].done_at is None
    assert audit_events("minutes_decision_closed") == []
