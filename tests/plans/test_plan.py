"""Starting, changing and closing a child's shared plan."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert

from tas.extensions import db
from tas.plans import services as shared_plans
from tas.plans.models import SharedPlan
from tests import factories
from tests.pages import audit_events, date_shown, day, error_summary, page_text, saved, section
from tests.plans.helpers import child_at, open_plan, plans_of

START = {"started_on": day(date(2026, 10, 12)), "next_review_on": day(date(2026, 11, 23))}


def test_a_plan_cannot_start_without_the_familys_agreement(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school, agreed=False)
    db.session.commit()
    url = f"/children/{child.id}/plans/new"

    page = dsl.get(url)
    sent = dsl.submit(url, START)

    assert page.status_code == 200
    assert "Integrated Front Door" in page_text(page)
    assert "Start the plan" not in page_text(page)
    assert sent.status_code == 200
    assert plans_of(child.id) == []
    child_page = page_text(dsl.get(f"/children/{child.id}"))
    assert "There is no current agreement" in child_page
    assert "Start a shared plan" not in child_page


def test_the_dsl_starts_a_plan_with_a_lead_practitioner(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    lead = factories.user("link_worker", name="Lee Lead")
    db.session.commit()
    url = f"/children/{child.id}/plans/new"

    form = dsl.get(url)
    response = dsl.submit(url, {**START, "lead_practitioner": str(lead.id), "school_id": "999"})

    # The child is at Universal: the page says the plan steps them up, not that they are at
    # Early Help already.
    assert child.level_of_need in (None, "universal")
    shown = page_text(form)
    assert f"starting it steps {child.first_name} up to Early Help" in shown
    assert "Level of need Early Help" not in shown
    assert date_shown(form, "started_on") == ["12", "10", "2026"]  # today
    assert date_shown(form, "next_review_on") == ["23", "11", "2026"]  # 6 weeks on
    assert response.status_code == 302
    [plan] = plans_of(child.id)
    assert (plan.status, plan.level_of_need, plan.lead_practitioner_id) == (
        "open",
        "early_help",
        lead.id,
    )
    assert (plan.started_on, plan.next_review_on) == (date(2026, 10, 12), date(2026, 11, 23))
    assert plan.originating_school_id == dsl.user.school_id
    [started] = audit_events("plan_started")
    assert (started.actor_id, started.target_id) == (dsl.user.id, plan.id)
    assert "lead_practitioner_id" in started.detail["fields"]
    assert "Lee Lead" in page_text(dsl.get(f"/children/{child.id}"))


def test_what_to_put_right_when_starting_a_plan(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    db.session.commit()

    response = dsl.submit(
        f"/children/{child.id}/plans/new",
        {"started_on": ["12", "10", "2026"], "next_review_on": ["1", "9", "2026"]},
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "next_review_on": "The next review date must be after the start date"
    }
    assert date_shown(response, "next_review_on") == ["1", "9", "2026"]  # as typed
    assert plans_of(child.id) == []


def test_every_problem_starting_a_plan_shows_at_once(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    db.session.commit()
    url = f"/children/{child.id}/plans/new"

    no_start = dsl.submit(url, {"started_on": ["", "", ""], "next_review_on": ["1", "9", "2026"]})
    all_wrong = dsl.submit(
        url,
        {
            "started_on": ["12", "10", "2026"],
            "next_review_on": ["1", "9", "2026"],
            "lead_practitioner": "99999999999999999999",
        },
    )

    assert no_start.status_code == 200  # the checks cope with the start the form refused
    assert "started_on" in error_summary(no_start)
    assert set(error_summary(all_wrong)) == {"lead_practitioner", "next_review_on"}
    assert error_summary(all_wrong)["next_review_on"] == (
        "The next review date must be after the start date"
    )
    assert plans_of(child.id) == []


@pytest.mark.parametrize(
    ("started_on", "problem"),
    [
        (date(2026, 10, 13), "The start date must be today or in the past"),
        (
            date(2026, 8, 31),
            "The start date must be on or after the day the family agreed to early help, "
            "1 September 2026",
        ),
        (
            date(2016, 4, 1),
            "The start date must be on or after the child's date of birth, 1 May 2016",
        ),
    ],
)
def test_a_plan_cannot_start_before_the_child_was_born_the_family_agreed_or_after_today(
    login_as, started_on, problem
):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)  # born 1 May 2016; agreed 1 September 2026
    db.session.commit()

    response = dsl.submit(
        f"/children/{child.id}/plans/new",
        {**START, "started_on": day(started_on)},
    )

    assert response.status_code == 200
    assert error_summary(response) == {"started_on": problem}
    assert plans_of(child.id) == []


def test_a_new_plan_cannot_start_before_the_last_one_closed(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    factories.plan(child, status="closed", closed_on=date(2026, 10, 1))
    db.session.commit()
    url = f"/children/{child.id}/plans/new"

    refused = dsl.submit(url, {**START, "started_on": day(date(2026, 9, 30))})
    started = dsl.submit(url, {**START, "started_on": day(date(2026, 10, 1))})

    assert error_summary(refused) == {
        "started_on": "The start date must be on or after the day the child's last plan closed, "
        "1 October 2026"
    }
    assert started.status_code == 302
    assert [p.started_on for p in plans_of(child.id)] == [date(2026, 9, 8), date(2026, 10, 1)]


@pytest.mark.parametrize(
    ("next_review_on", "problem"),
    [
        (None, "Enter the next review date"),
        (date(2026, 10, 9), "The next review date must be today or in the future"),
        (date(2027, 10, 13), "The next review date must be within the next year"),
    ],
)
def test_a_plan_starts_with_a_review_from_today_to_a_year_ahead(login_as, next_review_on, problem):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    db.session.commit()
    typed = day(next_review_on) if next_review_on else ["", "", ""]

    response = dsl.submit(
        f"/children/{child.id}/plans/new",
        {"started_on": day(date(2026, 10, 1)), "next_review_on": typed},
    )

    assert response.status_code == 200
    assert error_summary(response) == {"next_review_on": problem}
    assert plans_of(child.id) == []


def test_a_plans_review_date_changed_more_than_a_year_ahead_is_refused(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    db.session.commit()
    url = f"/children/{child.id}/plans/{plan.id}/change"

    response = dsl.submit(
        url, {"next_review_on": day(date(2027, 10, 13)), "version": str(plan.version)}
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "next_review_on": "The next review date must be within the next year"
    }
    assert saved(SharedPlan, plan.id).next_review_on == date(2026, 10, 20)


def test_an_overdue_plan_keeps_its_review_date_when_only_the_lead_changes(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    lead = factories.user("link_worker")
    plan = factories.plan(child, next_review_on=date(2026, 10, 9))  # overdue
    db.session.commit()
    url = f"/children/{child.id}/plans/{plan.id}/change"

    response = dsl.submit(
        url,
        {
            "lead_practitioner": str(lead.id),
            "next_review_on": day(date(2026, 10, 9)),
            "version": str(plan.version),
        },
    )

    assert response.status_code == 302
    assert saved(SharedPlan, plan.id).lead_practitioner_id == lead.id


def test_a_child_has_one_open_plan_at_a_time(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    db.session.commit()

    page = dsl.get(f"/children/{child.id}/plans/new")
    sent = dsl.submit(f"/children/{child.id}/plans/new", START, page=f"/children/{child.id}")

    assert f"already has an open shared plan, {plan.reference}" in page_text(page)
    assert sent.status_code == 200
    assert [p.id for p in plans_of(child.id)] == [plan.id]


@pytest.mark.commits  # another connection starts a plan mid-request
def test_two_plans_started_at_once_leave_one_and_a_clear_message(login_as, monkeypatch):
    """The database's one-open-plan index stops the second, when both passed the check."""
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    db.session.commit()
    url = f"/children/{child.id}/plans/new"
    form = dsl.token(url)
    checks = []

    def other_request_starts_one_first(child_id):
        checks.append(child_id)
        if len(checks) == 2:  # after the page's own check, just before saving
            with db.engine.begin() as other:
                other.execute(
                    insert(SharedPlan.__table__).values(
                        child_id=child_id,
                        status="open",
                        level_of_need="early_help",
                        started_on=date(2026, 10, 1),
                        version=1,
                        restricted=False,
                        not_for_parent=False,
                        third_party=False,
                    )
                )
        return None

    monkeypatch.setattr(shared_plans, "open_plan_of", other_request_starts_one_first)
    response = dsl.client.post(url, data={"csrf_token": form, **START})

    assert response.status_code == 200
    assert error_summary(response) == {"open-plan": shared_plans.OPEN_PLAN}
    assert len(plans_of(child.id)) == 1


