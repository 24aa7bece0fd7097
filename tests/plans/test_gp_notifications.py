"""GP notifications from a plan: sent securely through the outbox or recorded by hand, shown on
the team-around-the-child page, never sent twice, and never with a name in the subject."""

from __future__ import annotations

import email
import html
import re
from datetime import UTC, date, datetime
from email.policy import default

from sqlalchemy import select

from tas.extensions import db
from tas.plans.models import GpNotification, SharedPlan
from tests import factories
from tests.pages import audit_events, day, emails, error_summary, page_text, queued_emails, section
from tests.plans.helpers import child_at, named_practitioner, open_plan


def practice(contact_email="safeguarding.b99001@nhs.net", **fields):
    return factories.agency(service_type="gp_practice", contact_email=contact_email, **fields)


def a_plan_to_notify(school, gp_practice=None, **child_fields):
    """A child registered with a practice, with a plan and an active involvement that started
    on Thursday 1 October 2026 (so the notification was due by Thursday 8 October)."""
    gp_practice = gp_practice or practice()
    child = child_at(
        school,
        gp_practice=gp_practice,
        first_name="Peregrine",
        last_name="Oddlestone",
        date_of_birth=date(2015, 3, 4),
        nhs_number="9990000018",
        **child_fields,
    )
    lead = factories.user("link_worker", name="Lin Link", email="lin.link@example.org")
    plan = open_plan(child, lead_practitioner=lead)
    camhs = factories.agency(name="CAMHS")
    factories.involvement(plan, agency=camhs, service="Anxiety group", started_on=date(2026, 10, 1))
    db.session.commit()
    return child, plan


def notifications(plan_id: int) -> list[GpNotification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(GpNotification)
            .where(GpNotification.plan_id == plan_id)
            .order_by(GpNotification.id)
        )
    )


def gp_status(response) -> str:
    return html.unescape(section(response, "gp-notification"))


def send_url(child, plan) -> str:
    return f"/children/{child.id}/plans/{plan.id}/gp-notification"


SEND = {"kind": "initial", "reason": "emotional_wellbeing", "ask_health_services": "y"}


def test_the_team_page_flags_a_missing_notification_with_a_link_to_send_it(login_as):
    dsl = login_as("dsl")
    child, _ = a_plan_to_notify(dsl.user.school)

    response = dsl.get(f"/children/{child.id}")

    status = gp_status(response)
    assert "Overdue" in status and "Due by 8 October 2026" in status
    assert "Send or record the GP notification" in status
    assert "GP notification overdue: it was due by 8 October 2026" in section(
        response, "plan-flags"
    )


def test_no_notification_is_expected_without_a_known_practice(login_as):
    dsl = login_as("dsl")
    child = child_at(dsl.user.school)
    plan = open_plan(child)
    factories.involvement(plan, started_on=date(2026, 10, 1))
    db.session.commit()

    page = dsl.get(f"/children/{child.id}")
    status = gp_status(page)

    assert "Not expected: the child's GP practice is not known" in status
    assert "Send or record" not in status
    assert "Record the child's GP practice in their details" in status
    link = re.search(r'<a [^>]*id="record-gp-practice"[^>]*>', page.get_data(as_text=True))
    assert link and f'href="/children/{child.id}/details"' in link.group(0)


def test_sending_to_an_nhs_net_mailbox_queues_one_email_without_the_name_in_its_subject(
    login_as,
):
    dsl = login_as("dsl")
    child, plan = a_plan_to_notify(dsl.user.school)
    page = dsl.get(send_url(child, plan))
    assert page.status_code == 200
    assert "Send it securely" in page_text(page)

    response = dsl.submit(send_url(child, plan), SEND)
    response.close()  # the outbox delivers once the response is finished

    assert response.status_code == 302
    [queued] = queued_emails()
    [sent] = notifications(plan.id)
    assert (sent.kind, sent.method, sent.recorded_by_id) == ("initial", "secure email", dsl.user.id)
    assert sent.sent_at is not None and sent.outbox_message_id == queued.id
    assert sent.due_on == date(2026, 10, 8)
    message = email.message_from_bytes(queued.raw, policy=default)
    assert message["To"] == f"{child.gp_practice.name} <safeguarding.b99001@nhs.net>"
    assert message["Subject"] == f"Early help notification for plan {plan.reference}"
    for name in ("Peregrine", "Oddlestone"):
        assert name not in message["Subject"]
    body = message.get_content()
    for detail in (
        "note the early help plan on the child's record",
        "tell the lead practitioner of any health involvement",
        "Child: Peregrine Oddlestone",
        "Date of birth: 4 March 2015",
        "NHS number: 999 000 0018",
        "Plan started: 8 September 2026",
        "Level of need: Early Help",
        "Reason for early help: Emotional wellbeing and mental health",
        "- CAMHS: Anxiety group",
        "Lead practitioner: Lin Link, lin.link@example.org",
        "was told what will be shared and why",
        "Which health services are involved with this child?",
        "https://tas.example.org/gp/notifications",
    ):
        assert detail in body, detail
    [written] = emails()
    assert written["Subject"] == message["Subject"]
    [event] = audit_events("gp_notification_sent")
    assert event.detail["outbox_message_id"] == queued.id
    assert "Peregrine" not in str(event.detail)
    status = gp_status(dsl.get(f"/children/{child.id}"))
    assert "Sent 12 October 2026 by secure email" in status and "Sent Sent" not in status
    assert "Send or record" not in status


