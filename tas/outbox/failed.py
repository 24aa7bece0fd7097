"""Emails that could not be delivered (and those still being retried after several attempts),
for coordinators and administrators to see and send again. Subjects carry references only."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, func, select, update
from sqlalchemy.orm import defer

from tas.audit.services import record
from tas.core.clock import utcnow
from tas.core.paging import window
from tas.extensions import db
from tas.outbox.models import OutboxMessage

STRUGGLING_AFTER = 3  # attempts: a message still retrying after this many is shown apart


def may_see(user) -> bool:
    """Administrators and district-wide coordinators see undelivered emails (their recipients
    are across the district; a coordinator of some clusters has no need to know them)."""
    if not user.active:
        return False
    return user.role == "admin" or (user.role == "coordinator" and bool(user.district_wide))


def failed() -> ColumnElement[bool]:
    return OutboxMessage.status == "failed"


def struggling() -> ColumnElement[bool]:
    return and_(OutboxMessage.status == "pending", OutboxMessage.attempts >= STRUGGLING_AFTER)


@dataclass(frozen=True)
class Undelivered:
    """How many emails could not be delivered, and how many are still being retried."""

    failed: int = 0
    retrying: int = 0


def counts() -> Undelivered:
    """Both figures in one query (the home page's attention list), reading only the failed and
    pending messages (by the status index), never the sent ones, however many are kept."""
    row = db.session.execute(
        select(
            func.coalesce(func.sum(case((failed(), 1), else_=0)), 0),
            func.coalesce(func.sum(case((struggling(), 1), else_=0)), 0),
        ).where(OutboxMessage.status.in_(("failed", "pending")))
    ).one()
    return Undelivered(failed=int(row[0]), retrying=int(row[1]))


@dataclass(frozen=True)
class FailedPage:
    failed: list[OutboxMessage]
    retrying: list[OutboxMessage]
    counts: Undelivered
    number: int
    pages: int


def page_of(page: int) -> FailedPage:
    """Failed emails, newest first, a page at a time, and those still retrying (the first
    page's worth): three queries whatever the number."""
    size = current_app.config["PAGE_SIZE"]
    figures = counts()
    at = window(page, figures.failed, size)
    shown = select(OutboxMessage).options(defer(OutboxMessage.raw))  # the page never needs it
    failed_rows = db.session.scalars(
        shown.where(failed())
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(at.size)
        .offset(at.start)
    ).all()
    retrying_rows = db.session.scalars(
        shown.where(struggling())
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(size)
    ).all()
    return FailedPage(list(failed_rows), list(retrying_rows), figures, at.number, at.pages)


def try_again(message_id: int) -> str | None:
    """Put a failed (or struggling) email back in the queue to be sent at the next delivery
    pass, with a fresh set of attempts; audited. None when there is no such email; else what
    became of it: "queued" again, or (left as it is) "waiting" to be sent again already (a
    second click), "not_failed" (waiting for its first delivery), "sent" or "sending"."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return None
    attempts = message.attempts
    # One conditional update: a delivery pass that claimed the message meanwhile wins.
    changed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, failed() | struggling())
        .values(status="pending", next_attempt_at=utcnow(), attempts=0, claimed_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        db.session.rollback()
        now = db.session.get(OutboxMessage, message_id, populate_existing=True)
        return _left_alone(now)
    record("email_retried", target=message, detail={"attempts_before": attempts})
    db.session.commit()
    return "queued"


def _left_alone(message: OutboxMessage | None) -> str:
    """What an email that was not put back in the queue is doing."""
    if message is not None and message.status == "sent":
        return "sent"
    if message is not None and message.status == "pending":
        # A delivery that went wrong leaves its error; one still to be tried has none.
        return "waiting" if message.last_error else "not_failed"
    return "sending"