def test_the_lead_practitioner_can_be_changed_and_the_change_is_audited(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    first = factories.user("link_worker")
    second = factories.user("practitioner", name="Nia Next")
    plan = open_plan(child, lead_practitioner=first)
    db.session.commit()
    url = f"/children/{child.id}/plans/{plan.id}/change"

    page = dsl.get(url)
    response = dsl.submit(
        url,
        {
            "lead_practitioner": str(second.id),
            "next_review_on": day(date(2026, 10, 20)),
            "version": str(plan.version),
        },
    )

    assert page.status_code == 200
    assert response.status_code == 302
    assert saved(SharedPlan, plan.id).lead_practitioner_id == second.id
    [changed] = audit_events("plan_changed")
    assert changed.detail == {"fields": ["lead_practitioner_id"]}


def test_the_lead_practitioner_may_change_the_plan_but_another_practitioner_may_not(login_as):
    lead = login_as("practitioner")
    other = login_as("practitioner")
    school = factories.school()
    child = child_at(school)
    plan = open_plan(child, lead_practitioner=lead.user)
    factories.involvement(plan, agency=other.user.agency, practitioner=other.user)
    db.session.commit()
    url = f"/children/{child.id}/plans/{plan.id}/change"
    data = {"lead_practitioner": str(lead.user.id), "next_review_on": day(date(2026, 11, 2))}

    by_lead = lead.submit(url, {**data, "version": str(plan.version)})
    by_other = other.submit(url, {**data, "version": "2"}, page=f"/children/{child.id}")

    assert by_lead.status_code == 302
    assert by_other.status_code == 403
    assert saved(SharedPlan, plan.id).next_review_on == date(2026, 11, 2)
    assert lead.get(f"/children/{child.id}/plans/new").status_code == 403
    # Neither may change the child's own details (docs/security.md C14).
    assert lead.get(f"/children/{child.id}/details").status_code == 403
    assert other.get(f"/children/{child.id}/details").status_code == 403


def test_closing_keeps_the_plan_read_only_and_a_new_one_can_start(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    involvement = factories.involvement(plan)
    action = factories.action(plan)
    db.session.commit()
    base = f"/children/{child.id}"

    closed = dsl.submit(
        f"{base}/plans/{plan.id}/close",
        {
            "closed_on": day(date(2026, 10, 12)),
            "closure_reason": "Things are going well at home and school.",
            "returned_to_level": "universal",
            "version": str(plan.version),
        },
    )

    assert closed.status_code == 302
    assert closed.headers["Location"].endswith(f"/plans/{plan.id}/closure-letter")
    kept = saved(SharedPlan, plan.id)
    assert (kept.status, kept.closed_on) == ("closed", date(2026, 10, 12))
    assert "status" in audit_events("plan_closed")[0].detail["fields"]
    refused = [
        dsl.get(f"{base}/plans/{plan.id}/change"),
        dsl.submit(f"{base}/plans/{plan.id}/actions/new", {}, page=base),
        dsl.submit(f"{base}/involvements/{involvement.id}/change", {}, page=base),
        dsl.submit(f"{base}/actions/{action.id}/change", {"status": "done"}, page=base),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert "This plan is closed" in page_text(refused[0])
    old = dsl.get(f"{base}/plans/{plan.id}")
    assert old.status_code == 200
    assert "Add an action" not in page_text(old)
    assert "/change" not in old.get_data(as_text=True)  # no links to update anything

    started = dsl.submit(f"{base}/plans/new", START)

    assert started.status_code == 302
    assert [p.status for p in plans_of(child.id)] == ["closed", "open"]
    earlier = section(dsl.get(base), "older-plans")
    assert f"{plan.reference} 8 September 2026 12 October 2026 Things are going well" in earlier


def test_a_plan_held_by_social_care_is_read_only(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child, status="held_by_social_care")
    db.session.commit()

    response = dsl.get(f"/children/{child.id}/plans/{plan.id}/change")
    page = page_text(dsl.get(f"/children/{child.id}"))

    assert response.status_code == 403
    assert "Children's Social Care holds this case" in page_text(response)
    assert "Children's Social Care holds this case: the plan is read-only" in page
    assert "Add an involvement" not in page


def test_plan_pages_are_audited_when_read(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    db.session.commit()

    dsl.get(f"/children/{child.id}/plans/{plan.id}")
    dsl.get(f"/children/{child.id}/plans/{plan.id}/change")

    assert [e.target_id for e in audit_events("plan_viewed")] == [plan.id]
    assert [e.actor_id for e in audit_events("plan_change_opened")] == [dsl.user.id]


def test_a_plan_started_for_a_child_below_early_help_is_named_in_the_level_history(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school, level_of_need="universal")
    db.session.commit()

    assert dsl.submit(f"/children/{child.id}/plans/new", START).status_code == 302

    history = page_text(dsl.get(f"/children/{child.id}/level"))
    assert "Shared plan started: Universal to Early Help" in history
    assert "Other change" not in history


def test_a_child_at_targeted_early_help_starts_a_plan_at_that_level(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school, level_of_need="targeted_early_help")
    db.session.commit()

    shown = page_text(dsl.get(f"/children/{child.id}/plans/new"))

    assert "Level of need Targeted Early Help" in shown
    assert "steps" not in shown and f"The plan takes {child.first_name}'s level of need" in shown