def test_a_second_click_does_not_send_it_again(login_as):
    dsl = login_as("dsl")
    child, plan = a_plan_to_notify(dsl.user.school)
    form_page = send_url(child, plan)
    token = dsl.token(form_page)

    first = dsl.client.post(form_page, data={"csrf_token": token, **SEND})
    second = dsl.client.post(form_page, data={"csrf_token": token, **SEND})
    record = dsl.client.post(
        form_page + "/record",
        data={
            "csrf_token": token,
            "kind": "initial",
            "sent_on": day(date(2026, 10, 12)),
            "method": "phone",
        },
    )

    assert (first.status_code, second.status_code, record.status_code) == (302, 302, 302)
    assert len(queued_emails()) == 1
    assert len(notifications(plan.id)) == 1
    shown = page_text(dsl.get(second.headers["Location"]))
    assert "had already been told on 12 October 2026: nothing was sent again" in shown


def test_a_mailbox_outside_the_allow_list_is_refused_with_a_way_to_record_it(login_as):
    dsl = login_as("dsl")
    lookalike = practice("safeguarding@nhs.net.surgery.example")
    child, plan = a_plan_to_notify(dsl.user.school, gp_practice=lookalike)

    page = dsl.get(send_url(child, plan))
    response = dsl.submit(send_url(child, plan), SEND)

    assert "cannot be sent securely" in page_text(page)
    assert "Record it given another way" in page_text(page)
    assert 'name="reason"' not in page.get_data(as_text=True)
    assert response.status_code == 200
    assert "not on the secure email list" in error_summary(response)["reason"]
    assert queued_emails() == []
    assert notifications(plan.id) == []


def test_a_notification_given_another_way_is_recorded_by_hand(login_as):
    dsl = login_as("dsl")
    child, plan = a_plan_to_notify(dsl.user.school, gp_practice=practice("gp@surgery.example"))
    url = send_url(child, plan) + "/record"

    missing = dsl.submit(url, {"kind": "initial", "method": "letter"}, page=send_url(child, plan))
    future = dsl.submit(
        url,
        {"kind": "initial", "sent_on": day(date(2026, 10, 13)), "method": "letter"},
        page=send_url(child, plan),
    )
    recorded = dsl.submit(
        url,
        {"kind": "initial", "sent_on": day(date(2026, 10, 9)), "method": "phone"},
        page=send_url(child, plan),
    )

    assert missing.status_code == 200
    assert error_summary(missing)["sent_on"] == "Enter the date the practice was told"
    assert 'value="letter" checked' in missing.get_data(as_text=True)  # what was typed stays
    assert "today or in the past" in error_summary(future)["sent_on"]
    assert recorded.status_code == 302
    [row] = notifications(plan.id)
    assert (row.method, row.recorded_by_id, row.outbox_message_id) == ("phone", dsl.user.id, None)
    assert queued_emails() == []
    assert len(audit_events("gp_notification_recorded")) == 1
    status = gp_status(dsl.get(f"/children/{child.id}"))
    assert "Sent 9 October 2026 by phone" in status


def test_a_date_in_the_future_and_no_way_given_are_both_shown_at_once(login_as):
    dsl = login_as("dsl")
    child, plan = a_plan_to_notify(dsl.user.school, gp_practice=practice("gp@surgery.example"))

    response = dsl.submit(
        send_url(child, plan) + "/record",
        {"kind": "initial", "sent_on": day(date(2026, 10, 13))},
        page=send_url(child, plan),
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "sent_on": "The date it was given must be today or in the past",
        "method": "Select how it was given",
    }
    assert notifications(plan.id) == []


def test_people_who_cannot_change_the_plan_cannot_send_it(login_as):
    child, plan = a_plan_to_notify(factories.school())
    worker, _ = named_practitioner(plan, login_as)

    page = worker.get(send_url(child, plan))
    sent = worker.client.post(send_url(child, plan), data={"csrf_token": worker.token("/"), **SEND})
    status = gp_status(worker.get(f"/children/{child.id}"))

    assert (page.status_code, sent.status_code) == (403, 403)
    assert "Overdue" in status
    assert "Send or record" not in status
    assert queued_emails() == []


