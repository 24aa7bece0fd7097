"""The printable family version of one child's decisions and actions from a meeting leaves out
anything marked restricted, not for the parent, or third-party; organisers only; audited."""

from __future__ import annotations

from datetime import date

from tas.extensions import db
from tests import factories
from tests.meetings.helpers import school_with_meeting
from tests.meetings.test_day import browser_for, on_agenda, past_meeting
from tests.meetings.test_minutes import MINUTES
from tests.pages import audit_events, page_text
from tests.plans.helpers import open_plan


def minuted(item, **fields) -> None:
    for name, value in {**MINUTES, **fields}.items():
        setattr(item, name, value)


def with_actions(setting, plan) -> None:
    """Four actions from this meeting, three of them marked, and one from the plan itself."""
    agency = factories.agency(name="Future in Mind")
    for description, markers in (
        ("Offer six wellbeing sessions", {}),
        ("Ask the police about the incident", {"restricted": True}),
        ("Refer dad to the perpetrator programme", {"not_for_parent": True}),
        ("Check what the neighbour reported", {"third_party": True}),
    ):
        factories.action(
            plan,
            description=description,
            owner_agency=agency,
            due_on=date(2027, 1, 15),
            meeting_id=setting.meeting.id,
            **markers,
        )
    factories.action(plan, description="An action from the plan itself", owner_agency=agency)


def test_the_family_version_leaves_out_everything_marked(app):
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada", last_name="Lovell")
    minuted(item)
    with_actions(setting, open_plan(child))
    db.session.commit()
    chair = browser_for(app, setting.link_worker)

    response = chair.get(f"/meetings/{setting.meeting.id}/agenda/{item.id}/family-version")

    assert response.status_code == 200
    text = page_text(response)
    assert "What was agreed about Ada" in text
    assert (
        "What was decided The services working with your family will work together on one shared "
        "plan, and meet to review it with you." in text
    )
    assert "Open or continue" not in text  # the service's words for it
    assert "What we are worried about Missed 12 days this term" in text
    assert "Future in Mind: Offer six wellbeing sessions, by 15 January 2027" in text
    for hidden in (
        "Ask the police",
        "perpetrator programme",
        "neighbour reported",
        "from the plan itself",
    ):
        assert hidden not in text
    assert "Some of what was recorded is marked and is not included" in text
    [event] = audit_events("family_version_viewed")
    assert (event.target_id, event.detail) == (
        item.id,
        {"meeting_id": setting.meeting.id, "child_id": child.id},
    )


def test_marked_minutes_are_left_out_but_unmarked_actions_stay(app):
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada")
    minuted(item, not_for_parent=True)
    with_actions(setting, open_plan(child))
    db.session.commit()
    chair = browser_for(app, setting.link_worker)

    text = page_text(chair.get(f"/meetings/{setting.meeting.id}/agenda/{item.id}/family-version"))

    assert "Missed 12 days" not in text
    assert "one shared plan" not in text
    assert "Mum agreed to a plan" not in text
    assert "The minutes are marked, so they are left out" in text
    assert "Offer six wellbeing sessions" in text


def test_the_family_version_is_for_organisers_only(app):
    setting = past_meeting()
    _child, item = on_agenda(setting)
    minuted(item)
    invited = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, agency=invited.agency)
    coordinator = factories.user("coordinator")
    other_dsl = factories.user("dsl")
    db.session.commit()
    url = f"/meetings/{setting.meeting.id}/agenda/{item.id}/family-version"

    assert browser_for(app, invited).get(url).status_code == 403
    assert browser_for(app, coordinator).get(url).status_code == 403
    assert browser_for(app, other_dsl).get(url).status_code == 404
    assert audit_events("family_version_viewed") == []


def test_the_family_is_told_how_to_reach_the_lead_practitioner_not_the_school(app):
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada")
    minuted(item)
    agency = factories.agency(name="Early Help Hub")
    lead = factories.user(
        "link_worker", name="Lee Lead", email="lee.lead@example.org", agency=agency
    )
    open_plan(child, lead_practitioner=lead)
    db.session.commit()
    chair = browser_for(app, setting.link_worker)

    text = page_text(chair.get(f"/meetings/{setting.meeting.id}/agenda/{item.id}/family-version"))

    assert (
        "Contact Lee Lead at Early Help Hub, Ada's lead practitioner: email lee.lead@example.org"
        in text
    )
    assert "Talk to Ada's school" not in text


def family_contact(app, setting, item) -> str:
    chair = browser_for(app, setting.link_worker)
    page = chair.get(f"/meetings/{setting.meeting.id}/agenda/{item.id}/family-version")
    assert page.status_code == 200
    return page_text(page)


def test_while_social_care_holds_the_plan_the_family_is_told_to_contact_the_social_worker(app):
    """The early-help lead practitioner does not lead while Children's Social Care holds the
    plan: the family is given the social worker's name and team as recorded, and no email (none
    is recorded for them)."""
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada")
    minuted(item)
    lead = factories.user("link_worker", name="Lee Lead", email="lee.lead@example.org")
    plan = open_plan(
        child,
        lead_practitioner=lead,
        status="held_by_social_care",
        social_worker_name="Sam Social",
        social_worker_team="East Children in Need Team",
    )
    db.session.commit()

    text = family_contact(app, setting, item)

    assert "Contact Sam Social at East Children in Need Team, Ada's social worker." in text
    assert "Lee Lead" not in text and "lee.lead@example.org" not in text

    plan.social_worker_name = plan.social_worker_team = None
    db.session.commit()
    text = family_contact(app, setting, item)

    assert "Contact Ada's social worker at Children's Social Care." in text
    assert "Lee Lead" not in text and "lee.lead@example.org" not in text


def test_there_is_no_family_version_before_the_meeting_nor_a_link_before_the_minutes(app):
    coming = school_with_meeting()  # next Wednesday
    _child, coming_item = on_agenda(coming)
    held = past_meeting()
    _child, unwritten = on_agenda(held)
    chair = browser_for(app, held.link_worker)
    early = browser_for(app, coming.link_worker)

    before = early.get(f"/meetings/{coming.meeting.id}/agenda/{coming_item.id}/family-version")
    day_page = chair.get(f"/meetings/{held.meeting.id}").get_data(as_text=True)

    assert before.status_code == 403
    assert "The family version is printed from the minutes, once the meeting has started" in (
        page_text(before)
    )
    assert audit_events("family_version_viewed") == []
    assert f"/agenda/{unwritten.id}/family-version" not in day_page  # no minutes written yet
