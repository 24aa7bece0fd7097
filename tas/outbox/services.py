"""Queue emails inside the caller's transaction; deliver them once it has committed."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context
from sqlalchemy import bindparam, insert, or_, select, update

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import LONDON, utcnow
from tas.core.transactions import dialect, each_statement_committed
from tas.extensions import db
from tas.outbox import rules
from tas.outbox.mailer import Mailer
from tas.outbox.models import OutboxMessage
from tas.outbox.plain import written

log = logging.getLogger(__name__)
CLAIM_TIMEOUT = timedelta(minutes=10)
OUTBOX = OutboxMessage.__table__
SENT = (
    OUTBOX.update()
    .where(OUTBOX.c.id == bindparam("sent_id"))
    .values(status="sent", last_error=None, sent_at=bindparam("sent_at"))
)


def queue(
    to: list[tuple[str, str]],
    subject: str,
    body: str,
    *,
    calendar: tuple[str, str] | None = None,
    working_days_only: bool = False,
) -> OutboxMessage:
    """Store one email in the current transaction; it goes out after the commit, never before."""
    row = OutboxMessage(**_stored(to, subject, body, calendar, working_days_only))
    db.session.add(row)
    _waiting()
    return row


def queue_many(
    emails: list[tuple[list[tuple[str, str]], str, str]], *, working_days_only: bool = False
) -> list[int | None]:
    """Store many emails, each (to, subject, body), in one INSERT in the current transaction:
    their ids in the same order, None for an email whose address cannot be written to. A
    region's reminder pass stores 15,000 emails; one ORM object each cost more than building
    the email."""
    stored: list[dict | None] = []
    for to, subject, body in emails:
        try:
            stored.append(_stored(to, subject, body, None, working_days_only))
        except ValueError:
            stored.append(None)
    rows = [row for row in stored if row is not None]
    if not rows:
        return [None] * len(stored)
    ids = iter(
        db.session.scalars(
            insert(OutboxMessage).returning(OutboxMessage.id, sort_by_parameter_order=True),
            rows,
        ).all()
    )
    _waiting()
    return [None if row is None else next(ids) for row in stored]


def _stored(
    to: list[tuple[str, str]],
    subject: str,
    body: str,
    calendar: tuple[str, str] | None,
    working_days_only: bool,
) -> dict:
    """The outbox row of one email, built whole (ValueError for an address that cannot be
    written to)."""
    config = current_app.config
    now = utcnow()
    message = written(
        sender=config["MAIL_DEFAULT_SENDER"],
        to=to,
        subject=subject,
        body=body,
        message_domain=urlsplit(config["BASE_URL"]).hostname or "localhost",
        sent_at=now,
        calendar=calendar,
    )
    return {
        "message_id": message.message_id,
        "recipients": ",".join(address for address, _ in to),
        "subject": message.subject,
        "raw": message.raw,
        "working_days_only": working_days_only,
        "status": "pending",
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": now,
    }


def _waiting() -> None:
    """After a request that queued mail, the response delivers it (register_delivery)."""
    if has_request_context():
        g.outbox_waiting = True


def deliver_due(limit: int = 100, *, hours_at: datetime | None = None) -> int:
    """Send the messages that are due (at most `limit`), each claimed first so no two processes
    send it twice; how many went. Reminders (working_days_only) wait outside working days and
    before the reminder hour, as at `hours_at` (a reminder pass's moment; now by default)."""
    return deliver_round(limit, hours_at=hours_at)[1]


def deliver_round(limit: int, *, hours_at: datetime | None = None) -> tuple[int, int]:
    """Claim up to `limit` due messages in one statement, then send them over one connection:
    how many were claimed, and how many went."""
    messages = _claim(limit, hours_at or utcnow())
    if not messages:
        return 0, 0
    sent = 0
    # Each message is marked sent the moment the mail server takes it, each mark committed on
    # its own (each_statement_committed: one round trip, not four, 9 s of a region's pass).
    # Expiring everything the session holds at each commit made a pass quadratic (648 s for a
    # region's 14,822 emails in make bench): the rows are expired once, after the batch.
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        with Mailer() as mailer, each_statement_committed():
            for message in messages:
                sent += _deliver(mailer, message)
    finally:
        session.expire_on_commit = expiring
        session.expire_all()
    return len(messages), sent


def _due(now: datetime):
    return or_(
        (OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
    )


def _claim(limit: int, hours_at: datetime) -> list[OutboxMessage]:
    """Mark a batch of due messages as being sent, committed at once: a message is this
    process's only if the UPDATE changed it (it checks again that the message is due). The
    batch is chosen first, by a SELECT of its own: on PostgreSQL it locks the rows it picks and
    skips those another process is claiming (SKIP LOCKED). As a subquery of the UPDATE it could
    be run again for every row the UPDATE looked at, and a region's 15,000 emails were claimed
    in one batch that took 25 s. SQLite has one writer at a time. A claim left by a process
    that stopped is taken again after CLAIM_TIMEOUT."""
    now = utcnow()
    due = select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(limit)
    if _working_hours(hours_at) != hours_at:
        due = due.where(OutboxMessage.working_days_only.is_(False))
    if dialect() == "postgresql":
        due = due.with_for_update(skip_locked=True)
    chosen = db.session.scalars(due).all()
    claimed = []
    if chosen:
        claimed = db.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(chosen), _due(now))
            .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).all()
    db.session.commit()
    if not claimed:
        return []
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(claimed))
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    )


