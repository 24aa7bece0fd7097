"""Decisions in a meeting's minutes start the matching record when the minutes are completed:
a step up within early help and a step down received change the level (once, however often
the completion is tried), a step down opens its handover review, a decision the level no longer
allows is skipped and audited, and "refer to the IFD" offers "Record the IFD referral"."""

from __future__ import annotations

from datetime import date

from tas.extensions import db
from tas.levels.decisions.from_minutes import minutes_completed
from tas.meetings.models import Meeting
from tas.plans.models import SharedPlan
from tests import factories
from tests.meetings.test_day import on_agenda, past_meeting
from tests.meetings.test_minutes import MINUTES
from tests.pages import audit_events, page_text
from tests.reviews.test_levels import (
    browser_for,
    gp_kinds,
    level_url,
    practice_told,
    referrals_of,
    reviews_of,
    send,
    step_changes,
)


def minuted(item, decision: str, note: str | None = None) -> None:
    for name, value in MINUTES.items():
        setattr(item, name, value)
    item.decision = decision
    item.decision_note = note


def complete(browser, meeting):
    db.session.expire_all()
    version = db.session.get(Meeting, meeting.id).version
    return browser.submit(f"/meetings/{meeting.id}/minutes-complete", {"version": str(version)})


def a_meeting_with_two_level_decisions():
    """Yesterday's meeting (Thursday 26 November 2026): Ada at Early Help, stepped up; Ben,
    whose plan Social Care holds, stepped down."""
    setting = past_meeting()
    ada, ada_item = on_agenda(setting, first_name="Ada", last_name="Lovell", position=1)
    ben, ben_item = on_agenda(
        setting, first_name="Ben", last_name="Stone", position=2, level_of_need="social_care"
    )
    ada.level_of_need = "early_help"
    ben_plan = factories.plan(
        ben,
        status="held_by_social_care",
        level_of_need="social_care",
        lead_practitioner=setting.link_worker,
    )
    minuted(ada_item, "step_up_early_help")
    minuted(ben_item, "step_down_received", "Social worker handed over at the meeting")
    db.session.commit()
    return setting, (ada, ada_item), (ben, ben_item, ben_plan)


def test_completing_the_minutes_records_the_step_up_and_the_step_down(app):
    setting, (ada, ada_item), (ben, ben_item, ben_plan) = a_meeting_with_two_level_decisions()
    chair = browser_for(app, setting.link_worker)
    reference = setting.meeting.reference

    response = complete(chair, setting.meeting)

    assert response.status_code == 302
    [up] = step_changes(ada.id)
    assert (up.kind, up.from_level, up.to_level) == (
        "step_up_early_help",
        "early_help",
        "targeted_early_help",
    )
    assert up.changed_on == date(2026, 11, 26)
    assert up.decided_by == f"TAS meeting {reference}"
    assert up.reason == f"Decided at TAS meeting {reference}"
    assert (up.meeting_id, up.agenda_item_id) == (setting.meeting.id, ada_item.id)
    assert up.recorded_by_id == setting.link_worker.id
    [down] = step_changes(ben.id)
    assert (down.kind, down.to_level, down.reason) == (
        "step_down",
        "early_help",
        "Social worker handed over at the meeting",
    )
    assert down.agenda_item_id == ben_item.id
    assert db.session.get(SharedPlan, ben_plan.id).status == "open"
    [handover] = reviews_of(ben.id)
    assert (handover.kind, handover.status, handover.due_on) == (
        "handover_meeting",
        "open",
        date(2026, 12, 10),  # 10 working days after the meeting
    )
    assert (handover.owner_id, handover.step_change_id) == (setting.link_worker.id, down.id)
    meeting_page = page_text(chair.get(f"/meetings/{setting.meeting.id}"))
    assert "Step up within early help recorded: Early Help to Targeted Early Help." in meeting_page
    assert (
        "Step down from Children's Social Care recorded: Children's Social Care to Early Help. "
        "A handover (TAF) meeting is now due."
    ) in meeting_page
    ben_level = page_text(chair.get(level_url(ben)))
    assert f"Meeting {reference}" in ben_level
    assert "a handover (TAF) meeting with the family is due by 10 December 2026" in ben_level


