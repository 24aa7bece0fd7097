"""An open decision from the minutes is a safeguarding decision, not a routine task: it is
reminded the same working day the minutes record it, to the chair and the school's DSLs, by
the meeting's (or plan's) reference only, every working day until it is recorded; and the pages
that show it run the same queries however many there are."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from tas.extensions import db
from tas.jobs import run_pass
from tas.organisations.models import User
from tests import factories
from tests.meetings.test_day import on_agenda, past_meeting
from tests.reviews.test_levels import browser_for, send
from tests.reviews.test_open_decisions import a_decision, write_minutes
from tests.reviews.test_referrals import REFERRAL, refer_url
from tests.reviews.test_reminders import FRIDAY, MONDAY, assert_no_names, at, emails, last_email_id


def subjects_to(found, *people) -> dict[str, list[str]]:
    return {
        person.email: sorted(email.subject.strip() for email in found if email.to == person.email)
        for person in people
    }


def test_the_open_decision_is_reminded_that_day_to_the_chair_and_the_dsl(app):
    setting, child, _item, _chair = a_decision(app, "refer_to_ifd")
    reference = setting.meeting.reference
    before = last_email_id()

    friday = run_pass(at(FRIDAY, 10))
    sent = emails(before)

    dsls = db.session.scalars(
        select(User).where(User.role == "dsl", User.school_id == setting.school.id)
    ).all()
    assert setting.dsl in dsls
    assert friday.emailed == 1 + len(dsls)
    wanted = f"Reminder: IFD referral decided at the meeting for {reference} is due today"
    assert subjects_to(sent, setting.link_worker, *dsls) == {
        person.email: [wanted] for person in (setting.link_worker, *dsls)
    }
    assert_no_names(child, sent)
    assert f"/meetings/{setting.meeting.id}#open-decisions" in sent[0].body
    assert "person it belongs to is away" not in sent[0].body + sent[1].body

    monday_mail = last_email_id()
    run_pass(at(MONDAY, 10))
    overdue = emails(monday_mail)
    late = f"Overdue: IFD referral decided at the meeting for {reference} was due 27 November"
    assert sorted(email.subject.strip() for email in overdue) == [late] * (1 + len(dsls))

    with time_machine.travel(datetime(2026, 11, 30, 11, 0, tzinfo=UTC), tick=True):
        dsl = browser_for(app, setting.dsl)
        assert (
            send(
                dsl,
                refer_url(child),
                {**REFERRAL, "meeting": str(setting.meeting.id)},
                page=f"{refer_url(child)}?meeting={setting.meeting.id}",
            ).status_code
            == 302
        )
    tuesday_mail = last_email_id()
    run_pass(at(date(2026, 12, 1), 10))
    assert [e for e in emails(tuesday_mail) if "IFD referral" in e.subject] == []


def test_a_child_with_a_plan_is_reminded_by_the_plan_and_meeting_references(app):
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada", last_name="Lovell")
    plan = factories.plan(child, lead_practitioner=setting.link_worker)
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    assert write_minutes(chair, setting.meeting, item, "refer_to_ifd").status_code == 302
    before = last_email_id()

    run_pass(at(FRIDAY, 10))

    subjects = {email.subject.strip() for email in emails(before)}
    assert subjects == {
        f"Reminder: IFD referral decided at {setting.meeting.reference} for "
        f"{plan.reference} is due today"
    }


# ---------------------------------------------------------------- the same queries


def decisions_at(app, size: int):
    """A meeting whose minutes recorded a referral for `size` children, written directly."""
    setting = past_meeting()
    chair = browser_for(app, setting.link_worker)
    for number in range(size):
        _child, item = on_agenda(setting, first_name=f"Ada{number}", last_name="Lovell")
        assert write_minutes(chair, setting.meeting, item, "refer_to_ifd").status_code == 302
    return setting, chair


@pytest.mark.parametrize("page", ["home", "meeting", "minutes_complete"])
def test_the_pages_run_the_same_queries_for_2_or_12_open_decisions(app, count_queries, page):
    counts = []
    for size in (2, 12):
        setting, chair = decisions_at(app, size)
        url = {
            "home": "/",
            "meeting": f"/meetings/{setting.meeting.id}",
            "minutes_complete": f"/meetings/{setting.meeting.id}/minutes-complete",
        }[page]
        chair.get("/")
        with count_queries() as statements:
            response = chair.get(url)
        assert response.status_code == 200
        assert f"Ada{size - 1} Lovell" in response.get_data(as_text=True)
        counts.append(len(statements))

    assert counts[0] == counts[1]


def test_the_child_page_runs_the_same_queries_for_1_or_6_open_decisions(app, count_queries):
    counts = []
    for size in (1, 6):
        school_setting = past_meeting()
        chair = browser_for(app, school_setting.link_worker)
        child, item = on_agenda(school_setting, first_name="Ada", last_name="Lovell")
        assert write_minutes(chair, school_setting.meeting, item, "refer_to_ifd").status_code == 302
        for _ in range(size - 1):
            other = factories.meeting(
                school_setting.school,
                school_setting.dsl,
                chair=school_setting.link_worker,
                starts_at=school_setting.meeting.starts_at,
                ends_at=school_setting.meeting.ends_at,
            )
            extra = factories.agenda_item(other, child, school_setting.dsl)
            db.session.commit()
            assert write_minutes(chair, other, extra, "refer_to_ifd").status_code == 302
        dsl = browser_for(app, school_setting.dsl)
        dsl.get("/")
        with count_queries() as statements:
            response = dsl.get(f"/children/{child.id}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('id="open-decision-') == size
        counts.append(len(statements))

    assert counts[0] == counts[1]