def test_closing_a_plan_sends_the_practice_a_closure_update(login_as):
    dsl = login_as("dsl")
    child, plan = a_plan_to_notify(dsl.user.school)
    dsl.submit(send_url(child, plan), SEND)

    closed = dsl.submit(
        f"/children/{child.id}/plans/{plan.id}/close",
        {
            "closed_on": day(date(2026, 10, 12)),
            "closure_reason": "Things are better.",
            "returned_to_level": "universal",
            "version": str(db.session.get(SharedPlan, plan.id).version),
        },
    )

    assert closed.status_code == 302
    _, update = queued_emails()
    assert update.subject == f"Early help closure update for plan {plan.reference}"
    body = email.message_from_bytes(update.raw, policy=default).get_content()
    assert "The plan closed on 12 October 2026" in body
    assert [(n.kind, n.method) for n in notifications(plan.id)] == [
        ("initial", "secure email"),
        ("closure", "secure email"),
    ]


def test_without_a_secure_mailbox_the_closure_update_waits_to_be_recorded(login_as):
    dsl = login_as("dsl")
    child, plan = a_plan_to_notify(dsl.user.school, gp_practice=practice("gp@surgery.example"))
    db.session.add(
        GpNotification(
            plan_id=plan.id,
            gp_practice_id=child.gp_practice_id,
            sent_at=datetime(2026, 10, 2, 10, tzinfo=UTC),
            method="phone",
        )
    )
    db.session.commit()

    dsl.submit(
        f"/children/{child.id}/plans/{plan.id}/close",
        {
            "closed_on": day(date(2026, 10, 12)),
            "closure_reason": "Better.",
            "returned_to_level": "universal",
            "version": "1",
        },
    )
    missing = page_text(dsl.get("/gp-notifications/missing"))
    to_give = page_text(dsl.get(send_url(child, plan)))
    recorded = dsl.submit(
        send_url(child, plan) + "/record",
        {"kind": "closure", "sent_on": day(date(2026, 10, 12)), "method": "letter"},
        page=send_url(child, plan),
    )

    assert "Waiting to be given: the closure update, due by 19 October 2026" in to_give
    assert (
        f"Tell the practice that shared plan {plan.reference} has closed on 12 October 2026, "
        "and ask them to note it on the child's record" in to_give
    )

    assert queued_emails() == []
    assert plan.reference in missing
    # The update waiting, with its own due date: 5 working days after the closure.
    assert "Closure update, due by 19 October 2026" in missing
    assert recorded.status_code == 302
    assert [(n.kind, n.method) for n in notifications(plan.id)] == [
        ("initial", "phone"),
        ("closure", "letter"),
    ]
    assert plan.reference not in page_text(dsl.get("/gp-notifications/missing"))


def test_every_update_waiting_is_listed_with_what_to_tell_the_practice(login_as):
    dsl = login_as("dsl")
    child, plan = a_plan_to_notify(dsl.user.school, gp_practice=practice("gp@surgery.example"))
    plan.level_of_need = "targeted_early_help"
    sent = datetime(2026, 10, 2, 10, tzinfo=UTC)
    for kind, due_on, sent_at in (
        ("initial", None, sent),
        ("step_up", date(2026, 10, 9), None),
        ("step_down", date(2026, 10, 16), None),
    ):
        db.session.add(
            GpNotification(
                plan_id=plan.id,
                gp_practice_id=child.gp_practice_id,
                kind=kind,
                due_on=due_on,
                sent_at=sent_at,
                method="phone" if sent_at else None,
            )
        )
    db.session.commit()

    text = page_text(dsl.get(send_url(child, plan)))

    assert (
        "Waiting to be given, oldest first (each is sent or recorded in turn): "
        "the step up update, due by 9 October 2026 (this one now) "
        "the step down update, due by 16 October 2026" in text
    )
    assert (
        "Tell the practice that the child's level of need is now Targeted Early Help, and ask "
        "them to note it on the child's record" in text
    )


def test_a_kind_that_is_not_waiting_sends_nothing_and_says_so_truly(login_as):
    """The initial notification is waiting; a form claiming a closure update sends nothing."""
    dsl = login_as("dsl")
    child, plan = a_plan_to_notify(dsl.user.school)

    sent = dsl.submit(send_url(child, plan), {**SEND, "kind": "closure"})
    told = page_text(dsl.get(sent.headers["Location"]))

    assert "That notification is not waiting to be sent to the GP practice: nothing was sent" in (
        told
    )
    assert queued_emails() == []
    assert notifications(plan.id) == []
