"""The home page flags what needs doing: minutes overdue at meetings the person chairs or
organised, and requests waiting for the link worker's triage."""

from __future__ import annotations

from datetime import UTC, datetime

from tas.extensions import db
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.pages import page_text
from tests.plans.helpers import child_at

LAST_WEEK = {
    "starts_at": datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
    "ends_at": datetime(2026, 11, 20, 10, 30, tzinfo=UTC),
}


def home_of(app, user) -> str:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return page_text(browser.get("/"))


def test_the_chair_sees_overdue_minutes_and_the_link_worker_the_requests_to_triage(app):
    setting = school_with_meeting(**LAST_WEEK)  # a week ago, minutes not complete
    factories.tas_request(child_at(setting.school), setting.dsl)
    db.session.commit()

    chair = home_of(app, setting.link_worker)
    assert "Needs your attention" in chair
    assert "1 meeting has minutes overdue" in chair
    assert "1 request is waiting for your triage" in chair
    organiser = home_of(app, setting.dsl)
    assert "1 meeting has minutes overdue" in organiser
    assert "waiting for your triage" not in organiser


def test_nothing_is_flagged_when_minutes_are_on_time_or_the_meeting_is_someone_elses(app):
    setting = school_with_meeting()  # next week
    held = school_with_meeting(status="held", **LAST_WEEK)
    db.session.commit()

    for person in (setting.link_worker, setting.dsl, held.link_worker, factories.user("dsl")):
        db.session.commit()
        assert "Needs your attention" not in home_of(app, person)


def test_a_dsl_who_moved_school_is_not_told_of_meetings_they_can_no_longer_open(app):
    setting = school_with_meeting(**LAST_WEEK)
    setting.dsl.school = factories.school()
    db.session.commit()

    assert "Needs your attention" not in home_of(app, setting.dsl)
