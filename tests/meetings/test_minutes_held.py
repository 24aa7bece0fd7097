"""A meeting is held once its minutes are complete (refused with a clear list until then), and
minutes still missing 2 working days after the meeting are flagged as overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from tas.extensions import db
from tas.meetings.day.services import minutes_overdue
from tas.meetings.models import AgendaItem, Meeting
from tests import factories
from tests.meetings.helpers import school_with_meeting
from tests.meetings.test_day import YESTERDAY, browser_for, meeting_now, on_agenda, past_meeting
from tests.meetings.test_minutes import MINUTES
from tests.pages import audit_events, page_text, saved


def complete_url(setting) -> str:
    return f"/meetings/{setting.meeting.id}/minutes-complete"


def test_minutes_complete_is_refused_with_a_list_until_everything_is_recorded(app):
    setting = past_meeting()
    _ada, ada_item = on_agenda(setting, first_name="Ada", last_name="Lovell", position=1)
    _ben, ben_item = on_agenda(setting, first_name="Ben", last_name="Stone", position=2)
    factories.agenda_item(setting.meeting, None, setting.dsl, reason="A situation", position=3)
    fim = factories.invitation(setting.meeting, setting.dsl, agency=factories.agency(name="FiM"))
    ada_item.worries, ada_item.decision = "Some worries", "support_in_school"
    db.session.commit()
    chair = browser_for(app, setting.link_worker)

    opened = chair.get(complete_url(setting))
    refused = chair.submit(complete_url(setting), {"version": "1"})

    assert opened.status_code == 200
    assert refused.status_code == 200
    text = page_text(refused)
    assert text.startswith("Error: Minutes complete")
    assert "The minutes are not complete yet" in text
    for problem in (
        "Record attendance for FiM",
        "Write all three parts of the minutes for Ada Lovell",
        "Record whether Ada Lovell and their parent or carer took part",
        "Write all three parts of the minutes for Ben Stone",
        "Record the decision for Ben Stone",
    ):
        assert problem in text
    assert "Record the decision for Ada Lovell" not in text
    assert "consultation" not in text  # an anonymous consultation never holds the meeting up
    assert f"/meetings/{setting.meeting.id}/agenda/{ben_item.id}/minutes" in (
        refused.get_data(as_text=True)
    )
    assert meeting_now(setting.meeting.id).status == "scheduled"

    fim.attendance = "apologies"
    for item in (ada_item, ben_item):
        for name, value in MINUTES.items():
            setattr(item, name, value)
    db.session.commit()
    done = chair.submit(complete_url(setting), {"version": "1"})

    assert done.status_code == 302
    meeting = meeting_now(setting.meeting.id)
    assert meeting.status == "held" and meeting.held_at is not None
    assert audit_events("meeting_held")[0].target_id == setting.meeting.id
    page = page_text(chair.get(f"/meetings/{setting.meeting.id}"))
    assert "Status Held Minutes completed 27 November 2026" in page
    minutes_page = chair.get(f"/meetings/{setting.meeting.id}/agenda/{ada_item.id}/minutes")
    assert minutes_page.status_code == 200
    assert "can no longer be changed" in page_text(minutes_page)
    again = chair.submit(
        f"/meetings/{setting.meeting.id}/agenda/{ada_item.id}/minutes",
        {**MINUTES, "worries": "Changed afterwards", "version": "2"},
        page=f"/meetings/{setting.meeting.id}",
    )
    assert again.status_code == 403
    assert saved(AgendaItem, ada_item.id).worries == MINUTES["worries"]


def test_minutes_complete_from_a_stale_page_is_refused(app):
    setting = past_meeting()
    chair = browser_for(app, setting.link_worker)
    setting.meeting.location = "The library"
    db.session.commit()

    response = chair.submit(complete_url(setting), {"version": "1"})

    assert response.status_code == 409
    assert "Someone else changed this meeting" in page_text(response)
    assert meeting_now(setting.meeting.id).status == "scheduled"


def test_practitioners_cannot_mark_the_minutes_complete(app):
    setting = past_meeting()
    invited = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, agency=invited.agency, attendance="attended")
    db.session.commit()
    browser = browser_for(app, invited)

    response = browser.client.post(
        complete_url(setting), data={"csrf_token": browser.token("/account"), "version": "1"}
    )

    assert response.status_code == 403
    assert meeting_now(setting.meeting.id).status == "scheduled"


def test_minutes_are_flagged_overdue_two_working_days_after_the_meeting(app):
    setting = past_meeting()  # Thursday 26 November: due by Monday 30 November
    invited = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, agency=invited.agency)
    db.session.commit()
    url = f"/meetings/{setting.meeting.id}"

    with time_machine.travel(datetime(2026, 11, 30, 17, 0, tzinfo=UTC), tick=True):
        on_the_due_day = page_text(browser_for(app, setting.link_worker).get(url))
    with time_machine.travel(datetime(2026, 12, 1, 8, 0, tzinfo=UTC), tick=True):
        the_day_after = page_text(browser_for(app, setting.link_worker).get(url))
        invited_sees = page_text(browser_for(app, invited).get(url))

    assert "Minutes due by 30 November 2026" in on_the_due_day
    assert "Minutes overdue" not in on_the_due_day
    assert "Minutes overdue: they were due by 30 November 2026" in the_day_after
    assert "Minutes overdue" not in invited_sees


def test_lists_find_overdue_minutes_counting_working_days_past_bank_holidays(app):
    school = factories.school()
    dsl = factories.user("dsl", school=school)

    def meeting_on(day: datetime, **fields) -> int:
        row = factories.meeting(school, dsl, starts_at=day, ends_at=day + timedelta(hours=1))
        for name, value in fields.items():
            setattr(row, name, value)
        db.session.flush()
        return row.id

    # Christmas Eve 2026 is a Thursday; Friday 25 and Monday 28 December are bank holidays,
    # so its minutes are due by Wednesday 30 December (not Monday 28 December).
    christmas_eve = meeting_on(datetime(2026, 12, 24, 9, 0, tzinfo=UTC))
    # A Tuesday meeting the week before: due by Thursday 17 December.
    tuesday = meeting_on(datetime(2026, 12, 15, 15, 0, tzinfo=UTC))
    held = meeting_on(datetime(2026, 12, 15, 9, 0, tzinfo=UTC), status="held")
    cancelled = meeting_on(
        datetime(2026, 12, 15, 10, 0, tzinfo=UTC), status="cancelled", cancelled_at=YESTERDAY
    )
    db.session.commit()

    def overdue_on(moment: datetime) -> set[int]:
        found = db.session.scalars(select(Meeting.id).where(minutes_overdue(moment)))
        return set(found) & {christmas_eve, tuesday, held, cancelled}

    assert overdue_on(datetime(2026, 12, 17, 23, 30, tzinfo=UTC)) == set()
    assert overdue_on(datetime(2026, 12, 18, 0, 1, tzinfo=UTC)) == {tuesday}
    assert overdue_on(datetime(2026, 12, 29, 12, 0, tzinfo=UTC)) == {tuesday}
    assert overdue_on(datetime(2026, 12, 30, 23, 59, tzinfo=UTC)) == {tuesday}
    assert overdue_on(datetime(2026, 12, 31, 0, 0, tzinfo=UTC)) == {tuesday, christmas_eve}


def test_a_meeting_in_british_summer_time_is_due_by_its_own_local_day(app):
    # 00:30 on Thursday 1 July in London is 23:30 on Wednesday 30 June in UTC: the meeting day
    # is 1 July, so its minutes are due by Monday 5 July (by 30 June they would be due by
    # Friday 2 July) and overdue from midnight on Tuesday 6 July, London time.
    setting = school_with_meeting(
        starts_at=datetime(2027, 6, 30, 23, 30, tzinfo=UTC),
        ends_at=datetime(2027, 7, 1, 0, 30, tzinfo=UTC),
    )

    def overdue(moment: datetime) -> bool:
        return setting.meeting.id in set(
            db.session.scalars(select(Meeting.id).where(minutes_overdue(moment)))
        )

    assert not overdue(datetime(2027, 7, 3, 12, 0, tzinfo=UTC))
    assert not overdue(datetime(2027, 7, 5, 22, 59, tzinfo=UTC))  # 23:59 on 5 July in London
    assert overdue(datetime(2027, 7, 5, 23, 0, tzinfo=UTC))  # midnight: 6 July in London
