"""The meeting page's "On the day" section for each kind of access: organisers and invited
practitioners read the minutes; coordinators and GPs see attendance counts only; the page runs
the same number of queries for 2 or 20 children."""

from __future__ import annotations

from datetime import date

import pytest

from tas.extensions import db
from tas.meetings.models import UninvitedAttendee
from tests import factories
from tests.meetings.test_day import browser_for, on_agenda, past_meeting
from tests.meetings.test_minutes import MINUTES
from tests.pages import page_text, section
from tests.plans.helpers import open_plan

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)


def a_meeting_with_minutes(children: int = 1):
    """A meeting held yesterday with minutes and an action for each child, Future in Mind
    invited (and attended), and someone who came uninvited."""
    setting = past_meeting()
    fim_worker = factories.user("practitioner", name="Pat Hill")
    gp = factories.user("gp")
    factories.invitation(
        setting.meeting,
        setting.dsl,
        agency=fim_worker.agency,
        attendance="attended",
        attended_by="Pat Hill",
    )
    factories.invitation(setting.meeting, setting.dsl, agency=gp.agency, attendance="apologies")
    db.session.add(
        UninvitedAttendee(
            meeting_id=setting.meeting.id,
            name="Alex Reed",
            organisation="Young Carers",
            recorded_by_id=setting.dsl.id,
        )
    )
    items = []
    for n in range(children):
        child, item = on_agenda(setting, first_name=f"Ada{n}", last_name="Lovell", position=n)
        for name, value in MINUTES.items():
            setattr(item, name, value)
        item.minuted_at = setting.meeting.ends_at
        plan = open_plan(child)
        factories.action(
            plan,
            description=f"Offer sessions {n}",
            owner_agency=fim_worker.agency,
            due_on=date(2027, 1, 15),
            meeting_id=setting.meeting.id,
        )
        items.append((child, item))
    db.session.commit()
    return setting, fim_worker, gp, items


def test_an_invited_practitioner_reads_the_minutes_but_not_the_childs_record(app):
    setting, fim_worker, _gp, [(child, item)] = a_meeting_with_minutes()
    browser = browser_for(app, fim_worker)

    page = browser.get(f"/meetings/{setting.meeting.id}")

    assert page.status_code == 200
    minutes = section(page, "on-the-day")
    assert "Ada0 Lovell" in minutes
    assert "What are we worried about? Missed 12 days this term" in minutes
    assert "Offer sessions 0" in minutes
    assert "Pat Hill" in minutes and "Alex Reed" in minutes
    assert "Write the minutes" not in minutes and "Change the minutes" not in minutes
    assert "Minutes complete" not in minutes and "Family version" not in minutes
    assert browser.get(f"/children/{child.id}").status_code == 404
    assert browser.get(f"/meetings/{setting.meeting.id}/agenda/{item.id}/minutes").status_code == (
        403
    )


@pytest.mark.parametrize("role", ["coordinator", "gp"])
def test_coordinators_and_gps_see_attendance_counts_only(app, role):
    setting, _fim_worker, gp, _items = a_meeting_with_minutes()
    user = factories.user("coordinator") if role == "coordinator" else gp
    db.session.commit()

    page = browser_for(app, user).get(f"/meetings/{setting.meeting.id}")

    assert page.status_code == 200
    on_the_day = section(page, "on-the-day")
    assert "Attended 1" in on_the_day
    assert "Apologies 1" in on_the_day
    assert "Came without an invitation 1" in on_the_day
    body = page_text(page)
    for secret in ("Ada0", "Missed 12 days", "Pat Hill", "Alex Reed", "Offer sessions", "Minutes:"):
        assert secret not in body, secret


def test_organisers_see_links_to_write_the_minutes_and_what_is_missing(app):
    setting, _fim_worker, _gp, [(_child, item)] = a_meeting_with_minutes()
    item.decision = None
    db.session.commit()

    page = browser_for(app, setting.dsl).get(f"/meetings/{setting.meeting.id}")

    on_the_day = section(page, "on-the-day")
    assert "Change the minutes for Ada0 Lovell" in on_the_day
    assert "Family version for Ada0 Lovell" in on_the_day
    assert "Before the minutes are complete: Record the decision for Ada0 Lovell" in on_the_day
    assert "Minutes due by 30 November 2026" in on_the_day


@pytest.mark.parametrize("who", ["chair", "invited", "coordinator"])
def test_the_meeting_page_runs_the_same_queries_for_2_or_20_children(app, count_queries, who):
    counts = []
    for size in (2, 20):
        setting, fim_worker, _gp, _items = a_meeting_with_minutes(size)
        user = {
            "chair": setting.link_worker,
            "invited": fim_worker,
            "coordinator": factories.user("coordinator"),
        }[who]
        db.session.commit()
        browser = browser_for(app, user)
        browser.get("/")  # sign-in housekeeping out of the way
        with count_queries() as statements:
            response = browser.get(f"/meetings/{setting.meeting.id}")
        assert response.status_code == 200
        assert (f"Ada{size - 1} Lovell" in page_text(response)) == (who != "coordinator")
        counts.append(len(statements))

    assert counts[0] == counts[1]
