"""Short-lived rows deleted once past their use (UK GDPR storage limitation), by each pass of
the scheduler process: they span domains, so they live here rather than in one of them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete

from tas.auth.models import PendingForm, SignInAttempt
from tas.extensions import db
from tas.ical.feed_models import FeedMiss
from tas.submissions import UsedSubmission


def purge(now: datetime) -> int:
    """Delete short-lived rows past their use (UK GDPR storage limitation): used one-time form
    tokens after a day, sign-in attempts once the throttle no longer reads them (a day at
    least), wrong feed links past their window, and forms kept across a sign-out past their
    hours. How many rows went."""
    config = current_app.config
    sign_in_window = timedelta(minutes=2 * int(config["SIGN_IN_WINDOW_MINUTES"]))
    cut_offs = (
        (UsedSubmission, UsedSubmission.used_at, timedelta(days=1)),
        (SignInAttempt, SignInAttempt.at, max(sign_in_window, timedelta(days=1))),
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
