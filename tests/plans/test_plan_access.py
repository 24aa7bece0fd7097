"""Every plan, involvement, outcome and action route refuses people who may not use it: 403 or
404 and none of the child's data (docs/security.md C13, C14)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from tas.children.models import Agreement
from tas.core.clock import today
from tas.extensions import db
from tas.plans.models import Action, Outcome, SharedPlan
from tests import factories
from tests.pages import (
    asked_why,
    audit_events,
    day,
    opened_with_a_reason,
    page_text,
    saved,
    text_of,
    version_on,
)
from tests.plans.helpers import child_at, involvements_of, open_plan

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)


def plan_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("plans.")),
        key=lambda rule: rule.rule,
    )


def url_for_rule(app, rule, ids: dict) -> str:
    values = {name: ids[name] for name in rule.arguments}
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def a_child_with_everything(school=None, **child_fields):
    child = child_at(school or factories.school(), first_name="Zebedee", **child_fields)
    plan = open_plan(child)
    involvement = factories.involvement(plan, summary="Private summary")
    db.session.flush()
    action = factories.action(plan, description="Private action")
    outcome = Outcome(plan_id=plan.id, statement="Private outcome")
    db.session.add(outcome)
    db.session.flush()
    return {
        "child_id": child.id,
        "plan_id": plan.id,
        "involvement_id": involvement.id,
        "action_id": action.id,
        "outcome_id": outcome.id,
        "agency": involvement.agency,
        "school": child.school,
        "gp": child.gp_practice,
    }


OUTSIDERS = {
    "dsl of another school": lambda ids: {"role": "dsl"},
    "school staff without a grant": lambda ids: {"role": "school_staff", "school": ids["school"]},
    "link worker of another school": lambda ids: {"role": "link_worker"},
    "practitioner of the agency, not named": lambda ids: {
        "role": "practitioner",
        "agency": ids["agency"],
    },
    "gp of another practice": lambda ids: {"role": "gp"},
    "coordinator without a reason": lambda ids: {"role": "coordinator"},
    "admin": lambda ids: {"role": "admin"},
}


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_nothing_from_any_plan_route(app, login_as, who):
    ids = a_child_with_everything()
    db.session.commit()
    fields = OUTSIDERS[who](ids)
    browser = login_as(fields.pop("role"), **fields)
    token = browser.token("/")
    coordinator = who == "coordinator without a reason"
    asked = {}

    for rule in plan_rules(app):
        url = url_for_rule(app, rule, ids)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = browser.get(url)
            else:
                response = browser.client.post(
                    url, data={"csrf_token": token, "summary": "Changed", "status": "done"}
                )
            if coordinator and method == "GET":
                asked[url] = asked_why(response, ids["child_id"])
            if not asked.get(url) or method != "GET":
                assert response.status_code in (403, 404), (method, url, response.status_code)
            text = page_text(response)
            for private in ("Zebedee", "Private", "TAS-"):
                assert private not in text, (method, url, private)

    assert saved(SharedPlan, ids["plan_id"]).status == "open"
    assert [i.summary for i in involvements_of(ids["plan_id"])] == ["Private summary"]
    if coordinator:  # a reason opens the pages that show the plan, and its decisions
        plan, action, involvement = ids["plan_id"], ids["action_id"], ids["involvement_id"]
        assert opened_with_a_reason(browser, ids["child_id"], asked) == {
            f"/children/{ids['child_id']}/{page}"
            for page in (
                f"plans/{plan}",
                f"plans/{plan}/drift-decision",
                f"actions/{action}",
                f"involvements/{involvement}",
                f"involvements/{involvement}/engagement-decision",
            )
        }


def test_the_childs_gp_practice_reaches_no_plan_page(app, login_as):
    gp = login_as("gp")
    ids = a_child_with_everything(gp_practice=gp.user.agency)
    db.session.commit()

    for rule in plan_rules(app):
        if "GET" not in rule.methods:
            continue
        response = gp.get(url_for_rule(app, rule, ids))
        assert response.status_code == 403, rule.rule
        assert "Private" not in page_text(response)


def test_guessed_ids_of_another_childs_records_are_not_found(app, login_as):
    dsl = login_as("dsl")
    mine = a_child_with_everything(dsl.user.school)
    theirs = a_child_with_everything()
    db.session.commit()
    guessed = {**theirs, "child_id": mine["child_id"]}  # my child, their records

    for rule in plan_rules(app):
        if "plans/new" in rule.rule:
            continue  # only the child id: nothing of theirs to guess
        url = url_for_rule(app, rule, guessed)
        response = dsl.get(url)
        assert response.status_code == 404, url
        assert "Private" not in page_text(response)


def test_a_withdrawn_agreement_ends_practitioners_access_and_freezes_the_plan(login_as):
    dsl = login_as("dsl")
    worker = login_as("practitioner")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    involvement = factories.involvement(plan, agency=worker.user.agency, practitioner=worker.user)
    db.session.flush()
    db.session.execute(
        update(Agreement)
        .where(Agreement.child_id == child.id)
        .values(withdrawn_on=date(2026, 10, 10))
    )
    db.session.commit()
    base = f"/children/{child.id}"

    practitioner_page = worker.get(f"{base}/involvements/{involvement.id}")
    dsl_page = dsl.get(f"{base}/plans/{plan.id}")
    change = dsl.submit(
        f"{base}/plans/{plan.id}/change",
        {"next_review_on": day(date(2026, 11, 30)), "version": "1"},
        page=base,
    )

    assert practitioner_page.status_code == 404
    assert dsl_page.status_code == 200
    assert "Add an action" not in page_text(dsl_page)
    assert change.status_code == 403
    assert saved(SharedPlan, plan.id).next_review_on == date(2026, 10, 20)


def test_after_a_withdrawal_nobody_who_keeps_read_access_changes_the_plan(login_as):
    """The lead practitioner and the DSL keep the record read-only: they cannot update an
    action they own, or an involvement they are named on; the DSL may still close the plan."""
    dsl = login_as("dsl")
    lead = login_as("practitioner")
    child = child_at(dsl.user.school)
    plan = open_plan(child, lead_practitioner=lead.user)
    involvement = factories.involvement(plan, agency=lead.user.agency, practitioner=lead.user)
    db.session.flush()
    owned_by_lead = factories.action(plan, owner_kind="person", owner_user=lead.user)
    owned_by_dsl = factories.action(plan, owner_kind="person", owner_user=dsl.user)
    db.session.flush()
    db.session.execute(
        update(Agreement)
        .where(Agreement.child_id == child.id)
        .values(withdrawn_on=date(2026, 10, 10))
    )
    db.session.commit()
    base = f"/children/{child.id}"

    assert lead.get(base).status_code == 200  # the lead still reads the record
    for browser, action in ((lead, owned_by_lead), (dsl, owned_by_dsl)):
        url = f"{base}/actions/{action.id}/change"
        answer = browser.submit(
            url, {"status": "done", "version": "1", "completion_note": "x"}, page=base
        )
        assert answer.status_code == 403
    changed = lead.submit(
        f"{base}/involvements/{involvement.id}/change",
        {"service": "Something else", "version": "1"},
        page=base,
    )
    assert changed.status_code == 403
    db.session.expire_all()
    assert {a.status for a in (saved(type(owned_by_lead), owned_by_lead.id),)} == {"not_started"}
    closing = dsl.get(f"{base}/plans/{plan.id}/close")
    assert closing.status_code == 200


def test_after_a_move_the_old_schools_dsl_reads_and_their_actions_go_to_the_plan_lead(login_as):
    """The old school keeps the record read-only for 30 days (docs/design.md, Roles), its
    DSL's own actions included: the move hands them to the plan's lead, who can act on them,
    so none waits on someone who no longer may."""
    old_dsl = login_as("dsl")
    new_school = factories.school(name="New Academy")
    new_dsl = login_as("dsl", school=new_school)
    lead = factories.user("link_worker", name="Lee Lead", linked_schools=[new_school])
    child = child_at(old_dsl.user.school)
    plan = open_plan(child, lead_practitioner=lead)
    action = factories.action(plan, owner_kind="person", owner_user=old_dsl.user)
    done_already = factories.action(
        plan, owner_kind="person", owner_user=old_dsl.user, status="done"
    )
    db.session.commit()
    base = f"/children/{child.id}"
    url = f"{base}/actions/{action.id}/change"
    assert old_dsl.get(url).status_code == 200  # theirs to update before the move

    school_page = old_dsl.get(f"{base}/school")
    chosen = {
        "school": str(new_school.id),
        "moved_on": day(today()),
        "version": version_on(school_page),
    }
    check = old_dsl.submit(f"{base}/school", chosen)
    assert "1 open action that " in page_text(check)
    assert "own on the plan goes to Lee Lead, who leads the plan" in page_text(check)
    assert old_dsl.submit(f"{base}/school", {**chosen, "confirm": "yes"}).status_code == 302

    read = old_dsl.get(base)
    done = {"status": "done", "version": "2", "completion_note": "x"}
    tried = old_dsl.submit(url, done, page=base)

    assert read.status_code == 200  # still read, for 30 days
    assert old_dsl.get(url).status_code == 403
    assert tried.status_code == 403
    moved = saved(Action, action.id)
    assert (moved.status, moved.owner_user_id) == ("not_started", lead.id)
    assert saved(Action, done_already.id).owner_user_id == old_dsl.user.id  # done: left as it was
    assert new_dsl.get(url).status_code == 200
    assert audit_events("child_school_changed")[-1].detail["actions_handed_to_plan_lead"] == [
        action.id
    ]


def test_a_move_says_the_old_schools_actions_stay_with_them_when_the_plan_has_no_lead(login_as):
    """With no lead to take them, the old school's open actions stay with its staff, who can
    only read the record from the move: the check says so, with the way to put it right."""
    old_dsl = login_as("dsl")
    new_school = factories.school(name="New Academy")
    child = child_at(old_dsl.user.school)
    plan = open_plan(child)
    action = factories.action(plan, owner_kind="person", owner_user=old_dsl.user)
    db.session.commit()
    base = f"/children/{child.id}"
    chosen = {
        "school": str(new_school.id),
        "moved_on": day(today()),
        "version": version_on(old_dsl.get(f"{base}/school")),
    }

    check = old_dsl.submit(f"{base}/school", chosen)

    said = text_of(check, "actions-kept")
    assert said.startswith("1 open action that ")
    assert "stays with them, as the plan has no lead practitioner to take it" in said
    assert f'href="{base}/plans/{plan.id}"' in check.get_data(as_text=True)
    assert "who leads the plan" not in page_text(check)
    assert old_dsl.submit(f"{base}/school", {**chosen, "confirm": "yes"}).status_code == 302
    assert saved(Action, action.id).owner_user_id == old_dsl.user.id
