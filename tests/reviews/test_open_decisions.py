"""A decision must not be lost between the minutes and the plan: minutes that record "Refer to
the IFD", "Step up within early help" or "Step down received" leave an open item on the
meeting's page, the child's page and the chair's and DSLs' home pages (for people who may read
the child), until the referral or the step change is recorded, which closes it at once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tas.extensions import db
from tas.levels.decisions.models import MinutesDecision
from tas.meetings.models import Meeting
from tests import factories
from tests.meetings.test_day import meeting_now, on_agenda, past_meeting
from tests.meetings.test_minutes import MINUTES
from tests.pages import audit_events, error_summary, page_text
from tests.reviews.test_levels import browser_for, send, step_changes
from tests.reviews.test_referrals import REFERRAL, refer_url

DECISION_NAMES = {
    "refer_to_ifd": "Refer to the IFD",
    "step_up_early_help": "Step up within early help",
    "step_down_received": "Step down received",
}
LEVEL_BEFORE = {
    "refer_to_ifd": "targeted_early_help",
    "step_up_early_help": "early_help",
    "step_down_received": "social_care",
}


def minutes_url(meeting, item) -> str:
    return f"/meetings/{meeting.id}/agenda/{item.id}/minutes"


def write_minutes(browser, meeting, item, decision: str):
    """The chair saves the item's minutes with this decision, through the minutes page."""
    return send(
        browser,
        minutes_url(meeting, item),
        {**MINUTES, "decision": decision, "version": str(item.version)},
    )


def decisions_of(child_id: int) -> list[MinutesDecision]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(MinutesDecision)
            .where(MinutesDecision.child_id == child_id)
            .order_by(MinutesDecision.id)
        )
    )


def a_decision(app, decision: str = "refer_to_ifd"):
    """Yesterday's meeting (Thursday 26 November 2026), with Ada on its agenda at the level the
    decision starts from; the chair records the decision in the minutes today (Friday)."""
    setting = past_meeting()
    child, item = on_agenda(
        setting, first_name="Ada", last_name="Lovell", level_of_need=LEVEL_BEFORE[decision]
    )
    chair = browser_for(app, setting.link_worker)
    assert write_minutes(chair, setting.meeting, item, decision).status_code == 302
    return setting, child, item, chair


def complete(browser, meeting, **fields):
    db.session.expire_all()
    version = db.session.get(Meeting, meeting.id).version
    return send(
        browser,
        f"/meetings/{meeting.id}/minutes-complete",
        {"version": str(version), **fields},
    )


# ---------------------------------------------------------------- open, and where it is shown


@pytest.mark.parametrize("decision", list(DECISION_NAMES))
def test_each_decision_leaves_an_open_item_on_the_meeting_child_and_home_pages(app, decision):
    setting, child, item, chair = a_decision(app, decision)
    dsl = browser_for(app, setting.dsl)
    wanted = f"Ada Lovell: {DECISION_NAMES[decision]}"

    [row] = decisions_of(child.id)
    meeting_page = page_text(chair.get(f"/meetings/{setting.meeting.id}"))
    child_page = page_text(dsl.get(f"/children/{child.id}"))
    chair_home = page_text(chair.get("/"))
    dsl_home = page_text(dsl.get("/"))

    assert (row.decision, row.recorded_on, row.done_at) == (decision, date(2026, 11, 27), None)
    assert (row.meeting_id, row.agenda_item_id) == (setting.meeting.id, item.id)
    assert "Decisions still to be recorded" in meeting_page
    assert f"{wanted}. Recorded in the minutes on 27 November 2026" in meeting_page
    assert "Decisions still to be recorded" in child_page
    assert (
        f"{DECISION_NAMES[decision]}. Decided at meeting {setting.meeting.reference} on "
        "26 November 2026, recorded in the minutes on 27 November 2026"
    ) in child_page
    for home in (chair_home, dsl_home):
        assert "Needs your attention" in home
        assert (
            f"{wanted} (decided at meeting {setting.meeting.reference}, in the minutes of "
            "27 November 2026) is still to be recorded"
        ) in home
    [opened] = audit_events("minutes_decision_opened")
    assert opened.detail["decision"] == decision and opened.detail["child_id"] == child.id


def test_changing_the_decision_in_the_minutes_takes_the_open_item_away(app):
    setting, child, item, chair = a_decision(app, "refer_to_ifd")
    db.session.expire_all()

    changed = write_minutes(chair, setting.meeting, item, "support_in_school")

    assert changed.status_code == 302
    assert decisions_of(child.id) == []
    assert "Decisions still to be recorded" not in page_text(
        chair.get(f"/meetings/{item.meeting_id}")
    )
    assert "Ada Lovell" not in page_text(chair.get("/"))
    assert len(audit_events("minutes_decision_removed")) == 1


