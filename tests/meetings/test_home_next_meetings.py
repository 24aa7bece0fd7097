"""The home page lists the person's next meetings: the top of their own meetings list's
"Upcoming" (the same access check), soonest first, each linked to its page with the person's
part in it; cancelled, past and other people's meetings are not listed. Coordinators and
administrators, who take no part in meetings, have no such section."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from tas.extensions import db
from tests import factories
from tests.conftest import Visitor
from tests.meetings.conftest import NOW
from tests.meetings.helpers import school_with_meeting
from tests.pages import TAG, page_text

NEXT = re.compile(r'<div id="next-meetings">(.*?)</div>', re.S)
LISTED = re.compile(r'<li id="next-meeting-(\d+)">')
UPCOMING = re.compile(r'<table class="govuk-table" id="upcoming-meetings">.*?</table>', re.S)


def signed_in(app, user) -> Visitor:
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email).status_code == 302
    return browser


def section(app, user) -> str:
    """The "Your next meetings" section of the person's home page, as HTML ("" if none)."""
    found = NEXT.search(signed_in(app, user).get("/").get_data(as_text=True))
    return found.group(1) if found else ""


def listed(html: str) -> list[int]:
    return [int(meeting_id) for meeting_id in LISTED.findall(html)]


def words(html: str) -> str:
    """The words of a piece of a page, tags removed and spaces collapsed."""
    return " ".join(unescape(TAG.sub(" ", html)).split())


def on_day(setting, days: int, **fields):
    starts = datetime(2026, 12, 1, 10, 0, tzinfo=UTC) + timedelta(days=days)
    return factories.meeting(
        setting.school, setting.dsl, starts_at=starts, ends_at=starts + timedelta(hours=1), **fields
    )


def test_the_dsl_sees_their_schools_next_meeting_with_its_link(app):
    setting = school_with_meeting()  # Wednesday 2 December, 9:00am to 10:30am
    setting.school.name = "Oakfield Primary"
    db.session.commit()

    html = section(app, setting.dsl)

    assert listed(html) == [setting.meeting.id]
    assert f'href="/meetings/{setting.meeting.id}"' in html
    text = words(html)
    assert "Your next meetings" in text
    assert "Wednesday 2 December 2026, 9:00am to 10:30am: TAS meeting at Oakfield Primary" in text
    assert "See all your meetings" not in text
    browser = signed_in(app, setting.dsl)
    assert browser.get(f"/meetings/{setting.meeting.id}").status_code == 200


def test_cancelled_and_past_meetings_are_not_listed_and_the_soonest_comes_first(app):
    setting = school_with_meeting()  # 2 December
    later = on_day(setting, 7)
    sooner = on_day(setting, -2, kind="keeping_in_touch")  # 29 November
    cancelled = on_day(setting, 3, status="cancelled", cancelled_at=NOW)
    past = factories.meeting(
        setting.school,
        setting.dsl,
        starts_at=NOW - timedelta(days=3),
        ends_at=NOW - timedelta(days=3, hours=-1),
    )
    db.session.commit()

    html = section(app, setting.dsl)

    assert listed(html) == [sooner.id, setting.meeting.id, later.id]
    assert cancelled.id not in listed(html) and past.id not in listed(html)
    assert "Keeping-in-touch meeting at" in words(html)


def test_nobody_sees_another_schools_meeting_they_are_not_invited_to(app):
    setting = school_with_meeting()
    other_dsl = factories.user("dsl")
    other_link_worker = factories.user("link_worker")
    practitioner = factories.user("practitioner")
    invited = factories.user("practitioner")
    colleague = factories.user("practitioner", agency=invited.agency)  # named: not theirs
    gp = factories.user("gp")
    other_gp = factories.user("gp")
    factories.invitation(setting.meeting, setting.dsl, representative=invited)
    factories.invitation(setting.meeting, setting.dsl, agency=gp.agency)
    db.session.commit()

    for person in (other_dsl, other_link_worker, practitioner, colleague, other_gp):
        html = section(app, person)
        assert "Your next meetings" in html
        assert listed(html) == [], person.role
        assert "You have no meetings coming up" in words(html)
    for person in (setting.dsl, setting.link_worker, invited, gp):
        assert listed(section(app, person)) == [setting.meeting.id], person.role


def test_the_person_is_told_their_part_in_each_meeting(app):
    setting = school_with_meeting()  # chaired by the link worker
    practitioner = factories.user("practitioner")
    gp = factories.user("gp")
    answers = {
        on_day(setting, 2): ("attending", "You said you can come"),
        on_day(setting, 3): ("apologies", "You sent apologies"),
        on_day(setting, 4): ("apologies_with_update", "You sent apologies with a written update"),
        on_day(setting, 5): ("awaiting", "Waiting for your answer"),
    }
    for meeting, (answer, _) in answers.items():
        factories.invitation(meeting, setting.dsl, representative=practitioner, answer=answer)
    practice_answered = on_day(setting, 6)
    factories.invitation(practice_answered, setting.dsl, agency=gp.agency, answer="attending")
    practice_waits = on_day(setting, 7)
    factories.invitation(practice_waits, setting.dsl, agency=gp.agency)
    db.session.commit()

    html = section(app, practitioner)
    for meeting, (_, said) in answers.items():
        item = re.search(rf'<li id="next-meeting-{meeting.id}">(.*?)</li>', html, re.S).group(1)
        assert said in words(item)
    gp_text = words(section(app, gp))
    assert "Your practice said it can come" in gp_text
    assert "Waiting for your answer" in gp_text
    chair = words(section(app, setting.link_worker))
    assert "You are chairing" in chair
    assert "Waiting for your answer" not in chair and "You said" not in chair
    organiser = words(section(app, setting.dsl))
    assert "You said" not in organiser and "Waiting for your answer" not in organiser


