"""Short-lived rows deleted once past their use (UK GDPR storage limitation), by each pass of
the scheduler process: they span domains, so they live here rather than in one of them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete

from tas.audit.models import AccessRefusal
from tas.auth.models import PasswordResetRequest, SignInAttempt
from tas.core.pending_forms import PendingForm
from tas.core.submissions import UsedSubmission
from tas.extensions import db
from tas.ical.models import FeedMiss


def purge(now: datetime) -> int:
    """Delete short-lived rows past their use (UK GDPR storage limitation): used one-time form
    tokens after a day, sign-in attempts once the throttles no longer read them (a day at
    least), reset requests and refusals counted per address or person after a day (or their
    window), wrong feed links past their window, and forms kept across a sign-out past their
    hours. How many rows went."""
    config = current_app.config
    sign_in_window = timedelta(
        minutes=2
        * max(int(config["SIGN_IN_WINDOW_MINUTES"]), int(config["SIGN_IN_ADDRESS_WINDOW_MINUTES"]))
    )
    refusals_window = timedelta(minutes=int(config["REPEATED_REFUSALS_WINDOW_MINUTES"]))
    cut_offs = (
        (UsedSubmission, UsedSubmission.used_at, timedelta(days=1)),
        (SignInAttempt, SignInAttempt.at, max(sign_in_window, timedelta(days=1))),
        (PasswordResetRequest, PasswordResetRequest.at, timedelta(days=1)),
        (AccessRefusal, AccessRefusal.at, max(refusals_window, timedelta(days=1))),
        (FeedMiss, FeedMiss.at, timedelta(minutes=int(config["FEED_MISS_WINDOW_MINUTES"]))),
        (PendingForm, PendingForm.created_at, timedelta(hours=int(config["PENDING_FORM_HOURS"]))),
    )
    purged = 0
    for model, moment, keep in cut_offs:
        result = db.session.execute(
            delete(model).where(moment < now - keep).execution_options(synchronize_session=False)
        )
        purged += max(result.rowcount or 0, 0)
    db.session.commit()
    return purged
