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
from tas.outbox.services import queue_many
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


def email(person: User, subject: str, body: str) -> int | None:
    """Queue one email to the person: its id, or None when their address cannot be written to
    (see emails)."""
    return emails([(person, subject, body)])[0]


def emails(outgoing: list[tuple[User, str, str]]) -> list[int | None]:
    """Queue one email to each (person, subject, body), all in one statement: each email's id,
    or None when the person's address cannot be written to, which is logged rather than
    stopping every reminder after it (the reminder is still shown in the app)."""
    ids = queue_many(
        [([(person.email, person.name)], subject, body) for person, subject, body in outgoing],
        working_days_only=True,
    )
    for (person, _subject, _body), message_id in zip(outgoing, ids, strict=True):
        if message_id is None:
            log.warning(
                "User %s has no usable email address: reminder shown in the app only", person.id
            )
    return ids


def full_link(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path