def test_an_agencys_answer_is_the_agencys_and_a_colleagues_is_not_the_leads(app):
    setting = school_with_meeting()
    lead = factories.user("practitioner", is_safeguarding_lead=True)
    colleague = factories.user("practitioner", agency=lead.agency)
    factories.invitation(
        setting.meeting,
        setting.dsl,
        agency=lead.agency,
        representative=colleague,
        answer="awaiting",
    )
    agencys = on_day(setting, 3)
    factories.invitation(agencys, setting.dsl, agency=lead.agency, answer="apologies")
    db.session.commit()

    html = section(app, lead)

    # The lead sees the meeting their colleague is invited to (as their meetings list does),
    # but is not asked to answer for the colleague.
    assert listed(html) == [setting.meeting.id, agencys.id]
    text = words(html)
    assert "Waiting for your answer" not in text
    assert "Your agency sent apologies" in text
    assert "Waiting for your answer" in words(section(app, colleague))


def test_see_all_shows_only_when_there_are_more_than_five(app):
    setting = school_with_meeting()  # 2 December
    for days in (3, 4, 5, 6):
        on_day(setting, days)
    db.session.commit()
    html = section(app, setting.dsl)
    assert len(listed(html)) == 5
    assert "See all your meetings" not in words(html)

    sixth = on_day(setting, 9)
    db.session.commit()
    html = section(app, setting.dsl)
    assert len(listed(html)) == 5 and sixth.id not in listed(html)
    assert '<a class="govuk-link" id="all-your-meetings" href="/meetings">' in html


def test_school_staff_see_the_meetings_they_are_invited_to_and_no_list_link(app):
    setting = school_with_meeting()
    staff = factories.user("school_staff", school=setting.school)
    db.session.commit()
    assert "You have no meetings coming up. They appear here when you are invited to one." in (
        words(section(app, staff))
    )
    for days in range(1, 7):
        factories.invitation(on_day(setting, days), setting.dsl, representative=staff)
    db.session.commit()

    html = section(app, staff)

    assert len(listed(html)) == 5
    assert setting.meeting.id not in listed(html)  # invited to others only
    text = words(html)
    assert "You have 1 more meeting after these." in text
    assert "See all your meetings" not in text and 'href="/meetings"' not in html


def test_the_next_meetings_are_the_top_of_the_persons_meetings_list(app):
    """Whoever the person, the home page lists exactly the first meetings under "Upcoming" on
    their own meetings list: one rule for "yours"."""
    setting = school_with_meeting()
    lead = factories.user("practitioner", is_safeguarding_lead=True)
    colleague = factories.user("practitioner", agency=lead.agency)
    gp = factories.user("gp")
    chair = factories.user("practitioner")
    elsewhere = school_with_meeting()
    factories.meeting(elsewhere.school, elsewhere.dsl, chair=chair)
    for days in range(0, 8):
        meeting = on_day(setting, days, status="cancelled" if days == 4 else "scheduled")
        if days % 2:
            factories.invitation(
                meeting, setting.dsl, agency=colleague.agency, representative=colleague
            )
        if days % 3 == 0:
            factories.invitation(meeting, setting.dsl, agency=gp.agency)
        if days == 5:
            factories.invitation(meeting, setting.dsl, representative=elsewhere.dsl)
    db.session.commit()

    for person in (setting.dsl, setting.link_worker, lead, colleague, gp, chair, elsewhere.dsl):
        browser = signed_in(app, person)
        table = browser.get("/meetings").get_data(as_text=True)
        on_list = [int(i) for i in re.findall(r'id="meeting-(\d+)"', UPCOMING.search(table)[0])]
        found = NEXT.search(browser.get("/").get_data(as_text=True))[1]
        assert listed(found) == on_list[:5], person.role
        assert ("See all your meetings" in found) == (len(on_list) > 5)


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinators_and_administrators_have_no_next_meetings(app, role):
    school_with_meeting()
    person = factories.user(role)
    db.session.commit()

    assert section(app, person) == ""
    assert "Your next meetings" not in page_text(signed_in(app, person).get("/"))


def test_the_empty_section_offers_booking_to_organisers_and_the_list_to_others(app):
    link_worker = factories.user("link_worker")
    practitioner = factories.user("practitioner")
    gp = factories.user("gp")
    db.session.commit()

    organiser = section(app, link_worker)
    assert 'href="/meetings/new">Book a meeting</a>' in organiser
    assert 'href="/meetings">see your recent meetings</a>' in organiser
    invited = section(app, practitioner)
    assert "when you chair a meeting or you or your agency are invited" in words(invited)
    assert "/meetings/new" not in invited and 'href="/meetings"' in invited
    assert "when your practice is invited" in words(section(app, gp))


@pytest.mark.parametrize("role", ["dsl", "practitioner"])
def test_the_home_page_asks_the_same_statements_for_one_or_eight_meetings(app, count_queries, role):
    setting = school_with_meeting()
    person = setting.dsl if role == "dsl" else factories.user("practitioner")
    # Waiting for their answer, as the next seven will be: the page's other sections alike.
    factories.invitation(setting.meeting, setting.dsl, representative=person)
    db.session.commit()
    browser = signed_in(app, person)
    with count_queries() as few:
        assert len(listed(NEXT.search(browser.get("/").get_data(as_text=True)).group(1))) == 1
    for days in range(1, 8):
        factories.invitation(on_day(setting, days), setting.dsl, representative=person)
    db.session.commit()
    with count_queries() as many:
        html = NEXT.search(browser.get("/").get_data(as_text=True)).group(1)

    assert len(listed(html)) == 5 and "See all your meetings" in html
    assert len(many) == len(few)