def _working_hours(moment):
    """The moment, or the next working day's reminder hour when it falls outside them."""
    hour = int(current_app.config["REMINDER_HOUR"])
    return rules.within_working_hours(moment, hour, LONDON, ENGLAND_AND_WALES)


def _deliver(mailer: Mailer, message: OutboxMessage) -> int:
    """Send one claimed message; it is marked sent (committed) as soon as the server took it."""
    try:
        mailer.send(message)
    except smtplib.SMTPResponseException as error:
        permanent = 500 <= error.smtp_code < 600
        _failed(message, f"{error.smtp_code} {error.smtp_error!r}", permanent=permanent)
        return 0
    except smtplib.SMTPRecipientsRefused as error:  # every recipient refused at RCPT TO
        codes = [code for code, _ in error.recipients.values()]
        permanent = bool(codes) and all(500 <= code < 600 for code in codes)
        _failed(message, "Recipients refused: " + " ".join(map(str, codes)), permanent=permanent)
        return 0
    except (OSError, smtplib.SMTPException) as error:
        _failed(message, type(error).__name__ + ": " + str(error), permanent=False)
        return 0
    # One UPDATE of the table row, committed as it is made (deliver_round); the session's copy
    # is expired after the batch. Through the ORM, each of a region's 15,000 emails cost twice
    # the statement itself.
    db.session.connection().execute(SENT, {"sent_id": message.id, "sent_at": utcnow()})
    log.info("Email %s sent", message.id)
    return 1


def _failed(message: OutboxMessage, error: str, *, permanent: bool) -> None:
    """Keep the message: retry later after a passing fault, or show it as failed."""
    message.last_error = error[:500]
    give_up = permanent or message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
    message.status = "failed" if give_up else "pending"
    message.next_attempt_at = utcnow() + rules.retry_delay(message.attempts)
    if message.working_days_only:
        message.next_attempt_at = _working_hours(message.next_attempt_at)
    db.session.flush()  # committed as it is written (deliver_round)
    log.warning("Email %s not delivered (attempt %s): %s", message.id, message.attempts, error)


def register_delivery(app) -> None:
    """After a response that queued mail has been sent, deliver what is due."""

    def _deliver() -> None:
        with app.app_context():
            try:
                deliver_due()
            except Exception:  # delivery is retried later; never break the finished request
                log.exception("Outbox delivery failed")

    @app.after_request
    def _deliver_after_response(response):
        if g.pop("outbox_waiting", False):
            response.call_on_close(_deliver)
        return response
