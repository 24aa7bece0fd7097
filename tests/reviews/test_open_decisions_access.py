"""Who is shown an open decision from the minutes: on the meeting page only the agenda children
the reader may see there (an invited agency, only children whose family's agreement covers it),
and the reason for completing the minutes with decisions open only to the meeting's organisers;
the home page's list is audited with the children it names; and the pages run the same
queries however many decisions are open."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tas.children.models import Agreement, AgreementAgency
from tas.extensions import db
from tests import factories
from tests.meetings.test_day import on_agenda, past_meeting
from tests.pages import audit_events, page_text
from tests.reviews.test_levels import browser_for
from tests.reviews.test_open_decisions import complete, write_minutes

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)


def meeting_with_two_decisions(app):
    """Yesterday's meeting with an invited agency: Ada's family agreed to share with another
    agency only, Bea's with every agency; the minutes decide to refer both to the IFD."""
    setting = past_meeting()
    ada, ada_item = on_agenda(setting, first_name="Ada", last_name="Lovell")
    bea, bea_item = on_agenda(setting, first_name="Bea", last_name="Marsh", position=2)
    invited = factories.user("practitioner")
    factories.invitation(
        setting.meeting,
        setting.dsl,
        agency=invited.agency,
        attendance="attended",
        attended_by="Pat",
    )
    agreement = db.session.scalar(select(Agreement).where(Agreement.child_id == ada.id))
    another = factories.agency()
    db.session.flush()
    db.session.add(AgreementAgency(agreement_id=agreement.id, agency_id=another.id))
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    for item in (ada_item, bea_item):
        assert write_minutes(chair, setting.meeting, item, "refer_to_ifd").status_code == 302
    return setting, ada, bea, invited, chair


def test_an_invited_agency_is_shown_only_the_decisions_of_children_its_agreement_covers(app):
    setting, _ada, bea, invited, _chair = meeting_with_two_decisions(app)
    agency = browser_for(app, invited)

    page = page_text(agency.get(f"/meetings/{setting.meeting.id}"))
    dsl_page = page_text(browser_for(app, setting.dsl).get(f"/meetings/{setting.meeting.id}"))

    assert "Bea Marsh: Refer to the IFD." in page
    assert "Ada Lovell" not in page
    assert "The minutes record a decision still" in page  # one, not two
    assert "Close without a record" not in page
    assert (
        "Ada Lovell: Refer to the IFD." in dsl_page and "Bea Marsh: Refer to the IFD." in dsl_page
    )
    viewed = [
        event.detail["child_ids"]
        for event in audit_events("meeting_viewed")
        if event.actor_id == invited.id
    ]
    assert viewed == [[bea.id]]  # every child the page showed, and no other


def test_the_reason_for_completing_with_decisions_open_is_shown_to_organisers_only(app):
    setting, _ada, _bea, invited, chair = meeting_with_two_decisions(app)
    reason = "Ada Lovell's referral waits for her social worker to call back"
    assert complete(chair, setting.meeting, open_decisions_reason=reason).status_code == 302
    coordinator = factories.user("coordinator", district_wide=True)
    db.session.commit()

    shown = {
        person.role: page_text(browser_for(app, person).get(f"/meetings/{setting.meeting.id}"))
        for person in (setting.dsl, setting.link_worker, invited, coordinator)
    }

    for role in ("dsl", "link_worker"):
        assert f"Completed with decisions still to record, because {reason}" in shown[role]
    for role in ("practitioner", "coordinator"):
        assert "Completed with decisions still to record" not in shown[role], role
        assert reason not in shown[role] and "Ada Lovell" not in shown[role], role


def test_the_home_page_audits_the_children_its_open_decisions_name(app):
    setting, ada, bea, _invited, chair = meeting_with_two_decisions(app)
    other = factories.user("dsl", school=factories.school(name="Elm Academy"))
    db.session.commit()

    home = page_text(chair.get("/"))
    elsewhere = page_text(browser_for(app, other).get("/"))

    assert "Ada Lovell: Refer to the IFD" in home and "Bea Marsh: Refer to the IFD" in home
    [listed] = audit_events("open_decisions_listed")
    assert listed.actor_id == setting.link_worker.id
    assert listed.detail["child_ids"] == sorted([ada.id, bea.id])
    assert len(listed.detail["minutes_decision_ids"]) == 2
    assert "still to be recorded" not in elsewhere  # nothing shown, nothing audited
    assert len(audit_events("open_decisions_listed")) == 1


# ---------------------------------------------------------------- the same queries


def decisions_at(app, size: int):
    """Yesterday's meeting whose minutes decide to refer `size` children, and an invited
    agency every family's agreement covers."""
    setting = past_meeting()
    invited = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, agency=invited.agency)
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    for number in range(size):
        _child, item = on_agenda(
            setting, first_name=f"Ada{number}", last_name="Lovell", position=number + 1
        )
        assert write_minutes(chair, setting.meeting, item, "refer_to_ifd").status_code == 302
    return setting, {"chair": setting.link_worker, "dsl": setting.dsl, "invited": invited}


@pytest.mark.parametrize(
    ("page", "who"),
    [("home", "chair"), ("home", "dsl"), ("meeting", "chair"), ("meeting", "invited")],
)
def test_the_pages_run_the_same_queries_for_1_or_5_open_decisions(app, count_queries, page, who):
    counts = []
    for size in (1, 5):
        setting, people = decisions_at(app, size)
        browser = browser_for(app, people[who])
        url = "/" if page == "home" else f"/meetings/{setting.meeting.id}"
        browser.get("/")
        with count_queries() as statements:
            response = browser.get(url)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert f"Ada{size - 1} Lovell: Refer to the IFD" in body
        assert body.count('<li id="open-decision-') == size
        counts.append(len(statements))

    assert counts[0] == counts[1]


def test_closing_a_decision_runs_the_same_queries_for_1_or_5_open_decisions(app, count_queries):
    """The page that closes one open decision by hand (the demo has none: the statement walk of
    every page cannot reach it)."""
    counts = []
    for size in (1, 5):
        setting, people = decisions_at(app, size)
        chair = browser_for(app, people["chair"])
        meeting_page = chair.get(f"/meetings/{setting.meeting.id}").get_data(as_text=True)
        first = re.search(r'<li id="open-decision-(\d+)"', meeting_page).group(1)
        url = f"/meetings/{setting.meeting.id}/open-decisions/{first}/close"
        with count_queries() as statements:
            response = chair.get(url)
        assert response.status_code == 200
        assert "Lovell" in page_text(response)
        counts.append(len(statements))

    assert counts[0] == counts[1]
