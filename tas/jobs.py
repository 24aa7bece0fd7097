"""The service's scheduled work, one pass at a time: the reminders and digests due today and
this hour's reminders of unanswered concerns (tas.reminders), then delivering the outbox
(tas.outbox), then adding up repeated refusals (tas.audit.refusals) and deleting short-lived
rows past their use (tas.retention). The scheduler
process (tas.scheduler) and `flask send-reminders` run passes; web requests never do."""

from __future__ import annotations

import logging
from datetime import datetime

from tas import retention
from tas.audit import refusals
from tas.core.clock import local, utcnow
from tas.outbox.services import deliver_round
from tas.reminders import concerns
from tas.reminders.services import PassCounts, remind, reminder_day

log = logging.getLogger(__name__)

DELIVERY_BATCH = 200


def run_pass(as_of: datetime | None = None) -> PassCounts:
    """One pass: plan and send the day's reminders and digests, deliver the outbox, purge."""
    as_of = as_of or utcnow()
    if as_of.tzinfo is None:
        raise ValueError("run_pass needs a timezone-aware moment")
    counts = PassCounts()
    today = reminder_day(as_of)
    if today is not None:
        remind(today, counts)
    # A concern raised by a child's words is reminded each hour, not once a day.
    counts.concern_reminders = concerns.remind(as_of)
    counts.delivered = deliver_all(as_of=as_of)
    refusals.total_up(utcnow())  # before the refusals it adds up are purged
    counts.purged = retention.purge(utcnow())
    log.info(
        "Reminder pass at %s London%s: %s",
        f"{local(as_of):%Y-%m-%d %H:%M}",
        "" if today else " (no reminders before the reminder hour or on a non-working day)",
        counts.line(),
    )
    return counts


def deliver_all(as_of: datetime | None = None) -> int:
    """Deliver the outbox until nothing more is due, a batch at a time (each batch over one
    connection to the mail server); reminders only at a working-day moment of the pass (see
    deliver_due). It ends: a message that fails waits before it is due again."""
    delivered = 0
    while True:
        claimed, sent = deliver_round(DELIVERY_BATCH, hours_at=as_of)
        delivered += sent
        if claimed == 0:
            return delivered
