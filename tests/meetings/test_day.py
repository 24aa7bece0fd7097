"""On the day: the chair confirms who is present and that the confidentiality statement was read
out, only once the meeting has started. Also the setting the other day tests share: a meeting
that started yesterday (Thursday 26 November 2026, 09:00), chaired by the school's link worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tas.extensions import db
from tas.meetings.day.rules import CONFIDENTIALITY_STATEMENT
from tas.meetings.models import Meeting
from tests import factories
from tests.conftest import Visitor
from tests.meetings.conftest import NOW
from tests.meetings.helpers import SchoolSetting, school_with_meeting
from tests.pages import audit_events, error_summary, page_text
from tests.plans.helpers import child_at

YESTERDAY = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def past_meeting(**fields) -> SchoolSetting:
    """A school whose meeting started yesterday at 9am and ended at 10:30am."""
    return school_with_meeting(
        starts_at=YESTERDAY, ends_at=YESTERDAY + timedelta(minutes=90), **fields
    )


def on_agenda(setting: SchoolSetting, *, position: int = 1, **child_fields):
    """A child of the school, with the family's agreement, on the meeting's agenda."""
    child = child_at(setting.school, **child_fields)
    item = factories.agenda_item(setting.meeting, child, setting.dsl, position=position)
    db.session.commit()
    return child, item


def browser_for(app, user) -> Visitor:
    """A browser signed in as this person."""
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def meeting_now(meeting_id: int) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, meeting_id)


def test_the_chair_confirms_who_is_present_and_that_the_statement_was_read(app):
    setting = past_meeting()
    invited = factories.invitation(
        setting.meeting, setting.dsl, attendance="attended", attended_by="Pat Hill"
    )
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    url = f"/meetings/{setting.meeting.id}/present"

    page = chair.get(url)
    confirmed = chair.submit(url, {"confirmations": ["present", "confidentiality"], "version": "1"})

    assert page.status_code == 200
    assert CONFIDENTIALITY_STATEMENT in page_text(page)
    assert f"{invited.agency.name} Attended Pat Hill" in page_text(page)
    assert confirmed.status_code == 302
    meeting = meeting_now(setting.meeting.id)
    assert meeting.confidentiality_read is True
    assert abs(meeting.present_confirmed_at - NOW) < timedelta(minutes=1)
    shown = page_text(chair.get(f"/meetings/{setting.meeting.id}"))
    assert "Who is present Confirmed by the chair on 27 November 2026" in shown
    assert "Confidentiality statement Read out" in shown
    [event] = audit_events("meeting_presence_confirmed")
    assert event.target_id == setting.meeting.id
    assert audit_events("meeting_presence_viewed")


def test_both_confirmations_are_needed(app):
    setting = past_meeting()
    chair = browser_for(app, setting.link_worker)
    url = f"/meetings/{setting.meeting.id}/present"

    response = chair.submit(url, {"confirmations": ["present"], "version": "1"})

    assert response.status_code == 200
    assert error_summary(response) == {
        "confirmations": "Confirm who is present and that the confidentiality statement was "
        "read out"
    }
    assert meeting_now(setting.meeting.id).present_confirmed_at is None


def test_presence_is_confirmed_only_once_the_meeting_has_started(app):
    setting = school_with_meeting()  # next Wednesday
    chair = browser_for(app, setting.link_worker)
    url = f"/meetings/{setting.meeting.id}/present"

    page = chair.get(url)
    posted = chair.client.post(
        url,
        data={
            "csrf_token": chair.token("/account"),
            "confirmations": ["present", "confidentiality"],
            "version": "1",
        },
    )

    assert page.status_code == 403
    assert "This can be recorded once the meeting has started" in page_text(page)
    assert posted.status_code == 403
    assert meeting_now(setting.meeting.id).present_confirmed_at is None


def test_only_the_chair_confirms_who_is_present(app):
    setting = past_meeting()
    dsl = browser_for(app, setting.dsl)
    url = f"/meetings/{setting.meeting.id}/present"

    page = dsl.get(url)
    posted = dsl.client.post(
        url,
        data={
            "csrf_token": dsl.token(url),
            "confirmations": ["present", "confidentiality"],
            "version": "1",
        },
    )

    assert page.status_code == 200
    assert f"Only the chair, {setting.link_worker.name}, confirms" in page_text(page)
    assert 'name="confirmations"' not in page.get_data(as_text=True)
    assert posted.status_code == 403
    assert meeting_now(setting.meeting.id).present_confirmed_at is None


def test_a_stale_confirmation_is_refused_with_both_versions(app):
    setting = past_meeting()
    chair = browser_for(app, setting.link_worker)
    url = f"/meetings/{setting.meeting.id}/present"
    setting.meeting.location = "The library"  # someone moved the room meanwhile: version 2
    db.session.commit()

    response = chair.submit(url, {"confirmations": ["present", "confidentiality"], "version": "1"})

    assert response.status_code == 409
    assert "Someone else saved this meeting after you opened it" in page_text(response)
    assert meeting_now(setting.meeting.id).present_confirmed_at is None


def test_a_cancelled_meeting_takes_no_attendance_or_minutes(app):
    setting = past_meeting(status="cancelled", cancelled_at=YESTERDAY)
    _child, item = on_agenda(setting)
    chair = browser_for(app, setting.link_worker)
    base = f"/meetings/{setting.meeting.id}"

    for url in (
        f"{base}/present",
        f"{base}/attendance",
        f"{base}/agenda/{item.id}/minutes",
        f"{base}/minutes-complete",
    ):
        response = chair.get(url)
        assert response.status_code == 403, url
        assert "This meeting was cancelled, so it takes no attendance or minutes" in page_text(
            response
        )
    assert "This meeting was cancelled, so it has no attendance or minutes" in page_text(
        chair.get(base)
    )