def test_people_who_may_not_read_the_child_are_not_shown_the_open_item(app):
    setting, child, _item, _chair = a_decision(app)
    other_dsl = factories.user("dsl", school=factories.school(name="Elm Academy"))
    invited = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, agency=invited.agency)
    coordinator = factories.user("coordinator", district_wide=True)
    db.session.commit()

    for person in (other_dsl, invited, coordinator):
        home = page_text(browser_for(app, person).get("/"))
        assert "Ada Lovell" not in home, person.role
        assert "still to be recorded" not in home, person.role
    assert browser_for(app, other_dsl).get(f"/children/{child.id}").status_code == 404
    arrangements = page_text(browser_for(app, coordinator).get(f"/meetings/{setting.meeting.id}"))
    assert "Ada Lovell" not in arrangements
    assert "Decisions still to be recorded" not in arrangements


# ---------------------------------------------------------------- closed when recorded


def test_recording_the_referral_closes_the_open_item(app):
    setting, child, _item, _chair = a_decision(app, "refer_to_ifd")
    dsl = browser_for(app, setting.dsl)
    offered = page_text(dsl.get(f"/children/{child.id}"))

    recorded = send(
        dsl,
        refer_url(child),
        {**REFERRAL, "meeting": str(setting.meeting.id)},
        page=f"{refer_url(child)}?meeting={setting.meeting.id}",
    )

    assert "Record the IFD referral" in offered
    assert recorded.status_code == 302
    [row] = decisions_of(child.id)
    assert row.done_at is not None and row.referral_id is not None
    assert row.done_by_id == setting.dsl.id
    for page in (f"/meetings/{setting.meeting.id}", f"/children/{child.id}", "/"):
        assert "Decisions still to be recorded" not in page_text(dsl.get(page))
    assert "still to be recorded" not in page_text(browser_for(app, setting.link_worker).get("/"))
    [closed] = audit_events("minutes_decisions_recorded")
    assert closed.detail["referral_id"] == row.referral_id


@pytest.mark.parametrize("decision", ["step_up_early_help", "step_down_received"])
def test_completing_the_minutes_records_the_step_and_closes_the_open_item(app, decision):
    setting, child, _item, chair = a_decision(app, decision)

    done = complete(chair, setting.meeting)

    assert done.status_code == 302  # no reason asked: the completion records the step
    [change] = step_changes(child.id)
    [row] = decisions_of(child.id)
    assert row.step_change_id == change.id and row.done_at is not None
    meeting = meeting_now(setting.meeting.id)
    assert meeting.status == "held" and meeting.open_decisions_reason is None
    assert "still to be recorded" not in page_text(chair.get("/"))


# ---------------------------------------------------------------- minutes complete


def test_minutes_complete_with_a_referral_still_open_needs_a_reason(app):
    setting, child, _item, chair = a_decision(app, "refer_to_ifd")
    url = f"/meetings/{setting.meeting.id}/minutes-complete"

    opened = chair.get(url)
    from_meeting_page = page_text(chair.get(f"/meetings/{setting.meeting.id}"))
    refused = complete(chair, setting.meeting, open_decisions_reason="   ")
    too_long = complete(chair, setting.meeting, open_decisions_reason="Because " + "x" * 1000)

    assert "1 decision stays open after the minutes are complete" in from_meeting_page
    opened_text = page_text(opened)
    assert "Decisions still to be recorded" in opened_text
    assert "Ada Lovell: Refer to the IFD. The referral to the IFD is not recorded yet." in (
        opened_text
    )
    assert refused.status_code == 200
    text = page_text(refused)
    assert text.startswith("Error: Minutes complete")
    assert error_summary(refused) == {
        "open_decisions_reason": (
            "Enter why the minutes are complete while a decision in them is still to be recorded"
        )
    }
    assert 'class="govuk-error-message"' in refused.get_data(as_text=True)
    assert too_long.status_code == 200
    assert "Because xxxx" in too_long.get_data(as_text=True)  # what was typed is kept
    assert "1,000 characters or fewer" in page_text(too_long)
    assert meeting_now(setting.meeting.id).status == "scheduled"
    assert len(decisions_of(child.id)) == 1


def test_minutes_complete_with_a_reason_keeps_it_shows_it_and_audits_it(app):
    setting, child, _item, chair = a_decision(app, "refer_to_ifd")
    reason = "The DSL is phoning the IFD this afternoon and records the referral then"

    done = complete(chair, setting.meeting, open_decisions_reason=reason)

    assert done.status_code == 302
    meeting = meeting_now(setting.meeting.id)
    assert (meeting.status, meeting.open_decisions_reason) == ("held", reason)
    page = page_text(chair.get(f"/meetings/{setting.meeting.id}"))
    assert f"Completed with decisions still to record, because {reason}" in page
    assert "Decisions still to be recorded" in page  # still open: the referral is not recorded
    [held] = audit_events("meeting_held")
    [row] = decisions_of(child.id)
    assert "open_decisions_reason" in held.detail["fields"]
    assert held.detail["open_decision_ids"] == [row.id]
    assert reason not in str(held.detail)  # the words stay on the meeting, not in the log
