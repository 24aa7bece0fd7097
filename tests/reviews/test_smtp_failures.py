"""Reminders through an SMTP server that fails, then recovers: nothing lost, nothing doubled
(docs/security.md I39). A real aiosmtpd server on loopback, answering as a failing server would."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from sqlalchemy import delete, select

from tas.core.clock import LONDON
from tas.extensions import db
from tas.jobs import run_pass
from tas.outbox.models import OutboxMessage
from tas.reminders.models import Reminder
from tests import factories
from tests.reviews.helpers import child_with_plan

FRIDAY = date(2026, 11, 27)


class FailingServer:
    """Answers each message's first tries with the given replies, then accepts it. With
    `slow_first`, the first try of each message is taken in but answered too late."""

    def __init__(self, replies: list[str], slow_first: float = 0.0):
        self.replies = replies
        self.slow_first = slow_first
        self.tries: Counter[str] = Counter()
        self.received: list[str] = []  # the Message-ID of each message taken in

    async def handle_DATA(self, server, session, envelope):
        message_id = message_from_bytes(envelope.content, policy=policy.default)["Message-ID"]
        self.tries[message_id] += 1
        tries = self.tries[message_id]
        if tries <= len(self.replies):
            return self.replies[tries - 1]
        self.received.append(message_id)
        if self.slow_first and tries == len(self.replies) + 1:
            await asyncio.sleep(self.slow_first)  # the client gave up waiting for "250"
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serve():
    """Start an SMTP server on loopback with a handler; stopped after the test."""
    started = []

    def start(handler) -> int:
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append(controller)
        return controller.port

    yield start
    for controller in started:
        controller.stop()


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def reviews_due_today(count: int) -> None:
    """`count` reviews due today, each with its own owner."""
    setting = child_with_plan()
    for _ in range(count):
        owner = factories.user("link_worker", password=None)
        db.session.flush()
        factories.review(setting.child, plan_id=setting.plan.id, owner_id=owner.id, due_on=FRIDAY)
    db.session.commit()


def passes_over(minutes: int, every: int = 1) -> None:
    """A pass every `every` minutes for `minutes` minutes from 07:05 on Friday."""
    start = london(FRIDAY, 7, 5)
    for offset in range(0, minutes + 1, every):
        when = start + timedelta(minutes=offset)
        with time_machine.travel(when, tick=False):
            run_pass(when)


def test_a_server_that_fails_then_recovers_gets_every_reminder_exactly_once(make_app, serve):
    # Each message: "451 try again", then "421 closing the connection", then accepted.
    server = FailingServer(["451 4.3.0 Try again later", "421 4.3.2 Closing connection"])
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=serve(server))
    with app.app_context():
        reviews_due_today(5)
        with time_machine.travel(london(FRIDAY, 7, 5), tick=False):
            counts = run_pass(london(FRIDAY, 7, 5))
        assert (counts.emailed, counts.delivered) == (5, 0)
        rows = db.session.scalars(select(OutboxMessage)).all()
        assert {(row.status, row.attempts) for row in rows} == {("pending", 1)}
        assert all("451" in row.last_error for row in rows)

        passes_over(10)

        rows = db.session.scalars(select(OutboxMessage)).all()
        assert {(row.status, row.attempts) for row in rows} == {("sent", 3)}
        assert sorted(server.received) == sorted(row.message_id for row in rows)
        assert len(server.received) == len(set(server.received)) == 5
        # The reminders themselves were queued once: five rows, five messages.
        reminders = db.session.scalars(select(Reminder)).all()
        assert len(reminders) == 5
        assert len({row.outbox_message_id for row in reminders}) == 5


def test_retries_back_off(make_app, serve):
    server = FailingServer(["451 4.3.0 Try again later"] * 3)
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=serve(server))
    with app.app_context():
        reviews_due_today(1)
        passes_over(6)  # a pass each minute from 07:05 to 07:11
        # Tried at 07:05, then 1, 2 and 4 minutes after each failure: 07:06, 07:08, 07:12.
        assert sum(server.tries.values()) == 3
        assert server.received == []
        row = db.session.scalar(select(OutboxMessage))
        assert (row.status, row.attempts) == ("pending", 3)
        with time_machine.travel(london(FRIDAY, 7, 12), tick=False):
            run_pass(london(FRIDAY, 7, 12))
        assert len(server.received) == 1


def test_a_permanent_refusal_marks_the_email_failed_for_coordinators_to_see(make_app, serve):
    server = FailingServer(["550 5.1.1 No such mailbox"] * 10)
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=serve(server))
    with app.app_context():
        reviews_due_today(1)
        passes_over(30, every=5)
        row = db.session.scalar(select(OutboxMessage))
        assert (row.status, row.attempts) == ("failed", 1)
        assert "550" in row.last_error
        assert sum(server.tries.values()) == 1  # never tried again


def test_after_the_configured_number_of_tries_a_passing_fault_becomes_a_failure(make_app, serve):
    server = FailingServer(["451 4.3.0 Try again later"] * 10)
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=serve(server), OUTBOX_MAX_ATTEMPTS=3)
    with app.app_context():
        reviews_due_today(1)
        passes_over(20)
        row = db.session.scalar(select(OutboxMessage))
        assert (row.status, row.attempts) == ("failed", 3)
        assert sum(server.tries.values()) == 3


def test_a_timeout_after_data_resends_the_same_message_id(make_app, serve):
    # The server takes the message in but answers after the client stopped waiting: the client
    # cannot know it arrived, so it sends again; the copy has the same Message-ID, so the
    # receiving mail system sees one message.
    server = FailingServer([], slow_first=1.5)
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=serve(server), MAIL_TIMEOUT_SECONDS=0.5)
    with app.app_context():
        reviews_due_today(1)
        passes_over(0)
        row = db.session.scalar(select(OutboxMessage))
        assert (row.status, row.attempts) == ("pending", 1)
        assert "timed out" in row.last_error.lower() or "timeout" in row.last_error.lower()
        passes_over(2)
        db.session.expire_all()
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == "sent"
    assert len(server.received) == 2
    assert set(server.received) == {row.message_id}


class RefusingRecipients:
    """Refuses every recipient at RCPT TO with the given reply."""

    def __init__(self, reply: str):
        self.reply = reply
        self.tries = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.tries += 1
        return self.reply


def test_a_recipient_refused_for_good_is_failed_and_a_passing_refusal_retried(make_app, serve):
    permanent = RefusingRecipients("550 5.1.1 No such user here")
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=serve(permanent))
    with app.app_context():
        reviews_due_today(1)
        passes_over(10)
        row = db.session.scalar(select(OutboxMessage))
        assert (row.status, row.attempts, permanent.tries) == ("failed", 1, 1)
        assert "550" in row.last_error

    passing = RefusingRecipients("450 4.2.1 Mailbox busy")
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=serve(passing))
    with app.app_context():
        db.session.execute(delete(OutboxMessage))
        db.session.execute(delete(Reminder))
        db.session.commit()
        passes_over(0)
        row = db.session.scalar(select(OutboxMessage))
        assert (row.status, row.attempts) == ("pending", 1)
        assert "450" in row.last_error


def test_a_reminder_retried_after_a_late_friday_failure_waits_for_monday_morning(make_app, serve):
    """Reminders go out on working days only: a failure at 23:58 on Friday is not retried at
    the weekend, but at 07:00 on Monday (London time); other emails are retried as usual."""
    server = FailingServer(["451 4.3.0 Try again later"])
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=serve(server))
    with app.app_context():
        reviews_due_today(1)
        with time_machine.travel(london(FRIDAY, 23, 58), tick=False):
            assert run_pass(london(FRIDAY, 23, 58)).emailed == 1
        assert server.tries and not server.received  # tried on Friday, refused for now

        for moment in (london(date(2026, 11, 28), 0, 5), london(date(2026, 11, 29), 12)):
            with time_machine.travel(moment, tick=False):
                run_pass(moment)
        assert (sum(server.tries.values()), server.received) == (1, [])

        monday = london(date(2026, 11, 30), 7, 1)
        with time_machine.travel(monday, tick=False):
            run_pass(monday)
        assert len(server.received) == 1
