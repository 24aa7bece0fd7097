"""Missing GP notifications across every plan a person may see (one query), and the GP
practice's own list: acknowledge and answer, nothing else of the child's record."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tas.extensions import db
from tas.plans.gp.lists import missing_gp_notifications
from tas.plans.models import GpNotification, Outcome
from tests import factories
from tests.pages import audit_events, error_summary, page_text, section, version_on
from tests.plans.helpers import child_at, open_plan

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

SENT = datetime(2026, 10, 5, 10, tzinfo=UTC)


def a_plan(school, *, gp_practice=None, notified=False, **child_fields):
    """A plan with an active involvement; the child registered with `gp_practice`."""
    child = child_at(school, gp_practice=gp_practice, **child_fields)
    plan = open_plan(child, lead_practitioner=factories.user("link_worker", name="Lin Link"))
    worker = factories.user("practitioner", name="Pat Worker")
    factories.involvement(
        plan,
        agency=worker.agency,
        practitioner=worker,
        service="Anxiety group",
        started_on=date(2026, 10, 1),
        summary="Private summary",
    )
    db.session.flush()
    if notified and gp_practice is not None:
        db.session.add(
            GpNotification(
                plan_id=plan.id,
                gp_practice_id=gp_practice.id,
                due_on=date(2026, 10, 8),
                sent_at=SENT,
                method="secure email",
            )
        )
    db.session.flush()
    return child, plan


def gp_practice():
    return factories.agency(service_type="gp_practice", contact_email="gp@nhs.net")


def plans_missing_at(school, count: int) -> list:
    """Half missing the notification, half notified with an update waiting."""
    plans = []
    for number in range(count):
        practice = gp_practice()
        _, plan = a_plan(school, gp_practice=practice, notified=number % 2 == 1)
        if number % 2:
            an_update_waiting(plan, practice, "step_down", date(2026, 10, 16))
        plans.append(plan)
    return plans


def page_text_of(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def status_cell(response, plan) -> str:
    """The "What is missing" cell (the row's last) of the plan's row, as read."""
    body = response.get_data(as_text=True)
    row = next(row for row in body.split("<tr") if plan.reference in row)
    cell = row.split("<td")[-1].split(">", 1)[1].split("</td>")[0]
    return page_text_of(html.unescape(cell))


def an_update_waiting(plan, practice, kind: str, due_on: date) -> None:
    """The step up, step down or closure update the app could not send (no secure mailbox)."""
    db.session.add(
        GpNotification(plan_id=plan.id, gp_practice_id=practice.id, kind=kind, due_on=due_on)
    )
    db.session.commit()


@pytest.mark.parametrize(
    ("kind", "due_on", "shown"),
    [
        ("step_up", date(2026, 10, 16), "Step up update, due by 16 October 2026"),
        ("step_down", date(2026, 10, 12), "Step down update, due by 12 October 2026"),
        ("closure", date(2026, 10, 9), "Overdue Closure update, due by 9 October 2026"),
    ],
)
def test_a_plan_already_notified_shows_its_waiting_update_and_that_updates_due_date(
    login_as, kind, due_on, shown
):
    """The first notification went on 5 October; what waits now is the update, due on its own
    date (5 working days after the step change), never "overdue" from the first one's date."""
    dsl = login_as("dsl")
    practice = gp_practice()
    _, plan = a_plan(dsl.user.school, gp_practice=practice, notified=True)
    an_update_waiting(plan, practice, kind, due_on)

    cell = status_cell(dsl.get("/gp-notifications/missing"), plan)

    assert cell == shown
    assert "8 October" not in cell  # the first notification's due date
    assert cell.count("Overdue") == (1 if "Overdue" in shown else 0)


def test_the_plan_page_says_overdue_once(login_as):
    dsl = login_as("dsl")
    child, _ = a_plan(dsl.user.school, gp_practice=gp_practice())
    db.session.commit()

    status = page_text_of(
        html.unescape(section(dsl.get(f"/children/{child.id}"), "gp-notification"))
    )

    assert "Overdue Due by 8 October 2026" in status
    assert status.count("Overdue") == 1


@pytest.mark.parametrize("role", ["dsl", "link_worker", "coordinator"])
def test_the_missing_list_is_one_query_whatever_the_number_of_plans(login_as, count_queries, role):
    statements, pages = [], []
    for size in (3, 30):
        school = factories.school()
        fields = {
            "dsl": {"school": school},
            "link_worker": {"linked_schools": [school]},
            "coordinator": {"clusters": [school.cluster]},
        }[role]
        browser = login_as(role, **fields)
        plans_missing_at(school, size)
        db.session.commit()
        user = browser.user
        db.session.refresh(user)
        with count_queries() as counted:
            found = missing_gp_notifications(user)
        statements.append(len(counted))
        assert len(found) == size
        browser.get("/")
        with count_queries() as counted:
            assert browser.get("/gp-notifications/missing").status_code == 200
        pages.append(len(counted))

    assert statements == [1, 1]
    assert pages[0] == pages[1]


def test_the_missing_list_holds_only_missing_notifications_of_plans_the_user_may_see(login_as):
    dsl = login_as("dsl")
    school = dsl.user.school
    _, missing = a_plan(school, gp_practice=gp_practice(), first_name="Mabel")
    a_plan(school, gp_practice=gp_practice(), notified=True, first_name="Notified")
    a_plan(school, gp_practice=None, first_name="Unregistered")
    a_plan(factories.school(), gp_practice=gp_practice(), first_name="Elsewhere")
    no_one = child_at(school, gp_practice=gp_practice(), first_name="Uninvolved")
    open_plan(no_one)
    db.session.commit()

    response = dsl.get("/gp-notifications/missing")

    rows = html.unescape(section(response, "missing-notifications"))
    assert missing.reference in rows
    assert "Mabel" in rows
    assert "Overdue Notification, due by 8 October 2026" in " ".join(page_text_of(rows).split())
    for hidden in ("Notified", "Unregistered", "Elsewhere", "Uninvolved"):
        assert hidden not in rows
    assert f"/children/{missing.child_id}/plans/{missing.id}/gp-notification" in (
        response.get_data(as_text=True)
    )
    assert audit_events("gp_notifications_missing_viewed")


def test_a_coordinator_sees_references_and_schools_but_no_names(login_as):
    school = factories.school(name="Hill Top Primary")
    coordinator = login_as("coordinator", clusters=[school.cluster])
    _, plan = a_plan(school, gp_practice=gp_practice(), first_name="Hortensia")
    _, outside = a_plan(factories.school(), gp_practice=gp_practice())
    db.session.commit()

    text = page_text(coordinator.get("/gp-notifications/missing"))

    assert plan.reference in text
    assert "Hill Top Primary" in text
    # Nor who leads the plan: with the school and the plan, it would narrow who the child is.
    assert "Lin Link" not in text
    assert "Hortensia" not in text
    assert outside.reference not in text


@pytest.mark.parametrize("role", ["practitioner", "school_staff", "gp", "admin"])
def test_other_roles_have_no_missing_list(login_as, role):
    assert login_as(role).get("/gp-notifications/missing").status_code == 403


def the_practices_notification(gp, nhs_number="9990000026"):
    child, plan = a_plan(
        factories.school(),
        gp_practice=gp.user.agency,
        notified=True,
        first_name="Ignatius",
        nhs_number=nhs_number,
    )
    db.session.add(Outcome(plan_id=plan.id, statement="Private outcome"))
    factories.action(plan, description="Private action")
    db.session.commit()
    notification = db.session.scalar(
        select(GpNotification).where(GpNotification.plan_id == plan.id)
    )
    return child, plan, notification


def beside_another_practices(gp):
    """The practice's notification, and another practice's about a child called Otherkid."""
    found = the_practices_notification(gp)
    a_plan(factories.school(), gp_practice=gp_practice(), notified=True, first_name="Otherkid")
    db.session.commit()
    return found


def test_the_practice_sees_its_notifications_with_who_is_involved_and_nothing_more(login_as):
    gp = login_as("gp")
    _, plan, _ = beside_another_practices(gp)

    response = gp.get("/gp/notifications")

    text = page_text(response)
    assert response.status_code == 200
    for shown in (
        plan.reference,
        "Ignatius",
        "1 May 2016",
        "999 000 0026",
        "Anxiety group (Pat Worker, person",
        "Lin Link",
        "Level of need now Early Help",  # as the email said it
    ):
        assert shown in text, shown
    for hidden in ("Private", "Otherkid"):
        assert hidden not in text
    assert "GP notifications" in text  # in the navigation


def test_the_practice_acknowledges_and_answers_and_the_team_sees_the_answer(login_as):
    gp = login_as("gp")
    child, _, notification = the_practices_notification(gp)
    dsl = login_as("dsl", school=child.school)
    url = f"/gp/notifications/{notification.id}"

    acknowledged = gp.submit(f"{url}/acknowledge", page="/gp/notifications")
    again = gp.submit(f"{url}/acknowledge", page=f"{url}/reply")
    again_told = page_text(gp.get(again.headers["Location"]))
    blank = gp.submit(f"{url}/reply", {"health_services_reply": "  "})
    typed = {"health_services_reply": "Known to paediatrics."}
    answered = gp.submit(f"{url}/reply", {**typed, "version": version_on(gp.get(f"{url}/reply"))})
    told = page_text(gp.get(answered.headers["Location"]))
    resent = gp.submit(f"{url}/reply", {**typed, "version": version_on(gp.get(f"{url}/reply"))})
    resent_told = page_text(gp.get(resent.headers["Location"]))

    assert (acknowledged.status_code, again.status_code, answered.status_code) == (302, 302, 302)
    assert "The notification had already been acknowledged on" in again_told
    assert "has been acknowledged" not in again_told
    assert "Your answer has been sent to the team around the child" in told
    assert "You did not change anything, so nothing has been saved" in resent_told
    assert "Your answer has been sent" not in resent_told
    assert len(audit_events("gp_health_services_replied")) == 1
    assert blank.status_code == 200
    assert (
        "Enter which health services are involved" in error_summary(blank)["health_services_reply"]
    )
    db.session.expire_all()
    row = db.session.get(GpNotification, notification.id)
    assert row.acknowledged_at is not None
    assert row.health_services_reply == "Known to paediatrics."
    assert len(audit_events("gp_notification_acknowledged")) == 1
    assert "Known to paediatrics." in section(dsl.get(f"/children/{child.id}"), "gp-notification")


def test_the_childs_page_links_the_practice_to_its_notifications_about_the_child(login_as):
    """From the child's page the practice goes straight to what it was sent about the child and
    to its answer; others see no such section, and another child's notification is not there."""
    gp = login_as("gp")
    child, plan, notification = beside_another_practices(gp)
    _, _, second_child_notification = the_practices_notification(gp, nhs_number="9990000034")
    dsl = login_as("dsl", school=child.school)
    page = f"/children/{child.id}"

    before = gp.get(page)
    gp.submit(f"/gp/notifications/{notification.id}/acknowledge", page="/gp/notifications")
    after = section(gp.get(page), "practice-notifications")

    assert before.status_code == 200
    listed = section(before, "practice-notifications")
    assert f"{plan.reference}: Notification, " in listed
    assert "not acknowledged yet" in listed
    assert "tell the team which health services are involved" in listed
    body = before.get_data(as_text=True)
    assert f'href="/gp/notifications#notification-{notification.id}"' in body
    assert f'href="/gp/notifications/{notification.id}/reply"' in body
    assert f"notification-{second_child_notification.id}" not in body
    assert "acknowledged on" in after and "not acknowledged yet" not in after
    assert 'id="practice-notifications"' not in dsl.get(page).get_data(as_text=True)


def test_a_second_answer_from_the_practice_does_not_overwrite_the_first_unseen(login_as):
    first = login_as("gp")
    _, _, notification = the_practices_notification(first)
    second = login_as("gp", agency=first.user.agency)
    url = f"/gp/notifications/{notification.id}/reply"
    first_version, second_version = version_on(first.get(url)), version_on(second.get(url))

    sent = first.submit(
        url, {"health_services_reply": "Health visitor involved (A)", "version": first_version}
    )
    refused = second.submit(
        url, {"health_services_reply": "None known (B)", "version": second_version}
    )
    kept = second.submit(
        url, {"health_services_reply": "None known (B)", "version": version_on(refused)}
    )

    assert sent.status_code == 302
    assert refused.status_code == 409
    assert "Someone else changed this answer while you were editing it" in error_summary(
        refused
    ).get("saved-version", "")
    # Both answers side by side, and what B typed still in the form.
    assert (
        "Which health services are involved with this child? None known (B) "
        "Health visitor involved (A) Different"
    ) in page_text(refused)
    assert ">None known (B)</textarea>" in refused.get_data(as_text=True)
    assert kept.status_code == 302  # saving again is a deliberate choice
    db.session.expire_all()
    assert db.session.get(GpNotification, notification.id).health_services_reply == (
        "None known (B)"
    )


def test_an_answer_sent_twice_is_saved_not_called_someone_elses_change(login_as):
    """A double click sends the same answer with the same version twice: the second finds the
    record already holding exactly what was sent, so it is saved, not a 409 blaming a
    colleague; the answer is recorded and audited once."""
    gp = login_as("gp")
    _, _, notification = the_practices_notification(gp)
    url = f"/gp/notifications/{notification.id}/reply"
    typed = {"health_services_reply": "Known to paediatrics.", "version": version_on(gp.get(url))}

    first, second = gp.submit(url, typed), gp.submit(url, typed)

    assert (first.status_code, second.status_code) == (302, 302)
    assert "Someone else" not in page_text(gp.get(second.headers["Location"]))
    assert len(audit_events("gp_health_services_replied")) == 1
    different = gp.submit(url, {**typed, "health_services_reply": "None known."})
    assert different.status_code == 409  # what was typed differs from what is saved


def test_a_colleague_acknowledging_does_not_stop_an_answer_being_typed(login_as):
    """Noting a notification changes no answer: a colleague's reply form, opened before it was
    acknowledged, still saves (and two acknowledging at once note it once)."""
    first = login_as("gp")
    _, _, notification = the_practices_notification(first)
    second = login_as("gp", agency=first.user.agency)
    url = f"/gp/notifications/{notification.id}"
    opened = version_on(second.get(f"{url}/reply"))

    first.submit(f"{url}/acknowledge", page="/gp/notifications")
    answered = second.submit(
        f"{url}/reply", {"health_services_reply": "School nurse", "version": opened}
    )

    assert answered.status_code == 302
    db.session.expire_all()
    row = db.session.get(GpNotification, notification.id)
    assert row.health_services_reply == "School nurse" and row.acknowledged_at is not None
    assert len(audit_events("gp_notification_acknowledged")) == 1


def test_the_practices_home_page_points_to_what_is_waiting_to_be_acknowledged(login_as):
    gp = login_as("gp")
    _, _, notification = beside_another_practices(gp)

    before = gp.get("/")
    gp.submit(f"/gp/notifications/{notification.id}/acknowledge", page="/gp/notifications")
    after = gp.get("/")

    # Only the practice's own: another practice's notification is not counted.
    assert "1 notification is waiting to be acknowledged" in page_text(before)
    link = re.search(r'<a [^>]*id="to-acknowledge"[^>]*>', before.get_data(as_text=True))
    assert link and 'href="/gp/notifications"' in link.group(0)
    assert "waiting to be acknowledged" not in page_text(after)
    assert "GP notifications" in page_text(after)


def test_another_practice_gets_404_and_changes_nothing(login_as):
    ours = login_as("gp")
    other = login_as("gp")
    _, _, notification = the_practices_notification(ours)
    url = f"/gp/notifications/{notification.id}"

    responses = [
        other.submit(f"{url}/acknowledge", page="/gp/notifications"),
        other.get(f"{url}/reply"),
        other.submit(f"{url}/reply", {"health_services_reply": "Mine"}, page="/gp/notifications"),
        ours.get(f"/gp/notifications/{notification.id + 1000}/reply"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert "Ignatius" not in page_text(other.get("/gp/notifications"))
    for response in responses:
        assert "Ignatius" not in page_text(response)
    db.session.expire_all()
    row = db.session.get(GpNotification, notification.id)
    assert (row.acknowledged_at, row.health_services_reply) == (None, None)


def test_people_who_are_not_a_practice_have_no_practice_list(login_as):
    assert login_as("dsl").get("/gp/notifications").status_code == 403