def test_the_changes_are_recorded_once_however_often_the_minutes_are_completed(app):
    setting, (ada, _), (ben, _, _) = a_meeting_with_two_level_decisions()
    chair = browser_for(app, setting.link_worker)

    first = complete(chair, setting.meeting)
    again = complete(chair, setting.meeting)
    meeting = db.session.get(Meeting, setting.meeting.id)
    repeated = minutes_completed(meeting, setting.link_worker)
    db.session.commit()

    assert first.status_code == 302
    assert again.status_code == 403  # held: the minutes cannot be completed again
    assert repeated == []
    assert len(step_changes(ada.id)) == 1
    assert len(step_changes(ben.id)) == 1
    assert len(reviews_of(ben.id)) == 1


def test_the_step_updates_go_to_a_gp_practice_already_told(app):
    setting = past_meeting()
    child, item = on_agenda(setting, level_of_need="early_help")
    plan = factories.plan(child, lead_practitioner=setting.link_worker)
    minuted(item, "step_up_early_help")
    db.session.commit()
    practice_told(type("Setting", (), {"child": child, "plan": plan})())

    complete(browser_for(app, setting.link_worker), setting.meeting)

    assert gp_kinds(plan.id) == ["initial", "step_up"]


def test_a_decision_the_level_no_longer_allows_is_skipped_and_audited(app):
    setting = past_meeting()
    child, item = on_agenda(setting, level_of_need="targeted_early_help")
    minuted(item, "step_up_early_help")
    other, other_item = on_agenda(setting, position=2, level_of_need="early_help")
    minuted(other_item, "step_down_received")
    db.session.commit()
    chair = browser_for(app, setting.link_worker)

    response = complete(chair, setting.meeting)

    assert response.status_code == 302  # no error: the minutes are complete
    assert step_changes(child.id) == [] and step_changes(other.id) == []
    skipped = audit_events("level_change_skipped")
    assert sorted((e.detail["child_id"], e.detail["decision"]) for e in skipped) == sorted(
        [(child.id, "step_up_early_help"), (other.id, "step_down_received")]
    )
    assert all(
        set(e.detail) == {"child_id", "meeting_id", "decision", "level", "why"} for e in skipped
    )
    assert {e.detail["why"] for e in skipped} == {"level"}
    assert "No change of level was recorded" in page_text(
        chair.get(f"/meetings/{setting.meeting.id}")
    )


def test_refer_to_the_ifd_offers_the_referral_to_people_who_may_record_it(app):
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Cal", level_of_need="early_help")
    minuted(item, "refer_to_ifd")
    invited = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, agency=invited.agency, attendance="attended")
    db.session.commit()
    dsl = browser_for(app, setting.dsl)
    link = f"/children/{child.id}/level/referrals/new?meeting={setting.meeting.id}"

    before = dsl.get(f"/meetings/{setting.meeting.id}")
    minutes_page = dsl.get(f"/meetings/{setting.meeting.id}/agenda/{item.id}/minutes")
    invited_view = browser_for(app, invited).get(f"/meetings/{setting.meeting.id}")
    completed = complete(dsl, setting.meeting)

    assert f'href="{link}"' in before.get_data(as_text=True)
    assert "Record the IFD referral" in page_text(before)
    assert f'href="{link}"' in minutes_page.get_data(as_text=True)
    assert "Record the IFD referral" not in page_text(invited_view)
    assert "The referral to the IFD is not recorded yet" in page_text(invited_view)
    assert completed.status_code == 302
    assert referrals_of(child.id) == []  # nothing is recorded by itself
    assert step_changes(child.id) == []

    form = dsl.get(link)
    assert f'<option value="{setting.meeting.id}" selected>' in form.get_data(as_text=True)
    sent = send(
        dsl,
        f"/children/{child.id}/level/referrals/new",
        {
            "referred_on": ["26", "11", "2026"],
            "marf_reference": "MARF-9",
            "meeting": str(setting.meeting.id),
        },
    )
    assert sent.status_code == 302
    after = dsl.get(f"/meetings/{setting.meeting.id}")
    assert "Referral to the IFD recorded: IFD-0001." in page_text(after)
    assert f'href="{link}"' not in after.get_data(as_text=True)


def test_the_meeting_page_runs_the_same_queries_with_more_level_decisions(app, count_queries):
    counts = []
    for size in (2, 12):
        setting = past_meeting()
        for n in range(size):
            _child, item = on_agenda(setting, position=n, level_of_need="early_help")
            minuted(item, "refer_to_ifd" if n % 2 else "step_up_early_help")
        db.session.commit()
        browser = browser_for(app, setting.dsl)
        browser.get("/")
        with count_queries() as statements:
            response = browser.get(f"/meetings/{setting.meeting.id}")
        assert response.status_code == 200
        assert page_text(response).count("Record the IFD referral") == size // 2
        counts.append(len(statements))

    assert counts[0] == counts[1]
