"""The home page lists the meeting invitations waiting for the person's answer: meetings still to
come, soonest first, each linked to its answer page; answered, cancelled, past and removed
invitations, and other agencies', are not listed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tas.extensions import db
from tests import factories
from tests.conftest import Visitor
from tests.meetings.conftest import NOW
from tests.meetings.helpers import school_with_meeting
from tests.pages import page_text

AWAITING = re.compile(r'id="awaiting-answer"')


def home(app, user):
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser.get("/")


def on_day(setting, days: int, **fields):
    starts = datetime(2026, 12, 1, 10, 0, tzinfo=UTC) + timedelta(days=days)
    return factories.meeting(
        setting.school, setting.dsl, starts_at=starts, ends_at=starts + timedelta(hours=1), **fields
    )


def test_a_practitioner_sees_the_soonest_five_invitations_to_answer_with_links(app):
    setting = school_with_meeting()
    practitioner = factories.user("practitioner")
    meetings = [on_day(setting, days) for days in (9, 2, 7, 3, 8, 1, 4)]
    invitations = [
        factories.invitation(meeting, setting.dsl, representative=practitioner)
        for meeting in meetings
    ]
    invitations[1].answer = "attending"  # answered: 2 days on
    cancelled = on_day(setting, 5, status="cancelled", cancelled_at=NOW)
    past = factories.meeting(
        setting.school,
        setting.dsl,
        starts_at=NOW - timedelta(days=3),
        ends_at=NOW - timedelta(days=3, hours=-1),
    )
    removed = on_day(setting, 6)
    for meeting in (cancelled, past):
        factories.invitation(meeting, setting.dsl, representative=practitioner)
    factories.invitation(removed, setting.dsl, representative=practitioner, removed_at=NOW)
    db.session.commit()

    response = home(app, practitioner)
    text = page_text(response)

    assert "6 meeting invitations are waiting for your answer" in text
    links = re.findall(r'href="/meetings/(\d+)/answer"', response.get_data(as_text=True))
    soonest = [meetings[i].id for i in (5, 3, 6, 2, 4)]  # 2, 4, 5, 8 and 9 December
    assert [int(link) for link in links] == soonest
    assert "Wednesday 2 December 2026, 10:00am to 11:00am: TAS meeting at " in text
    assert "See all your meetings" in text
    for answer_page in links[:1]:
        browser = Visitor(app.test_client())
        browser.sign_in(practitioner.email)
        assert browser.get(f"/meetings/{answer_page}/answer").status_code == 200


def test_one_invitation_reads_in_the_singular_and_no_more_link(app):
    setting = school_with_meeting()
    practitioner = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, agency=practitioner.agency)
    db.session.commit()

    text = page_text(home(app, practitioner))

    assert "1 meeting invitation is waiting for your answer" in text
    assert "See all your meetings" not in text


def test_a_gp_is_told_of_the_practices_invitation_and_others_of_nothing(app):
    setting = school_with_meeting()
    gp = factories.user("gp")
    factories.invitation(setting.meeting, setting.dsl, agency=gp.agency)
    other = factories.user("practitioner")
    answered = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, representative=answered, answer="apologies")
    db.session.commit()

    assert "1 meeting invitation is waiting for your answer" in page_text(home(app, gp))
    for person in (other, answered, setting.dsl):
        response = home(app, person)
        assert not AWAITING.search(response.get_data(as_text=True))
        assert "waiting for your answer" not in page_text(response)


def test_the_home_page_asks_the_same_statements_for_one_or_eight_invitations(app, count_queries):
    setting = school_with_meeting()
    practitioner = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, representative=practitioner)
    db.session.commit()
    browser = Visitor(app.test_client())
    browser.sign_in(practitioner.email)
    with count_queries() as few:
        assert browser.get("/").status_code == 200
    for days in range(1, 8):
        factories.invitation(on_day(setting, days), setting.dsl, representative=practitioner)
    db.session.commit()
    with count_queries() as many:
        text = page_text(browser.get("/"))

    assert "8 meeting invitations are waiting for your answer" in text
    assert len(many) == len(few)


def test_the_persons_own_answer_counts_before_their_agencys_on_either_database(app):
    setting = school_with_meeting()
    practitioner = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, agency=practitioner.agency)  # no answer
    factories.invitation(
        setting.meeting, setting.dsl, representative=practitioner, answer="attending"
    )
    db.session.commit()

    assert "waiting for your answer" not in page_text(home(app, practitioner))
    browser = Visitor(app.test_client())
    browser.sign_in(practitioner.email)
    listed = page_text(browser.get("/meetings"))
    assert "Your answer" in listed and "Attending" in listed


def test_a_safeguarding_lead_is_not_asked_to_answer_colleagues_invitations(app):
    setting = school_with_meeting()
    lead = factories.user("practitioner", is_safeguarding_lead=True)
    colleague = factories.user("practitioner", agency=lead.agency)
    factories.invitation(setting.meeting, setting.dsl, representative=colleague)
    db.session.commit()
    assert "waiting for your answer" not in page_text(home(app, lead))

    factories.invitation(on_day(setting, 3), setting.dsl, agency=lead.agency)
    db.session.commit()
    assert "1 meeting invitation is waiting for your answer" in page_text(home(app, lead))


def test_school_staff_without_a_meetings_list_are_not_sent_to_one(app):
    setting = school_with_meeting()
    staff = factories.user("school_staff", school=setting.school)
    for days in range(1, 7):
        factories.invitation(on_day(setting, days), setting.dsl, representative=staff)
    db.session.commit()

    response = home(app, staff)

    assert "6 meeting invitations are waiting for your answer" in page_text(response)
    assert len(re.findall(r'href="/meetings/\d+/answer"', response.get_data(as_text=True))) == 5
    assert "See all your meetings" not in page_text(response)


def test_the_chair_is_not_asked_to_answer_their_own_meeting(app):
    """A link worker invited for Early Help to the meeting they chair is there anyway."""
    setting = school_with_meeting()
    chairs = on_day(setting, 2, chair=setting.link_worker)
    elsewhere = on_day(setting, 3)
    for meeting in (chairs, elsewhere):
        factories.invitation(meeting, setting.dsl, representative=setting.link_worker)
    db.session.commit()

    response = home(app, setting.link_worker)

    assert "1 meeting invitation is waiting for your answer" in page_text(response)
    links = re.findall(r'href="/meetings/(\d+)/answer"', response.get_data(as_text=True))
    assert links == [str(elsewhere.id)]
