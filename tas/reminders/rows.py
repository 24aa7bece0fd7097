"""What the reminder pass (tas.reminders.services) and the digests (tas.reminders.digests) both
do with reminder rows: insert one exactly once, lock rows to claim them, and email a person.
It sits below both, so neither imports the other to share it."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from tas.core.clock import utcnow
from tas.core.transactions import dialect
from tas.extensions import db
from tas.organisations.models import User
from tas.outbox.services import queue
from tas.reminders.models import Reminder

log = logging.getLogger(__name__)

# A reminder row is unique on these: one per thing, person, kind and the day it is for.
KEY = ("target_kind", "target_id", "recipient_id", "kind", "send_on")


def insert_once():
    """INSERT INTO reminder ... ON CONFLICT (the unique key) DO NOTHING."""
    module = postgresql if dialect() == "postgresql" else sqlite
    return module.insert(Reminder).on_conflict_do_nothing(index_elements=list(KEY))


def claimed_key(values: dict) -> int | None:
    """Insert one reminder row unless its key exists: its id when this call added it (so this
    process, and no other, goes on to send it), else None."""
    return db.session.execute(
        insert_once().values(created_at=utcnow(), **values).returning(Reminder.id)
    ).scalar()


def lock_rows(query):
    """Lock the selected rows; on PostgreSQL rows another pass holds are skipped."""
    if dialect() == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query  # SQLite: the immediate transaction already excludes other writers


def email(person: User, subject: str, body: str, *, flush: bool = True):
    """Queue one email to the person (flushed, so it has its id, unless the caller flushes a
    batch at once); None when their address cannot be written to, which is logged rather than
    stopping every reminder after it."""
    try:
        message = queue([(person.email, person.name)], subject, body, working_days_only=True)
    except ValueError:
        log.warning(
            "User %s has no usable email address: reminder shown in the app only", person.id
        )
        return None
    if flush:
        db.session.flush()
    return message


def full_link(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path
