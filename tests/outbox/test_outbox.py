"""The outbox: stored with the change, delivered once after the commit, retried, never forged."""

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from tas import jobs
from tas.core.clock import utcnow
from tas.extensions import db
from tas.outbox import services as outbox
from tas.outbox.models import OutboxMessage


def _eml_files(app) -> list[Path]:
    folder = Path(app.config["OUTBOX_DIR"])
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def _parse(raw: bytes):
    return message_from_bytes(raw, policy=policy.default)


def test_without_a_mail_server_each_message_becomes_one_eml_file(app):
    outbox.queue([("dsl@school.example.org", "Dana Shah")], "Meeting moved", "See the app.")
    db.session.commit()
    assert outbox.deliver_due() == 1
    files = _eml_files(app)
    assert len(files) == 1
    message = _parse(files[0].read_bytes())
    assert message["To"] == "Dana Shah <dsl@school.example.org>"
    assert message["Subject"] == "Meeting moved"
    assert message["Message-ID"].endswith("@tas.example.org>")
    assert message.get_content().strip() == "See the app."
    assert db.session.scalar(select(OutboxMessage.status)) == "sent"


def test_nothing_is_stored_or_sent_when_the_change_is_rolled_back(app):
    outbox.queue([("dsl@school.example.org", "")], "Meeting moved", "Body")
    db.session.rollback()
    assert outbox.deliver_due() == 0
    assert _eml_files(app) == []


def test_a_message_is_delivered_exactly_once(app):
    outbox.queue([("dsl@school.example.org", "")], "Once", "Body")
    db.session.commit()
    assert outbox.deliver_due() == 1
    assert outbox.deliver_due() == 0
    assert len(_eml_files(app)) == 1


@pytest.mark.parametrize(
    ("subject", "name"),
    [
        ("Hello\r\nBcc: attacker@evil.example", "Dana"),
        ("Hello\nBcc: attacker@evil.example", "Dana\r\nBcc: attacker@evil.example"),
        ("Hello\rBcc: attacker@evil.example", 'Dana" <attacker@evil.example>, "x'),
    ],
)
def test_header_injection_through_subject_or_name_adds_no_recipient(app, subject, name):
    outbox.queue([("dsl@school.example.org", name)], subject, "Body")
    db.session.commit()
    outbox.deliver_due()
    message = _parse(_eml_files(app)[0].read_bytes())
    assert message["Bcc"] is None
    addresses = [a.addr_spec for a in message["To"].addresses]
    assert addresses == ["dsl@school.example.org"]
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]


def test_an_address_with_a_line_break_is_refused(app):
    with pytest.raises(ValueError):
        outbox.queue([("dsl@school.example.org\r\nBcc: a@evil.example", "")], "S", "B")


def test_smtp_delivery_reaches_a_real_server_once(make_app, smtp_server):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    with app.app_context():
        outbox.queue([("gp@practice.example.org", "Dr Patel")], "Notification", "Body text")
        db.session.commit()
        assert outbox.deliver_due() == 1
        assert outbox.deliver_due() == 0
    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["gp@practice.example.org"]
    assert _parse(envelope.content)["Subject"] == "Notification"


def test_a_batch_goes_over_one_connection_and_a_refusal_does_not_stop_the_rest(
    make_app, smtp_server
):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    refused = "refused@practice.example.org"

    class RefusesOne(type(smtp_server)):
        async def handle_DATA(self, server, session, envelope):
            if envelope.rcpt_tos == [refused]:
                self.sessions.append(session)
                return "451 Try again later"
            return await super().handle_DATA(server, session, envelope)

    smtp_server.__class__ = RefusesOne
    with app.app_context():
        for n in range(4):
            outbox.queue([(f"gp{n}@practice.example.org", "")], f"Batch {n}", "Body")
        db.session.commit()
        assert outbox.deliver_due() == 4
        assert smtp_server.connections() == 1
        outbox.queue([(refused, "")], "Refused", "Body")
        outbox.queue([("gp9@practice.example.org", "")], "After it", "Body")
        db.session.commit()
        assert outbox.deliver_due() == 1
        statuses = {
            subject: status
            for subject, status in db.session.execute(
                select(OutboxMessage.subject, OutboxMessage.status)
            )
        }
    assert (statuses["Refused"], statuses["After it"]) == ("pending", "sent")
    # The refused message's connection was closed; the next message came over a new one.
    assert smtp_server.connections() == 3
    assert len(smtp_server.envelopes) == 5


