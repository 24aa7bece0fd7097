"""Minutes for each child: the family's part, the three parts and a decision; actions agreed
there go straight onto the child's shared plan, naming the meeting; organisers only."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tas.children.models import Agreement
from tas.extensions import db
from tas.meetings.models import AgendaItem
from tas.plans.models import Action, SharedPlan
from tests import factories
from tests.meetings.test_day import browser_for, on_agenda, past_meeting
from tests.pages import audit_events, day, error_summary, page_text, saved, section
from tests.plans.helpers import actions_of, open_plan, plans_of

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

MINUTES = {
    "parent_part": "attended",
    "parent_part_how": "In person",
    "child_part": "contributed",
    "child_part_how": "A drawing of her week, shared by her teacher",
    "child_says": "I like art club but mornings are scary",
    "family_says": "She sleeps better when we read together",
    "worries": "Missed 12 days this term; low mood at home",
    "working_well": "Good friendships; likes art club",
    "needs_to_happen": "Wellbeing sessions and a morning check-in",
    "decision": "shared_plan",
    "decision_note": "Mum agreed to a plan led by the link worker",
}


def minutes_url(setting, item) -> str:
    return f"/meetings/{setting.meeting.id}/agenda/{item.id}/minutes"


def test_the_chair_writes_minutes_with_a_decision(app):
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada", last_name="Lovell")
    chair = browser_for(app, setting.link_worker)

    page = chair.get(minutes_url(setting, item))
    response = chair.submit(minutes_url(setting, item), {**MINUTES, "version": "1"})

    assert page.status_code == 200
    assert "Minutes: Ada Lovell" in page_text(page)
    assert response.status_code == 302
    row = saved(AgendaItem, item.id)
    assert (row.worries, row.decision, row.parent_part, row.child_part) == (
        MINUTES["worries"],
        "shared_plan",
        "attended",
        "contributed",
    )
    assert row.minuted_by_id == setting.link_worker.id and row.minuted_at is not None
    shown = page_text(chair.get(f"/meetings/{setting.meeting.id}"))
    assert "Ada Lovell" in shown
    assert "What are we worried about? Missed 12 days this term; low mood at home" in shown
    assert "Decision Open or continue the shared plan" in shown
    assert "Child Contributed without attending: A drawing of her week" in shown
    [event] = audit_events("minutes_saved")
    assert event.detail["fields"] == sorted(MINUTES)
    assert event.detail["child_id"] == child.id
    assert "Missed" not in str(event.detail)  # field names only, never what was typed
    assert audit_events("minutes_viewed")[0].target_id == item.id


def test_minutes_sent_as_they_were_say_nothing_was_saved(app):
    """An empty form saved is not reported as minutes saved: the meeting would still say there
    are none."""
    setting = past_meeting()
    _child, item = on_agenda(setting)
    chair = browser_for(app, setting.link_worker)

    response = chair.submit(minutes_url(setting, item), {"version": "1"})

    assert response.status_code == 302
    shown = page_text(chair.get(response.location))
    assert "You did not change anything, so nothing has been saved" in shown
    assert "The minutes have been saved" not in shown
    assert audit_events("minutes_saved") == []
    saved_once = chair.submit(minutes_url(setting, item), {**MINUTES, "version": "1"})
    assert "The minutes have been saved" in page_text(chair.get(saved_once.location))


def test_two_actions_go_onto_the_childs_plan_and_show_the_meeting(app):
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada")
    plan = open_plan(child)
    mum = factories.family_member(child, name="Mo Lovell")
    fim = factories.invitation(setting.meeting, setting.dsl).agency
    factories.involvement(plan, agency=fim)
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    url = f"/meetings/{setting.meeting.id}/agenda/{item.id}/actions/new"
    minutes = chair.get(minutes_url(setting, item))

    first = chair.submit(
        url,
        {
            "description": "Offer six wellbeing sessions",
            "owner_kind": "agency",
            "owner_agency": str(fim.id),
            "due_on": day(date(2027, 1, 15)),
        },
    )
    second = chair.submit(
        url,
        {
            "description": "Walk Ada to school on Mondays",
            "owner_kind": "family_member",
            "owner_family_member": str(mum.id),
            "owner_agency": str(fim.id),  # not the kind chosen: not kept
            "due_on": day(date(2026, 12, 7)),
        },
    )

    assert "Add an action agreed at this meeting" in page_text(minutes)
    assert first.status_code == 302 and second.status_code == 302
    actions = sorted(actions_of(plan.id), key=lambda a: a.description)
    assert [(a.description, a.meeting_id, a.status) for a in actions] == [
        ("Offer six wellbeing sessions", setting.meeting.id, "not_started"),
        ("Walk Ada to school on Mondays", setting.meeting.id, "not_started"),
    ]
    assert (actions[1].owner_kind, actions[1].owner_agency_id) == ("family_member", None)
    team = chair.get(f"/children/{child.id}")
    assert "Walk Ada to school on Mondays Agreed at the TAS meeting on 26 November 2026" in (
        section(team, "actions")
    )
    assert "Mo Lovell (Mother) Action Due Status" in page_text(team)
    action_page = page_text(chair.get(f"/children/{child.id}/actions/{actions[0].id}"))
    assert "Agreed Agreed at the TAS meeting on 26 November 2026" in action_page
    listed = page_text(chair.get(minutes_url(setting, item)))
    assert "Walk Ada to school on Mondays Mo Lovell (Mother) 7 December 2026" in listed
    assert len(audit_events("action_added")) == 2


def test_an_agency_invited_but_not_in_the_plan_is_not_offered_as_an_actions_owner(app):
    """The 0-19 Service came to the meeting but is not involved in Ada's plan, so it cannot
    see the plan: an action it owned would never reach it. The page says how to add it."""
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada")
    plan = open_plan(child)
    nurses = factories.invitation(
        setting.meeting, setting.dsl, agency=factories.agency(name="0-19 Service")
    ).agency
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    url = f"/meetings/{setting.meeting.id}/agenda/{item.id}/actions/new"

    form = chair.get(url)
    refused = chair.submit(
        url,
        {
            "description": "School nurse health review",
            "owner_kind": "agency",
            "owner_agency": str(nurses.id),
            "due_on": day(date(2027, 1, 15)),
        },
    )

    agencies = re.search(
        r'<select[^>]*name="owner_agency".*?</select>', form.get_data(as_text=True), re.S
    ).group(0)
    assert "0-19 Service" not in agencies
    assert "add its involvement to the plan" in page_text(form)
    assert f'href="/children/{child.id}/plans/{plan.id}/involvements/new"' in form.get_data(
        as_text=True
    )
    assert refused.status_code == 200 and "owner_agency" in error_summary(refused)
    assert actions_of(plan.id) == []


def test_starting_a_plan_from_the_minutes_runs_the_same_queries_for_1_or_6_leads(
    app, count_queries
):
    """The page that starts a plan from the minutes (the demo has no child on an agenda without
    a plan: the statement walk of every page cannot reach it), offering one or six people who
    may lead the plan."""
    setting = past_meeting()
    _child, item = on_agenda(setting, first_name="Ada")
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    chair.submit(minutes_url(setting, item), {**MINUTES, "version": "1"})
    start = f"/meetings/{setting.meeting.id}/agenda/{item.id}/plan/new"
    counts = []
    for leads in (1, 5):
        for number in range(leads):
            factories.user("link_worker", name=f"Lead {leads}-{number}")
        db.session.commit()
        with count_queries() as statements:
            page = chair.get(start)
        assert page.status_code == 200
        assert f"Lead {leads}-{leads - 1}" in page_text(page)
        counts.append(len(statements))

    assert counts[0] == counts[1]


def test_an_action_needs_an_owner_and_a_due_date(app):
    setting = past_meeting()
    child, item = on_agenda(setting)
    plan = open_plan(child)
    db.session.commit()
    chair = browser_for(app, setting.link_worker)

    response = chair.submit(
        f"/meetings/{setting.meeting.id}/agenda/{item.id}/actions/new",
        {"description": "Call the family", "owner_kind": "person", "owner_user": ""},
    )

    assert response.status_code == 200
    # Both at once: the plan's own check on the owner shows beside the form's on the date.
    assert error_summary(response) == {
        "owner_user": "Select the person who owns the action",
        "due_on": "Enter the date the action is due",
    }
    assert "Call the family" in response.get_data(as_text=True)
    assert actions_of(plan.id) == []


def test_an_action_agreed_at_the_meeting_is_not_due_before_it(app):
    setting = past_meeting()  # yesterday, Thursday 26 November 2026
    child, item = on_agenda(setting)
    plan = open_plan(child)
    db.session.commit()
    chair = browser_for(app, setting.link_worker)

    response = chair.submit(
        f"/meetings/{setting.meeting.id}/agenda/{item.id}/actions/new",
        {
            "description": "Call the family",
            "owner_kind": "person",
            "owner_user": "",
            "due_on": day(date(2026, 10, 14)),
        },
    )

    assert error_summary(response) == {
        "owner_user": "Select the person who owns the action",
        "due_on": "The due date must be on or after the day of the meeting, 26 November 2026",
    }
    assert actions_of(plan.id) == []


def test_without_an_open_plan_the_minutes_offer_to_start_one_once_decided(app):
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada")
    lead = factories.user("link_worker", name="Lin Lead")
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    start = f"/meetings/{setting.meeting.id}/agenda/{item.id}/plan/new"

    before = chair.get(minutes_url(setting, item))
    too_soon = chair.get(start)
    chair.submit(minutes_url(setting, item), {**MINUTES, "version": "1"})
    decided = chair.get(minutes_url(setting, item))
    started = chair.submit(
        start,
        {
            "lead_practitioner": str(lead.id),
            "started_on": day(date(2026, 11, 27)),
            "next_review_on": day(date(2027, 1, 8)),
        },
    )

    assert "Ada has no open shared plan, so actions cannot be added yet" in page_text(before)
    assert "Start the shared plan" not in page_text(before)
    assert too_soon.status_code == 403
    assert "Start the shared plan" in page_text(decided)
    assert started.status_code == 302
    [plan] = plans_of(child.id)
    assert (plan.status, plan.lead_practitioner_id) == ("open", lead.id)
    assert "Add an action agreed at this meeting" in page_text(
        chair.get(minutes_url(setting, item))
    )
    assert audit_events("plan_started")[0].target_id == plan.id


def test_a_plan_held_by_social_care_takes_no_actions_from_the_meeting(app):
    setting = past_meeting()
    child, item = on_agenda(setting)
    plan = open_plan(child, status="held_by_social_care")
    db.session.commit()
    chair = browser_for(app, setting.link_worker)

    page = chair.get(minutes_url(setting, item))
    refused = chair.get(f"/meetings/{setting.meeting.id}/agenda/{item.id}/actions/new")

    assert "The shared plan is held by Children's Social Care" in page_text(page)
    assert refused.status_code == 403
    assert actions_of(plan.id) == []


def test_after_a_withdrawal_minutes_of_a_meeting_held_can_be_finished_but_no_action_added(
    app,
):
    setting = past_meeting()
    child, item = on_agenda(setting)
    open_plan(child)
    agreement = db.session.scalar(select(Agreement).where(Agreement.child_id == child.id))
    agreement.withdrawn_on = date(2026, 11, 27)
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    base = f"/meetings/{setting.meeting.id}/agenda/{item.id}"

    assert chair.get(f"{base}/minutes").status_code == 200
    refused = chair.get(f"{base}/actions/new")
    assert refused.status_code == 403
    assert "agreement" in page_text(refused)
    assert db.session.scalar(select(Action.id)) is None


def test_an_anonymous_consultation_takes_minutes_of_the_advice_given(app):
    setting = past_meeting()
    item = factories.agenda_item(setting.meeting, None, setting.dsl, reason="A Year 5 pupil")
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    url = minutes_url(setting, item)

    page = chair.get(url)
    response = chair.submit(
        url,
        {
            "worries": "Unexplained bruises",
            "working_well": "Trusts her teacher",
            "needs_to_happen": "Call the Integrated Front Door today",
            "decision": "close",  # not on the form: ignored
            "version": "1",
        },
    )

    assert "Advice given" in page_text(page) and 'name="decision"' not in page.get_data(
        as_text=True
    )
    assert response.status_code == 302
    row = saved(AgendaItem, item.id)
    assert (row.needs_to_happen, row.decision) == ("Call the Integrated Front Door today", None)
    base = f"/meetings/{setting.meeting.id}/agenda/{item.id}"
    assert chair.get(f"{base}/actions/new").status_code == 404
    assert chair.get(f"{base}/family-version").status_code == 404
    shown = page_text(chair.get(f"/meetings/{setting.meeting.id}"))
    assert (
        "Anonymous consultation" in shown and "Advice given Call the Integrated Front Door" in shown
    )


def test_the_childs_and_familys_words_show_on_the_plan_and_in_the_family_version(app):
    setting = past_meeting()
    child, item = on_agenda(setting, first_name="Ada", last_name="Lovell")
    factories.plan(child, lead_practitioner=setting.link_worker, started_on=date(2026, 9, 1))
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    chair.submit(minutes_url(setting, item), {**MINUTES, "version": "1"})
    base = f"/meetings/{setting.meeting.id}/agenda/{item.id}"

    plan = page_text(chair.get(f"/children/{child.id}"))
    family = page_text(chair.get(f"{base}/family-version"))

    assert f"Meeting {setting.meeting.reference}" in plan
    assert "Ada: “I like art club but mornings are scary”" in plan
    assert "The family: “She sleeps better when we read together”" in plan
    assert "What Ada said I like art club but mornings are scary" in family
    assert "What you said She sleeps better when we read together" in family
    # Marked not for the family, the minutes (and the words in them) stay out of its version.
    chair.submit(
        minutes_url(setting, item), {**MINUTES, "markers": "not_for_parent", "version": "2"}
    )
    assert "mornings are scary" not in page_text(chair.get(f"{base}/family-version"))
    assert "mornings are scary" in page_text(chair.get(f"/children/{child.id}"))
    # Marked restricted, they stay with the meeting's own readers, off the plan.
    chair.submit(minutes_url(setting, item), {**MINUTES, "markers": "restricted", "version": "3"})
    assert "mornings are scary" not in page_text(chair.get(f"/children/{child.id}"))


def test_practitioners_cannot_write_minutes(app):
    setting = past_meeting()
    _child, item = on_agenda(setting)
    invited = factories.user("practitioner")
    factories.invitation(setting.meeting, setting.dsl, agency=invited.agency)
    stranger = factories.user("practitioner")
    other_dsl = factories.user("dsl")
    db.session.commit()
    url = minutes_url(setting, item)

    for user, status in ((invited, 403), (stranger, 404), (other_dsl, 404)):
        browser = browser_for(app, user)
        posted = browser.client.post(
            url, data={"csrf_token": browser.token("/account"), **MINUTES, "version": "1"}
        )
        assert browser.get(url).status_code == status, user.role
        assert posted.status_code == status, user.role
    assert saved(AgendaItem, item.id).worries is None
    assert audit_events("minutes_saved") == []


def test_a_stale_minutes_save_is_refused_with_both_versions(app):
    setting = past_meeting()
    _child, item = on_agenda(setting)
    chair = browser_for(app, setting.link_worker)
    dsl = browser_for(app, setting.dsl)
    url = minutes_url(setting, item)

    first = dsl.submit(url, {**MINUTES, "worries": "The DSL's worries", "version": "1"})
    second = chair.submit(url, {**MINUTES, "worries": "The chair's worries", "version": "1"})

    assert first.status_code == 302
    assert second.status_code == 409
    assert "What are we worried about? The chair's worries The DSL's worries Different" in (
        page_text(second)
    )
    assert "The chair&#39;s worries" in second.get_data(as_text=True)  # still in the form
    assert saved(AgendaItem, item.id).worries == "The DSL's worries"


def test_plan_ids_posted_with_an_action_are_ignored(app):
    setting = past_meeting()
    child, item = on_agenda(setting)
    plan = open_plan(child)
    other_plan = open_plan(factories.child())
    db.session.commit()
    chair = browser_for(app, setting.link_worker)

    response = chair.submit(
        f"/meetings/{setting.meeting.id}/agenda/{item.id}/actions/new",
        {
            "description": "Home visit",
            "owner_kind": "child",
            "due_on": day(date(2026, 12, 11)),
            "plan_id": str(other_plan.id),
            "meeting_id": "999",
            "status": "done",
        },
    )

    assert response.status_code == 302
    [action] = actions_of(plan.id)
    assert (action.meeting_id, action.status, action.owner_kind) == (
        setting.meeting.id,
        "not_started",
        "child",
    )
    assert actions_of(other_plan.id) == []
    assert db.session.get(SharedPlan, other_plan.id) is not None


def test_the_day_forms_survive_anything(app):
    """Garbage into every form of the day: never a 500 (docs/security.md E25)."""
    setting = past_meeting()
    child, item = on_agenda(setting)
    open_plan(child)
    invitation = factories.invitation(setting.meeting, setting.dsl)
    consultation = factories.agenda_item(setting.meeting, None, setting.dsl, position=2)
    db.session.commit()
    chair = browser_for(app, setting.link_worker)
    token = chair.token("/account")
    base = f"/meetings/{setting.meeting.id}"
    urls = [
        f"{base}/present",
        f"{base}/attendance",
        f"{base}/attendance/uninvited",
        f"{base}/agenda/{item.id}/minutes",
        f"{base}/agenda/{consultation.id}/minutes",
        f"{base}/agenda/{item.id}/actions/new",
        f"{base}/agenda/{item.id}/plan/new",
        f"{base}/minutes-complete",
    ]
    garbage = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)
    choice = st.one_of(garbage, st.sampled_from(["", "1", "-1", "99999999999999999999"]))

    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(text=garbage, picked=choice, day=st.lists(garbage, max_size=4))
    @example(text="\x00", picked="attended", day=["31", "2", "2026"])
    def fuzz(text, picked, day):
        for url in urls:
            fields = {
                "csrf_token": token,
                "version": picked,
                f"version_{invitation.id}": picked,
                f"attendance_{invitation.id}": picked,
                f"attended_by_{invitation.id}": text,
                "confirmations": picked,
                "name": text,
                "organisation": text,
                "agency": picked,
                **{name: text for name in ("worries", "working_well", "needs_to_happen")},
                **{name: picked for name in ("parent_part", "child_part", "decision", "markers")},
                "parent_part_how": text,
                "decision_note": text,
                "description": text,
                "owner_kind": picked,
                "owner_agency": picked,
                "owner_user": picked,
                "owner_family_member": picked,
                "lead_practitioner": picked,
            }
            data = [(k, v.encode("utf-8", "surrogatepass")) for k, v in fields.items()]
            for name in ("due_on", "started_on", "next_review_on"):
                data += [(name, part.encode("utf-8", "surrogatepass")) for part in day]
            response = chair.client.post(
                url, data=urlencode(data), content_type="application/x-www-form-urlencoded"
            )
            assert response.status_code in {200, 302, 400, 403, 409, 413}, (url, response)

    fuzz()
