"""Your actions (/actions): the open actions a person owns by name, and their agency's where they
are its named practitioner, across the children they work with, soonest due first and overdue
ones marked; never an action done, someone else's, another practitioner's agency work, on a
closed plan, or on a child the person may no longer read. The home page says how many are
overdue."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tas.children.models import StaffGrant
from tas.extensions import db
from tests import factories
from tests.pages import audit_events, page_text
from tests.plans.helpers import child_at, named_practitioner, open_plan

ROW = re.compile(r'<tr class="govuk-table__row" id="action-(\d+)">(.*?)</tr>', re.S)


def listed(response) -> dict[int, str]:
    """The actions listed, by id, with the words of their row."""
    rows = ROW.findall(response.get_data(as_text=True))
    return {
        int(action_id): " ".join(re.sub(r"<[^>]+>", " ", row).split()) for action_id, row in rows
    }


def mine(plan, owner, **fields):
    return factories.action(plan, owner_kind="person", owner_user_id=owner.id, **fields)


def test_a_practitioner_lists_their_open_actions_soonest_first_with_the_overdue_marked(
    login_as,
):
    school = factories.school(name="Oakfield Primary")
    plan = open_plan(child_at(school, first_name="Amira", last_name="Khan"))
    browser, _ = named_practitioner(plan, login_as)
    me = browser.user
    other_plan = open_plan(child_at(factories.school(), first_name="Ben", last_name="Ode"))
    factories.involvement(other_plan, agency=me.agency, practitioner=me)
    closed_plan = open_plan(child_at(school), status="closed")
    factories.involvement(closed_plan, agency=me.agency, practitioner=me)
    later = mine(other_plan, me, due_on=date(2026, 10, 20), status="in_progress")
    undated = mine(plan, me, description="Call the family")
    overdue = mine(plan, me, description="Send the referral", due_on=date(2026, 10, 5))
    mine(plan, me, due_on=date(2026, 10, 1), status="done")
    mine(plan, me, due_on=date(2026, 10, 1), status="cancelled")
    mine(closed_plan, me, due_on=date(2026, 10, 1))
    mine(plan, factories.user("practitioner", agency=me.agency), due_on=date(2026, 10, 1))
    agencys = factories.action(plan, owner_agency=me.agency, due_on=date(2026, 10, 6))
    colleagues_plan = open_plan(child_at(school))
    factories.involvement(
        colleagues_plan,
        agency=me.agency,
        practitioner=factories.user("practitioner", agency=me.agency),
    )
    factories.involvement(colleagues_plan, agency=me.agency, practitioner=me, status="ended")
    factories.action(colleagues_plan, owner_agency=me.agency, due_on=date(2026, 10, 1))
    db.session.commit()

    response = browser.get("/actions")

    assert response.status_code == 200
    rows = listed(response)
    assert list(rows) == [overdue.id, agencys.id, later.id, undated.id]
    assert rows[overdue.id].startswith("5 October 2026 Overdue Send the referral You Amira Khan")
    assert f"Book a wellbeing session {me.agency.name} Amira Khan" in rows[agencys.id]
    assert "Oakfield Primary Not started" in rows[overdue.id]
    assert "Overdue" not in rows[later.id] and "In progress" in rows[later.id]
    assert rows[undated.id].startswith("No date Call the family")
    assert "2 of your actions are past their due date" in page_text(response)
    body = response.get_data(as_text=True)
    action_page = f"/children/{plan.child_id}/actions/{overdue.id}"
    assert f'href="{action_page}"' in body
    assert browser.get(action_page).status_code == 200
    (listing,) = audit_events("actions_listed")
    assert listing.actor_id == me.id
    assert listing.detail["child_ids"] == sorted([plan.child_id, other_plan.child_id])


def test_an_action_on_a_child_the_owner_can_no_longer_read_is_not_listed(login_as):
    plan = open_plan(child_at(factories.school()))
    browser = login_as("practitioner")  # owns the action, but is not involved with the child
    mine(plan, browser.user, due_on=date(2026, 10, 1))
    db.session.commit()

    response = browser.get("/actions")

    assert listed(response) == {}
    assert "You have no open actions" in page_text(response)
    assert audit_events("actions_listed") == []
    assert "of your actions" not in page_text(browser.get("/"))


def test_the_home_page_says_how_many_are_overdue_and_links_to_them(login_as):
    plan = open_plan(child_at(factories.school()))
    browser, _ = named_practitioner(plan, login_as)
    mine(plan, browser.user, due_on=date(2026, 10, 20))
    db.session.commit()
    home = browser.get("/")
    assert "of your actions" not in page_text(home).replace("Your actions", "")
    assert 'href="/actions">Your actions</a>' in home.get_data(as_text=True)

    mine(plan, browser.user, due_on=date(2026, 10, 9))
    mine(plan, browser.user, due_on=date(2026, 10, 11))
    db.session.commit()
    home = browser.get("/")

    assert 'id="actions-overdue" href="/actions">2 of your actions are overdue</a>' in (
        home.get_data(as_text=True)
    )


@pytest.mark.parametrize("role", ["dsl", "school_staff", "link_worker"])
def test_school_staff_and_link_workers_list_theirs_too(login_as, role):
    school = factories.school()
    fields = {"school": school} if role in ("dsl", "school_staff") else {"linked_schools": [school]}
    browser = login_as(role, **fields)
    plan = open_plan(child_at(school))
    shared = open_plan(child_at(school))
    action = mine(plan, browser.user, due_on=date(2026, 10, 1))
    if role == "school_staff":  # sees only the children the DSL let them see
        dsl = factories.user("dsl", school=school)
        db.session.flush()
        db.session.add(
            StaffGrant(child_id=shared.child_id, user_id=browser.user.id, granted_by_id=dsl.id)
        )
        action = mine(shared, browser.user, due_on=date(2026, 10, 2))
    db.session.commit()

    response = browser.get("/actions")

    assert list(listed(response)) == [action.id]


@pytest.mark.parametrize("role", ["gp", "coordinator", "admin"])
def test_roles_that_own_no_actions_find_no_such_page(login_as, role):
    assert login_as(role).get("/actions").status_code == 404


def test_the_list_asks_the_same_statements_for_one_or_ten_actions(login_as, count_queries):
    plan = open_plan(child_at(factories.school()))
    browser, _ = named_practitioner(plan, login_as)
    mine(plan, browser.user, due_on=date(2026, 10, 1))
    db.session.commit()
    with count_queries() as one:
        assert len(listed(browser.get("/actions"))) == 1
    for day in range(2, 11):
        other = open_plan(child_at(factories.school()))
        factories.involvement(other, agency=browser.user.agency, practitioner=browser.user)
        mine(other, browser.user, due_on=date(2026, 10, day))
    db.session.commit()
    with count_queries() as ten:
        assert len(listed(browser.get("/actions"))) == 10

    assert len(ten) == len(one)


def test_actions_the_person_cannot_update_now_are_not_listed_or_counted(login_as):
    school = factories.school()
    dsl = login_as("dsl", school=school)
    held = open_plan(child_at(school), status="held_by_social_care")
    withdrawn_child = child_at(school, agreed=False)
    factories.agreement(withdrawn_child, dsl.user, withdrawn_on=date(2026, 10, 1))
    withdrawn = open_plan(withdrawn_child)
    still = mine(open_plan(child_at(school)), dsl.user, due_on=date(2026, 10, 2))
    for plan in (held, withdrawn):
        mine(plan, dsl.user, due_on=date(2026, 10, 1))
    db.session.commit()

    assert list(listed(dsl.get("/actions"))) == [still.id]
    assert "1 of your actions is overdue" in page_text(dsl.get("/"))


def test_a_long_list_is_shown_a_page_at_a_time_with_the_overdue_counted_across_pages(app, login_as):
    app.config["PAGE_SIZE"] = 2
    plan = open_plan(child_at(factories.school()))
    browser, _ = named_practitioner(plan, login_as)
    due = [mine(plan, browser.user, due_on=date(2026, 10, day)) for day in (1, 2, 3, 4, 20)]
    db.session.commit()

    first, last = browser.get("/actions"), browser.get("/actions?page=3")

    assert list(listed(first)) == [due[0].id, due[1].id]
    assert "Open actions: 5, page 1 of 3" in page_text(first)
    assert "4 of your actions are past their due date" in page_text(first)
    assert 'href="/actions?page=2"' in first.get_data(as_text=True)
    assert list(listed(last)) == [due[4].id]
    assert "4 of your actions are past their due date" in page_text(last)
    assert 'href="/actions?page=2"' in last.get_data(as_text=True)
    # A page number past the end (a link kept after actions were done) shows the last page.
    assert list(listed(browser.get("/actions?page=9"))) == [due[4].id]
    assert [event.detail["action_ids"] for event in audit_events("actions_listed")] == [
        [due[0].id, due[1].id],
        [due[4].id],
        [due[4].id],
    ]
