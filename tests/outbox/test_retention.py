"""Sent emails are deleted once past OUTBOX_SENT_DAYS (UK GDPR storage limitation); failed and
waiting ones stay, and what reminders and GP notifications record of the sending stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tas import retention
from tas.core.clock import utcnow
from tas.extensions import db
from tas.jobs import run_pass
from tas.outbox import services as outbox
from tas.outbox.models import OutboxMessage
from tas.plans.models import GpNotification
from tas.reminders.models import Reminder
from tests import factories
from tests.plans.helpers import child_at, open_plan


def email(subject: str, *, status: str = "sent", sent_days_ago: int | None = None):
    row = outbox.queue([("someone@agency.example.org", "")], subject, "See the app.")
    row.status = status
    if sent_days_ago is not None:
        row.sent_at = utcnow() - timedelta(days=sent_days_ago)
    row.next_attempt_at = utcnow() + timedelta(days=1)  # nothing here is delivered by the pass
    return row


def subjects() -> list[str]:
    return sorted(db.session.scalars(select(OutboxMessage.subject)))


def test_a_pass_deletes_sent_emails_past_their_days_and_keeps_the_rest(app):
    email("Sent 31 days ago", sent_days_ago=31)
    email("Sent 29 days ago", sent_days_ago=29)
    email("Failed 60 days ago", status="failed")
    email("Waiting")
    db.session.commit()

    counts = run_pass(utcnow())

    assert counts.purged == 1
    assert subjects() == ["Failed 60 days ago", "Sent 29 days ago", "Waiting"]


def test_reminders_and_gp_notifications_keep_when_it_was_sent(app):
    old = email("Reminder and notice", sent_days_ago=40)
    user = factories.user("dsl")
    child = child_at(factories.school())
    plan = open_plan(child)
    practice = factories.agency(service_type="gp_practice")
    db.session.flush()
    sent_at = utcnow() - timedelta(days=40)
    reminder = Reminder(
        target_kind="review",
        target_id=1,
        recipient_id=user.id,
        kind="due",
        send_on=sent_at.date(),
        status="sent",
        sent_at=sent_at,
        outbox_message_id=old.id,
    )
    notice = GpNotification(
        plan_id=plan.id, gp_practice_id=practice.id, sent_at=sent_at, outbox_message_id=old.id
    )
    db.session.add_all([reminder, notice])
    db.session.commit()

    assert run_pass(utcnow()).purged == 1

    db.session.expire_all()
    assert subjects() == []
    assert (reminder.outbox_message_id, reminder.status) == (None, "sent")
    assert reminder.sent_at is not None and notice.sent_at is not None
    assert notice.outbox_message_id is None


def test_many_sent_emails_go_a_batch_at_a_time_until_none_is_left(app, monkeypatch):
    monkeypatch.setattr(retention, "OUTBOX_BATCH", 2)
    for n in range(5):
        email(f"Old {n}", sent_days_ago=31 + n)
    email("Recent", sent_days_ago=1)
    db.session.commit()

    assert retention.purge_sent_emails(utcnow() - timedelta(days=30)) == 5
    assert subjects() == ["Recent"]