def test_a_pass_delivers_until_nothing_is_due(app, monkeypatch):
    monkeypatch.setattr(jobs, "DELIVERY_BATCH", 2)
    for n in range(5):
        outbox.queue([(f"dsl{n}@school.example.org", "")], f"Message {n}", "Body")
    db.session.commit()
    assert jobs.deliver_all() == 5
    assert len(_eml_files(app)) == 5
    assert outbox.deliver_due() == 0


def test_a_round_claims_no_more_than_its_batch(app):
    """A round takes at most its batch: the rest wait, unclaimed, for the next round (on a
    region's outbox a claim once took every due message in one go, for 25 s)."""
    for n in range(5):
        outbox.queue([(f"dsl{n}@school.example.org", "")], f"Message {n}", "Body")
    db.session.commit()

    assert outbox.deliver_round(2) == (2, 2)

    statuses = db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)).all()
    assert statuses == ["sent", "sent", "pending", "pending", "pending"]
    assert len(_eml_files(app)) == 2


def test_a_passing_failure_keeps_the_message_and_retries_it_later(make_app, smtp_server):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    smtp_server.refuse_with = "451 Try again later"
    with app.app_context():
        outbox.queue([("gp@practice.example.org", "")], "Retry me", "Body")
        db.session.commit()
        assert outbox.deliver_due() == 0
        row = db.session.scalar(select(OutboxMessage))
        assert (row.status, row.attempts) == ("pending", 1)
        assert "451" in row.last_error
        assert outbox.deliver_due() == 0  # not due again yet
        smtp_server.refuse_with = None
        with time_machine.travel(utcnow() + timedelta(minutes=5), tick=False):
            assert outbox.deliver_due() == 1
    assert len(smtp_server.envelopes) == 1


def test_a_permanent_refusal_marks_the_message_failed(make_app, smtp_server):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    smtp_server.refuse_with = "550 No such mailbox"
    with app.app_context():
        outbox.queue([("nobody@practice.example.org", "")], "Bounce", "Body")
        db.session.commit()
        outbox.deliver_due()
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == "failed" and "550" in row.last_error


def test_an_unreachable_server_keeps_the_message_pending(make_app, smtp_server):
    port = smtp_server.port
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT_SECONDS=2)
    with app.app_context():
        outbox.queue([("gp@practice.example.org", "")], "Later", "Body")
        db.session.commit()
    smtp_server.controller_stop()
    with app.app_context():
        assert outbox.deliver_due() == 0
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == "pending" and row.next_attempt_at > utcnow()


def test_giving_up_after_the_configured_number_of_attempts(make_app, smtp_server):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, OUTBOX_MAX_ATTEMPTS=2)
    smtp_server.refuse_with = "421 Busy"
    with app.app_context():
        outbox.queue([("gp@practice.example.org", "")], "Give up", "Body")
        db.session.commit()
        outbox.deliver_due()
        with time_machine.travel(utcnow() + timedelta(hours=1), tick=False):
            outbox.deliver_due()
        row = db.session.scalar(select(OutboxMessage))
        assert (row.status, row.attempts) == ("failed", 2)


def test_mail_queued_by_a_request_goes_out_after_the_response(app, visitor):
    from tests import factories

    factories.user(role="dsl", email="dana@school.example.org")
    db.session.commit()
    response = visitor.submit("/password-reset", {"email": "dana@school.example.org"})
    assert response.status_code == 302
    assert _eml_files(app) == []  # not while the request is still being answered
    response.close()  # the server finishes sending the response
    files = _eml_files(app)
    assert len(files) == 1
    assert _parse(files[0].read_bytes())["To"].addresses[0].addr_spec == "dana@school.example.org"
