"""Queue emails inside the caller's transaction; deliver them once it has committed."""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context
from sqlalchemy import or_, select, update

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import LONDON, utcnow
from tas.core.private_files import private_folder, write_private
from tas.extensions import db
from tas.outbox import rules
from tas.outbox.models import OutboxMessage

log = logging.getLogger(__name__)
CLAIM_TIMEOUT = timedelta(minutes=10)


def queue(
    to: list[tuple[str, str]],
    subject: str,
    body: str,
    *,
    calendar: tuple[str, str] | None = None,
    working_days_only: bool = False,
) -> OutboxMessage:
    """Store one email in the current transaction; it goes out after the commit, never before."""
    config = current_app.config
    message = rules.build_message(
        sender=config["MAIL_DEFAULT_SENDER"],
        to=to,
        subject=subject,
        body=body,
        message_domain=urlsplit(config["BASE_URL"]).hostname or "localhost",
        sent_at=utcnow(),
        calendar=calendar,
    )
    row = OutboxMessage(
        message_id=message["Message-ID"],
        recipients=",".join(address for address, _ in to),
        subject=str(message["Subject"]),
        raw=message.as_bytes(),
        working_days_only=working_days_only,
    )
    db.session.add(row)
    if has_request_context():
        g.outbox_waiting = True
    return row


def deliver_due(limit: int = 100, *, hours_at: datetime | None = None) -> int:
    """Send every message that is due, each claimed first so no two processes send it twice.
    Reminders (working_days_only) wait outside working days and before the reminder hour, as
    at `hours_at` (a reminder pass's moment; now by default)."""
    now = utcnow()
    query = (
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == "sending")
                & (OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    hours_at = hours_at or now
    if _working_hours(hours_at) != hours_at:
        query = query.where(OutboxMessage.working_days_only.is_(False))
    due = db.session.scalars(query).all()
    db.session.rollback()
    return sum(_deliver_one(message_id) for message_id in due)


def _working_hours(moment):
    """The moment, or the next working day's reminder hour when it falls outside them."""
    hour = int(current_app.config["REMINDER_HOUR"])
    return rules.within_working_hours(moment, hour, LONDON, ENGLAND_AND_WALES)


def _claim(message_id: int) -> OutboxMessage | None:
    now = utcnow()
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            or_(
                OutboxMessage.status == "pending",
                (OutboxMessage.status == "sending")
                & (OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
            ),
        )
        .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return None
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


def _deliver_one(message_id: int) -> int:
    message = _claim(message_id)
    if message is None:
        return 0
    config = current_app.config
    try:
        if config["MAIL_SERVER"]:
            _send_smtp(message)
        else:
            _write_file(message)
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
    message.status = "sent"
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()
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
    db.session.commit()
    log.warning("Email %s not delivered (attempt %s): %s", message.id, message.attempts, error)


def _send_smtp(message: OutboxMessage) -> None:
    """Send over SMTP: TLS from the start (MAIL_USE_SSL) or after STARTTLS (MAIL_USE_TLS), the
    server's certificate checked against the system's authorities (or SSL_CERT_FILE)."""
    config = current_app.config
    server, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    timeout = config["MAIL_TIMEOUT_SECONDS"]
    context = ssl.create_default_context()
    if config["MAIL_USE_SSL"]:
        connection = smtplib.SMTP_SSL(server, port, timeout=timeout, context=context)
    else:
        connection = smtplib.SMTP(server, port, timeout=timeout)
    with connection as smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=context)
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        sender = rules.parse_sender(config["MAIL_DEFAULT_SENDER"]).addr_spec
        smtp.sendmail(sender, message.recipients.split(","), message.raw)


def _write_file(message: OutboxMessage) -> None:
    """Without a mail server, each message becomes one .eml file under instance/outbox/,
    readable by the service's own user only (mode 0600 in a 0700 folder)."""
    folder = private_folder(current_app.config["OUTBOX_DIR"])
    stamp = message.created_at.strftime("%Y%m%dT%H%M%S")
    write_private(folder / f"{stamp}-{message.id:06d}.eml", message.raw)


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
