"""Emails that could not be delivered are shown to coordinators and administrators (apart from
those still being retried after several attempts), and can be sent again; the home page says
how many there are."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tas.core.clock import utcnow
from tas.extensions import db
from tas.outbox import services as outbox
from tas.outbox.models import OutboxMessage
from tests import factories
from tests.pages import audit_events, emails, page_text

PAGE = "/emails/failed"


def email(subject: str, *, status: str, attempts: int, error: str | None = None, to=None):
    """A stored email in the given state (written as the service writes them)."""
    row = outbox.queue([(to or "someone@agency.example.org", "")], subject, "See the app.")
    row.status, row.attempts, row.last_error = status, attempts, error
    if status == "pending":
        row.next_attempt_at = utcnow() + timedelta(hours=1)
    return row


def in_table(response, table_id: str) -> list[str]:
    body = response.get_data(as_text=True)
    start = body.find(f'id="{table_id}"')
    if start == -1:
        return []
    table = body[start : body.find("</table>", start)]
    return re.findall(r'id="email-(\d+)"', table)


@pytest.fixture
def mail():
    rows = {
        "failed": email(
            "Overdue: plan review for TAS-0042 was due 3 December",
            status="failed",
            attempts=1,
            error="550 'No such user here'",
            to="gone@agency.example.org",
        ),
        "retrying": email(
            "Reminder: IFD decision for IFD-0007 is due today",
            status="pending",
            attempts=4,
            error="ConnectionRefusedError: [Errno 111] Connection refused",
        ),
        "first_try": email("Meeting moved", status="pending", attempts=1, error="timed out"),
        "sent": email("Meeting booked", status="sent", attempts=1),
    }
    db.session.commit()
    return rows


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_failed_and_struggling_emails_are_shown_apart(login_as, mail, role):
    response = login_as(role).get(PAGE)

    assert response.status_code == 200
    assert in_table(response, "failed-emails") == [str(mail["failed"].id)]
    assert in_table(response, "retrying-emails") == [str(mail["retrying"].id)]
    text = page_text(response)
    for shown in (
        "Overdue: plan review for TAS-0042 was due 3 December",
        "gone@agency.example.org",
        "550 'No such user here'",
        "1 email could not be delivered",
        "Reminder: IFD decision for IFD-0007 is due today",
        "Connection refused",
        "could not be sent after 3 or more attempts",
    ):
        assert shown in text, shown
    assert "Meeting moved" not in text and "Meeting booked" not in text


@pytest.mark.parametrize(
    "role",
    ["dsl", "school_staff", "link_worker", "practitioner", "gp", "cluster_coordinator"],
)
def test_nobody_else_may_see_or_retry_them(login_as, mail, role):
    """Recipients are across the district: a coordinator of some clusters has no need to know."""
    if role == "cluster_coordinator":
        someone = login_as("coordinator", district_wide=False, clusters=[factories.cluster()])
    else:
        someone = login_as(role)

    assert someone.get(PAGE).status_code == 404
    retry = someone.submit(f"/emails/{mail['failed'].id}/try-again", page="/")
    assert retry.status_code == 404
    db.session.expire_all()
    assert db.session.get(OutboxMessage, mail["failed"].id).status == "failed"
    assert audit_events("email_retried") == []


def test_try_again_queues_it_for_the_next_delivery_and_it_is_delivered(app, login_as, mail):
    coordinator = login_as("coordinator")
    message = mail["failed"]

    sent = coordinator.submit(f"/emails/{message.id}/try-again", page=PAGE)

    assert sent.status_code == 302
    after = coordinator.get(PAGE)
    assert f"Email {message.id} will be tried again at the next delivery" in page_text(after)
    assert in_table(after, "failed-emails") == []
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.next_attempt_at <= utcnow()
    [event] = audit_events("email_retried")
    assert event.target_id == message.id and event.actor_id == coordinator.user.id
    assert event.detail == {"attempts_before": 1}

    assert outbox.deliver_due() == 1  # the next delivery pass sends it (to a folder here)
    assert [m["Subject"] for m in emails()] == [message.subject]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "sent"


def test_an_email_sent_meanwhile_is_left_alone_and_an_unknown_one_is_not_found(login_as, mail):
    admin = login_as("admin")

    again = admin.submit(f"/emails/{mail['sent'].id}/try-again", page=PAGE)

    assert again.status_code == 302
    assert "has been sent since, so nothing was changed" in page_text(admin.get(PAGE))
    db.session.expire_all()
    assert db.session.get(OutboxMessage, mail["sent"].id).status == "sent"
    assert admin.submit("/emails/999999/try-again", page=PAGE).status_code == 404
    assert audit_events("email_retried") == []


def test_trying_again_twice_changes_nothing_the_second_time(login_as, mail):
    coordinator = login_as("coordinator")
    message = mail["retrying"]
    url = f"/emails/{message.id}/try-again"

    coordinator.submit(url, page=PAGE)
    coordinator.get(PAGE)  # the first banner
    db.session.expire_all()
    queued_at = db.session.get(OutboxMessage, message.id).next_attempt_at
    again = coordinator.submit(url, page=PAGE)

    text = page_text(coordinator.get(again.headers["Location"]))
    assert f"Email {message.id} is already waiting to be sent, so nothing was changed" in text
    assert "will be tried again" not in text
    assert [e.detail for e in audit_events("email_retried")] == [{"attempts_before": 4}]
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 0, queued_at)


@pytest.mark.parametrize("attempts", [0, 1])
def test_trying_again_an_email_still_to_be_sent_says_it_has_not_failed(login_as, attempts):
    """Never tried, or tried once and waiting its turn to be retried (a passing fault)."""
    row = email("Meeting moved", status="pending", attempts=attempts)
    row.last_error = "timed out" if attempts else None
    db.session.commit()
    admin = login_as("admin")

    response = admin.submit(f"/emails/{row.id}/try-again", page=PAGE)

    text = page_text(admin.get(response.headers["Location"]))
    if attempts:
        assert f"Email {row.id} is already waiting to be sent, so nothing was changed" in text
    else:
        assert f"Email {row.id} has not failed: it is waiting to be sent" in text
    assert "will be tried again" not in text
    assert audit_events("email_retried") == []
    db.session.expire_all()
    assert db.session.get(OutboxMessage, row.id).attempts == attempts


def test_the_home_page_of_coordinators_and_admins_says_how_many_failed(login_as, mail):
    for role in ("coordinator", "admin"):
        body = login_as(role).get("/").get_data(as_text=True)
        assert 'href="/emails/failed">1 email could not be delivered</a>' in body
        assert "1 email is still being tried after several attempts" in body
    assert "could not be delivered" not in page_text(login_as("dsl").get("/"))


def test_an_admins_home_page_links_failed_emails_and_review_rules_even_with_none(login_as):
    body = login_as("admin").get("/").get_data(as_text=True)

    assert 'href="/emails/failed">Emails that could not be delivered</a>' in body
    assert 'href="/reviews/rules">Review rules</a>' in body
    assert "could not be delivered</a>" in body and "Needs your attention" not in body


def test_nothing_is_flagged_when_every_email_went(login_as):
    email("Meeting booked", status="sent", attempts=1)
    email("Meeting moved", status="pending", attempts=2)
    db.session.commit()

    text = page_text(login_as("coordinator").get("/"))

    assert "could not be delivered" not in text and "Needs your attention" not in text


def test_the_page_runs_the_same_queries_for_2_or_30_failed_emails(login_as, count_queries):
    coordinator = login_as("coordinator")
    counted, total = [], 0
    for size in (2, 30):
        total += size
        for n in range(size):
            email(f"Reminder {size}-{n}", status="failed", attempts=8, error="550 no")
            email(f"Retry {size}-{n}", status="pending", attempts=3, error="421 busy")
        db.session.commit()
        coordinator.get("/")
        with count_queries() as statements:
            response = coordinator.get(PAGE)
        assert len(in_table(response, "failed-emails")) == min(total, 25)
        assert len(in_table(response, "retrying-emails")) == min(total, 25)
        counted.append(len(statements))

    assert counted[0] == counted[1]
    assert len(in_table(response, "failed-emails")) == 25
    assert "page 1 of 2" in page_text(response)
    assert len(in_table(coordinator.get(f"{PAGE}?page=2"), "failed-emails")) == 7


def test_a_failed_email_from_the_mail_server_shows_up(app, smtp_server, login_as):
    """A permanent refusal (5xx) marks the email failed at once; the coordinator sees it."""
    smtp_server.refuse_with = "550 Mailbox unavailable"
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_USE_TLS=False)
    outbox.queue([("gone@agency.example.org", "")], "Reminder: plan review for TAS-0001", "x")
    db.session.commit()

    assert outbox.deliver_due() == 0

    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == "failed"))
    assert failed is not None and failed.last_error.startswith("550")
    text = page_text(login_as("coordinator").get(PAGE))
    assert "Reminder: plan review for TAS-0001" in text and "Mailbox unavailable" in text
