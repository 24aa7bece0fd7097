"""Actions: who does what by when, updated by their owner, with a full history."""

from __future__ import annotations

import re
from datetime import date, timedelta

import time_machine

from tas.extensions import db
from tas.plans.models import Action
from tests import factories
from tests.pages import audit_events, day, error_summary, page_text, saved
from tests.plans.conftest import TODAY
from tests.plans.helpers import action_history, actions_of, child_at, named_practitioner, open_plan


def new_action(**fields) -> dict:
    return {
        "description": "Book a school nurse drop-in",
        "owner_kind": "agency",
        "owner_agency": "",
        "owner_user": "",
        "owner_family_member": "",
        "due_on": day(date(2026, 10, 30)),
        "involvement": "",
        "status": "not_started",
        "completion_note": "",
        **fields,
    }


def test_the_dsl_adds_an_action_owned_by_a_parent(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    mum = factories.family_member(child, name="Mo Parent")
    plan = open_plan(child)
    agency = factories.agency()
    involvement = factories.involvement(plan, agency=agency)
    db.session.commit()
    url = f"/children/{child.id}/plans/{plan.id}/actions/new"

    response = dsl.submit(
        url,
        new_action(
            owner_kind="family_member",
            owner_family_member=str(mum.id),
            owner_agency=str(agency.id),  # not the kind chosen: not kept
            involvement=str(involvement.id),
        ),
    )

    assert response.status_code == 302
    [action] = actions_of(plan.id)
    assert (action.owner_kind, action.owner_family_member_id, action.owner_agency_id) == (
        "family_member",
        mum.id,
        None,
    )
    assert action.involvement_id == involvement.id
    [created] = action_history(action.id)
    assert created["status"] == [None, "not_started"]
    assert created["due_on"] == [None, "2026-10-30"]
    assert audit_events("action_added")[0].target_id == action.id
    assert "Mo Parent (Mother) Action Due Status" in page_text(dsl.get(f"/children/{child.id}"))


def test_an_owner_must_be_chosen_for_the_kind_of_owner(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    db.session.commit()

    response = dsl.submit(
        f"/children/{child.id}/plans/{plan.id}/actions/new", new_action(owner_kind="person")
    )

    assert response.status_code == 200
    assert error_summary(response) == {"owner_user": "Select the person who owns the action"}
    assert actions_of(plan.id) == []


def test_cancelling_an_action_asks_why(login_as):
    school = factories.school()
    child = child_at(school)
    plan = open_plan(child)
    worker, _involvement = named_practitioner(plan, login_as)
    action = factories.action(plan, owner_kind="person", owner_user=worker.user)
    db.session.commit()
    url = f"/children/{child.id}/actions/{action.id}/change"

    no_note = worker.submit(url, {"status": "cancelled", "version": "1", "completion_note": ""})
    cancelled = worker.submit(
        url,
        {"status": "cancelled", "version": "1", "completion_note": "The family found a place"},
    )

    assert no_note.status_code == 200
    assert error_summary(no_note) == {
        "completion_note": "Enter a completion note saying why the action is cancelled"
    }
    assert cancelled.status_code == 302
    kept = saved(Action, action.id)
    assert (kept.status, kept.completion_note) == ("cancelled", "The family found a place")


def test_the_owner_updates_the_status_and_each_change_is_kept(login_as):
    school = factories.school()
    child = child_at(school)
    plan = open_plan(child)
    worker, _involvement = named_practitioner(plan, login_as)
    action = factories.action(
        plan, owner_kind="person", owner_user=worker.user, due_on=date(2026, 10, 20)
    )
    db.session.commit()
    url = f"/children/{child.id}/actions/{action.id}/change"

    form = worker.get(url)
    started = worker.submit(
        url,
        {
            "status": "in_progress",
            "version": "1",
            "description": "Something else",  # not on the owner's form: ignored
            "owner_user": "1",
            "due_on": day(date(2027, 1, 1)),
        },
    )
    with time_machine.travel(TODAY + timedelta(minutes=20), tick=True):
        no_note = worker.submit(url, {"status": "done", "version": "2", "completion_note": " "})
        done = worker.submit(
            url, {"status": "done", "version": "2", "completion_note": "Seen on Tuesday"}
        )
        history = page_text(worker.get(f"/children/{child.id}/actions/{action.id}"))

    assert "What needs to be done" not in page_text(form)
    assert started.status_code == 302
    assert no_note.status_code == 200
    assert error_summary(no_note) == {
        "completion_note": "Enter a completion note saying what was done"
    }
    assert done.status_code == 302
    kept = saved(Action, action.id)
    assert (kept.status, kept.completion_note) == ("done", "Seen on Tuesday")
    assert (kept.description, kept.due_on) == ("Book a wellbeing session", date(2026, 10, 20))
    assert action_history(action.id) == [
        {"status": ["not_started", "in_progress"]},
        {"status": ["in_progress", "done"], "completion_note": [None, "Seen on Tuesday"]},
    ]
    assert f"12 October 2026 at 10:30am {worker.user.name} Status: Not started → In progress" in (
        history
    )
    assert "12 October 2026 at 10:50am" in history
    assert "Completion note: Seen on Tuesday" in history
    # The audit log names the fields changed; what was typed stays in the action's history.
    assert [e.detail for e in audit_events("action_changed")] == [
        {"fields": ["status"]},
        {"fields": ["completion_note", "status"]},
    ]


def test_people_of_the_owning_agency_may_update_it_and_others_on_the_plan_may_not(login_as):
    school = factories.school()
    child = child_at(school)
    plan = open_plan(child)
    worker, _mine = named_practitioner(plan, login_as)
    other, _theirs = named_practitioner(plan, login_as)
    action = factories.action(plan, owner_kind="agency", owner_agency=worker.user.agency)
    db.session.commit()
    url = f"/children/{child.id}/actions/{action.id}/change"

    by_other = other.submit(url, {"status": "in_progress", "version": "1"}, page="/")
    by_agency = worker.submit(url, {"status": "in_progress", "version": "1"})

    assert by_other.status_code == 403
    assert by_agency.status_code == 302
    assert saved(Action, action.id).status == "in_progress"


def test_a_plan_editor_changes_the_whole_action(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    agency = factories.agency(name="Zero to Nineteen")
    factories.involvement(plan, agency=agency)
    action = factories.action(plan, owner_kind="child")
    db.session.commit()
    url = f"/children/{child.id}/actions/{action.id}/change"

    response = dsl.submit(
        url,
        new_action(
            description="Ask about sleep",
            owner_kind="agency",
            owner_agency=str(agency.id),
            version="1",
        ),
    )

    assert response.status_code == 302
    kept = saved(Action, action.id)
    assert (kept.description, kept.owner_kind, kept.owner_agency_id) == (
        "Ask about sleep",
        "agency",
        agency.id,
    )
    [change] = action_history(action.id)
    assert change["owner_kind"] == ["child", "agency"]
    assert change["owner_agency_id"] == [None, agency.id]
    # The history names who owns it now, in words.
    history = page_text(dsl.get(f"/children/{child.id}/actions/{action.id}"))
    assert "Who owns the action: The child → An agency" in history
    assert "Owning agency: Zero to Nineteen" in history


def test_the_history_names_the_owner_before_and_after_a_change(login_as):
    dsl = login_as("dsl", name="Dana Shah")
    child = child_at(dsl.user.school)
    mum = factories.family_member(child, name="Mo Parent", relationship_to_child="Mother")
    plan = open_plan(child)
    agency = factories.agency(name="Future in Mind")
    factories.involvement(plan, agency=agency)
    db.session.commit()
    url = f"/children/{child.id}/plans/{plan.id}/actions/new"
    mine = {"owner_kind": "person", "owner_user": str(dsl.user.id)}
    assert dsl.submit(url, new_action(**mine)).status_code == 302
    [action] = actions_of(plan.id)
    change = f"/children/{child.id}/actions/{action.id}/change"
    for version, owner in enumerate(
        [
            {"owner_kind": "agency", "owner_agency": str(agency.id)},
            {"owner_kind": "family_member", "owner_family_member": str(mum.id)},
        ],
        start=1,
    ):
        assert dsl.submit(change, new_action(**owner, version=str(version))).status_code == 302

    page = dsl.get(f"/children/{child.id}/actions/{action.id}")
    added, to_agency, to_parent = history_rows(page)

    assert "Owning person: Dana Shah" in added and "→" not in added
    assert "Owning agency: Future in Mind" in to_agency
    assert "Owning person: Dana Shah → removed" in to_agency
    assert "Owning parent or carer: Mo Parent (Mother)" in to_parent
    assert "Owning agency: Future in Mind → removed" in to_parent
    assert not re.search(r"Owning [a-z ]+ (changed|set)", page_text(page))


def history_rows(response) -> list[str]:
    """The words of each row of an action's history, oldest first."""
    body = response.get_data(as_text=True)
    rows = body.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', rows, re.S)
    ]


def test_an_owner_from_outside_the_plan_is_refused(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    stranger_agency = factories.agency()
    db.session.commit()

    response = dsl.submit(
        f"/children/{child.id}/plans/{plan.id}/actions/new",
        new_action(owner_agency=str(stranger_agency.id)),
    )

    assert response.status_code == 200
    assert error_summary(response) == {"owner_agency": "Select an agency from the list"}
    assert actions_of(plan.id) == []


def test_a_due_date_before_the_plan_or_years_ahead_is_refused_with_what_was_typed_kept(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)  # started 8 September 2026
    agency = factories.agency()
    factories.involvement(plan, agency=agency)
    db.session.commit()
    url = f"/children/{child.id}/plans/{plan.id}/actions/new"

    before = dsl.submit(url, new_action(owner_agency=str(agency.id), due_on=day(date(1990, 1, 1))))
    ahead = dsl.submit(url, new_action(owner_agency=str(agency.id), due_on=day(date(2099, 3, 1))))

    assert before.status_code == ahead.status_code == 200
    assert error_summary(before) == {
        "due_on": "The due date must be on or after the day the plan started, 8 September 2026"
    }
    assert 'name="due_on" type="text" value="1990"' in before.get_data(as_text=True)
    assert error_summary(ahead) == {"due_on": "The due date must be within the next 2 years"}
    assert actions_of(plan.id) == []
    # Two years ahead, to the day, is still taken; the day after is not.
    owned = {"owner_agency": str(agency.id)}
    past_it = dsl.submit(url, new_action(**owned, due_on=day(date(2028, 10, 13))))
    assert error_summary(past_it) == {"due_on": "The due date must be within the next 2 years"}
    far = dsl.submit(url, new_action(owner_agency=str(agency.id), due_on=day(date(2028, 10, 12))))
    assert far.status_code == 302


def test_an_action_keeps_the_due_date_it_had_when_only_its_status_changes(login_as):
    """An action recorded before the due date checks (or brought in from elsewhere) is still
    updated: only a due date someone sets now is checked."""
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    agency = factories.agency()
    factories.involvement(plan, agency=agency)
    action = factories.action(plan, owner_agency=agency, due_on=date(2026, 9, 1))
    db.session.commit()

    response = dsl.submit(
        f"/children/{child.id}/actions/{action.id}/change",
        new_action(
            owner_agency=str(agency.id),
            due_on=day(date(2026, 9, 1)),
            status="in_progress",
            version="1",
        ),
    )

    assert response.status_code == 302
    assert saved(Action, action.id).status == "in_progress"
