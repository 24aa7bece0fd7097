"""Short-lived rows deleted once past their use (UK GDPR storage limitation), by each pass of
the scheduler process: they span domains, so they live here rather than in one of them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from tas.audit.models import AccessRefusal
from tas.auth.factors.models import AuthenticatorApp, FactorAttempt, RememberedDevice
from tas.auth.models import PasswordResetRequest, SignInAttempt
from tas.core.pending_forms import PendingForm
from tas.core.submissions import UsedSubmission
from tas.extensions import db
from tas.ical.models import FeedMiss
from tas.outbox.models import OutboxMessage

# Sent emails are deleted this many at a time, each batch its own transaction: the first pass
# after a long time (or at a region's size) does not hold one huge transaction.
OUTBOX_BATCH = 5_000


def purge(now: datetime) -> int:
    """Delete short-lived rows past their use (UK GDPR storage limitation): used one-time form
    tokens after a day, sign-in attempts once the throttles no longer read them (a day at
    least), reset requests and refusals counted per address or person after a day (or their
    window), wrong feed links past their window, forms kept across a sign-out past their
    hours, second-factor tries once the lock no longer reads them, remembered devices once
    they have run out, authenticator apps set up but never confirmed after a day, and sent
    emails past OUTBOX_SENT_DAYS. How many rows went."""
    config = current_app.config
    sign_in_window = timedelta(
        minutes=2
        * max(int(config["SIGN_IN_WINDOW_MINUTES"]), int(config["SIGN_IN_ADDRESS_WINDOW_MINUTES"]))
    )
    factor_window = timedelta(minutes=2 * int(config["SECOND_FACTOR_WINDOW_MINUTES"]))
    factor_lock_days = timedelta(days=int(config["SECOND_FACTOR_LOCK_DAYS"]))
    refusals_window = timedelta(minutes=int(config["REPEATED_REFUSALS_WINDOW_MINUTES"]))
    cut_offs = (
        (UsedSubmission, UsedSubmission.used_at, timedelta(days=1)),
        (SignInAttempt, SignInAttempt.at, max(sign_in_window, timedelta(days=1))),
        (PasswordResetRequest, PasswordResetRequest.at, timedelta(days=1)),
        (AccessRefusal, AccessRefusal.at, max(refusals_window, timedelta(days=1))),
        (FeedMiss, FeedMiss.at, timedelta(minutes=int(config["FEED_MISS_WINDOW_MINUTES"]))),
        (PendingForm, PendingForm.created_at, timedelta(hours=int(config["PENDING_FORM_HOURS"]))),
        (FactorAttempt, FactorAttempt.at, max(factor_window, factor_lock_days)),
        (RememberedDevice, RememberedDevice.expires_at, timedelta(0)),
    )
    purged = 0
    for model, moment, keep in cut_offs:
        result = db.session.execute(
            delete(model).where(moment < now - keep).execution_options(synchronize_session=False)
        )
        purged += max(result.rowcount or 0, 0)
    unconfirmed = db.session.execute(
        delete(AuthenticatorApp)
        .where(
            AuthenticatorApp.confirmed_at.is_(None),
            AuthenticatorApp.created_at < now - timedelta(days=1),
        )
        .execution_options(synchronize_session=False)
    )
    purged += max(unconfirmed.rowcount or 0, 0)
    db.session.commit()
    return purged + purge_sent_emails(now - timedelta(days=int(config["OUTBOX_SENT_DAYS"])))


def purge_sent_emails(before: datetime) -> int:
    """Delete the emails sent before this moment, a batch at a time. Both the search (sent_at)
    and the reminders that point at each message (set to NULL) are found by index, so a pass
    over a million kept messages reads only the ones that go."""
    purged = 0
    while True:
        batch = (
            select(OutboxMessage.id)
            .where(OutboxMessage.sent_at < before, OutboxMessage.status == "sent")
            .limit(OUTBOX_BATCH)
            .scalar_subquery()
        )
        result = db.session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.id.in_(batch))
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        gone = max(result.rowcount or 0, 0)
        purged += gone
        if gone < OUTBOX_BATCH:
            return purged
