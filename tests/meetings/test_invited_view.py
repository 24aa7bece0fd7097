"""What an invited practitioner sees: the meeting's agenda items (child's name, reason, time
slot) from the invitation until 30 days after the meeting, and nothing else of the children's
records. Arrangements-only people (a coordinator, an invited GP practice) see no names."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import time_machine

from tas.extensions import db
from tests import factories
from tests.conftest import Visitor
from tests.meetings.helpers import school_with_meeting
from tests.pages import page_text, section
from tests.plans.helpers import child_at, open_plan

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def meeting_with_agenda():
    setting = school_with_meeting()
    maya = child_at(setting.school, first_name="Maya", last_name="Patel")
    noah = child_at(setting.school, first_name="Noah", last_name="Jones")
    factories.agenda_item(
        setting.meeting,
        maya,
        setting.dsl,
        reason="Low mood since the summer",
        slot_starts=time(9, 15),
    )
    factories.agenda_item(setting.meeting, noah, setting.dsl, reason="Missed days", position=2)
    fim = factories.agency(name="Future in Mind")
    fay = factories.user("practitioner", agency=fim, name="Fay Fim")
    factories.invitation(setting.meeting, setting.dsl, agency=fim)
    db.session.commit()
    return setting, maya, noah, fay


def test_an_invited_practitioner_sees_the_agenda_and_nothing_more(app):
    setting, maya, noah, fay = meeting_with_agenda()
    practitioner = signed_in(app, fay)

    page = practitioner.get(f"/meetings/{setting.meeting.id}")

    assert page.status_code == 200
    agenda = section(page, "agenda")
    assert "9:15am Maya Patel Low mood since the summer" in agenda
    assert "No time set Noah Jones Missed days" in agenda
    body = page.get_data(as_text=True)
    assert f"/children/{maya.id}" not in body and f"/children/{noah.id}" not in body
    assert "Add a child to the agenda" not in body and "/agenda/add" not in body
    for child in (maya, noah):
        assert practitioner.get(f"/children/{child.id}").status_code == 404
        assert practitioner.get(f"/children/{child.id}/family").status_code == 404
    assert practitioner.get(f"/meetings/{setting.meeting.id}/agenda").status_code == 403


def test_a_practitioner_named_on_the_childs_plan_gets_the_link(app):
    setting, maya, noah, fay = meeting_with_agenda()
    plan = open_plan(maya)
    factories.involvement(plan, agency=fay.agency, practitioner=fay)
    db.session.commit()
    practitioner = signed_in(app, fay)

    body = practitioner.get(f"/meetings/{setting.meeting.id}").get_data(as_text=True)

    assert f'href="/children/{maya.id}"' in body
    assert f'href="/children/{noah.id}"' not in body
    assert practitioner.get(f"/children/{maya.id}").status_code == 200


def test_the_view_ends_30_days_after_the_meeting(app):
    setting, maya, _noah, fay = meeting_with_agenda()
    ends = setting.meeting.ends_at
    url = f"/meetings/{setting.meeting.id}"

    with time_machine.travel(ends + timedelta(days=29, hours=23), tick=False):
        on_day_30 = signed_in(app, fay).get(url)
    with time_machine.travel(ends + timedelta(days=31), tick=False):
        practitioner = signed_in(app, fay)
        on_day_31 = practitioner.get(url)
        record = practitioner.get(f"/children/{maya.id}")
        answer = practitioner.get(f"{url}/answer")

    assert on_day_30.status_code == 200
    assert "Maya Patel" in section(on_day_30, "agenda")
    assert on_day_31.status_code == 404
    assert "Maya" not in page_text(on_day_31)
    assert record.status_code == 404
    assert answer.status_code == 404


def test_the_view_starts_with_the_invitation(app):
    setting = school_with_meeting()
    maya = child_at(setting.school, first_name="Maya", last_name="Patel")
    factories.agenda_item(setting.meeting, maya, setting.dsl)
    cal = factories.user("practitioner", name="Cal Camhs")
    db.session.commit()
    practitioner = signed_in(app, cal)
    before = practitioner.get(f"/meetings/{setting.meeting.id}")
    signed_in(app, setting.dsl).submit(
        f"/meetings/{setting.meeting.id}/invitations/add",
        {"kind": "person", "person": str(cal.id), "agency": "", "representative": ""},
    )

    after = practitioner.get(f"/meetings/{setting.meeting.id}")

    assert before.status_code == 404
    assert after.status_code == 200
    assert "Maya Patel" in section(after, "agenda")


def test_a_coordinator_and_an_invited_gp_practice_see_no_names(app):
    setting, maya, _noah, _fay = meeting_with_agenda()
    coordinator = factories.user("coordinator")
    gp = factories.user("gp")
    maya.gp_practice = gp.agency
    factories.invitation(setting.meeting, setting.dsl, agency=gp.agency)
    db.session.commit()

    for user in (coordinator, gp):
        page = signed_in(app, user).get(f"/meetings/{setting.meeting.id}")
        assert page.status_code == 200, user.role
        text = page_text(page)
        for words in ("Maya", "Patel", "Noah", "Jones", "Low mood", "Missed days"):
            assert words not in text, (user.role, words)
        assert "2 items on the agenda" in section(page, "agenda")
        # Said plainly to the GP practice too, though it is invited.
        assert "coordinators and GP practices see the arrangements only" in page_text(page)
        assert f"/children/{maya.id}" not in page.get_data(as_text=True)
        assert signed_in(app, user).get(f"/meetings/{setting.meeting.id}/agenda").status_code == 403


def test_another_schools_dsl_and_strangers_see_nothing(app):
    setting, _maya, _noah, _fay = meeting_with_agenda()
    for user in (factories.user("dsl"), factories.user("practitioner"), factories.user("gp")):
        db.session.commit()
        browser = signed_in(app, user)
        assert browser.get(f"/meetings/{setting.meeting.id}").status_code == 404
        assert browser.get(f"/meetings/{setting.meeting.id}/answer").status_code == 404


def test_ids_past_the_integer_range_are_not_found(app):
    setting, _maya, _noah, fay = meeting_with_agenda()
    practitioner = signed_in(app, fay)
    huge = 2**63
    for url in (
        f"/meetings/{huge}/answer",
        f"/meetings/{huge}/agenda",
        f"/meetings/{setting.meeting.id}/agenda/{huge}/slot",
        f"/meetings/{setting.meeting.id}/invitations/{huge}/remove",
        f"/meetings/schools/{huge}/invited-agencies",
    ):
        assert practitioner.get(url).status_code == 404, url
