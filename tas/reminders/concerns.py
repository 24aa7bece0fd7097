"""The hourly reminders of a concern raised by a child's words, until it is answered.

Every pass (every few minutes, any hour) asks which unanswered concerns are due a reminder
this hour (tas.voice.rules.hourly_reminder: each whole hour since the concern was recorded,
within the reminder hours of working days) and tells each person who must answer it
(tas.voice.alerts). A reminder row is unique on (concern, person, kind, day) and its kind names
the hour since recording, so each goes exactly once however many passes or processes run; it
is inserted and emailed in one transaction, and only the process whose insert added the row
sends it. Concerns are never kept for a digest.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import local
from tas.core.days import is_working_day
from tas.core.transactions import write_transaction
from tas.extensions import db
from tas.reminders.models import Reminder
from tas.reminders.rows import insert_once
from tas.voice import alerts
from tas.voice.models import UNANSWERED, VoiceEntry
from tas.voice.rules import hourly_reminder


def _hours() -> tuple[int, int]:
    first, last = current_app.config["CONCERN_REMINDER_HOURS"]
    return int(first), int(last)


def remind(as_of: datetime) -> int:
    """Send this hour's reminders of every unanswered concern; how many were sent."""
    at = local(as_of)
    hours = _hours()
    if not is_working_day(at.date(), ENGLAND_AND_WALES) or not hours[0] <= at.hour < hours[1]:
        return 0
    with write_transaction():
        due = []
        for row in db.session.execute(
            select(
                VoiceEntry.id,
                VoiceEntry.child_id,
                Child.school_id,
                VoiceEntry.recorded_by_id,
                VoiceEntry.originating_agency_id,
                VoiceEntry.recorded_at,
                VoiceEntry.response_due_at,
            )
            .join(Child, Child.id == VoiceEntry.child_id)
            .where(db.text(UNANSWERED))
            .order_by(VoiceEntry.id)
        ):
            concern = alerts.Concern(*row)
            kind = hourly_reminder(local(concern.recorded_at), at, hours, ENGLAND_AND_WALES)
            if kind is not None:
                due.append((concern, kind))
        if not due:
            return 0
        told = alerts.people_to_tell(concern for concern, _ in due)
        return _send(due, told, as_of)


def _send(due, told, as_of: datetime) -> int:
    """Claim each (concern, person, hour) by inserting its key, then tell whoever this process
    claimed, in the same transaction."""
    wanted = []
    for concern, kind in due:
        for person in told[concern.entry_id]:
            wanted.append(
                {
                    "target_kind": alerts.TARGET,
                    "target_id": concern.entry_id,
                    "recipient_id": person.id,
                    "kind": kind,
                    "send_on": local(as_of).date(),
                    "status": "pending",
                    "created_at": as_of,
                }
            )
    if not wanted:
        return 0
    # Sorted by key, so processes inserting the same keys wait in one order (no deadlock).
    wanted.sort(key=lambda v: (v["target_id"], v["recipient_id"], v["kind"]))
    claimed = db.session.execute(
        insert_once().returning(Reminder.id, Reminder.target_id, Reminder.recipient_id), wanted
    ).all()
    if not claimed:
        return 0
    concerns = {concern.entry_id: (concern, kind) for concern, kind in due}
    people = {person.id: person for group in told.values() for person in group}
    rows = {
        row.id: row
        for row in db.session.scalars(
            select(Reminder).where(Reminder.id.in_([key_id for key_id, _, _ in claimed]))
        )
    }
    for key_id, entry_id, person_id in claimed:
        concern, kind = concerns[entry_id]
        alerts.tell(concern, people[person_id], kind, as_of, rows[key_id])
    return len(claimed)


def unanswered(entry_ids: Collection[int]) -> set[int]:
    """Of these concerns, the ones still waiting for their response (one query)."""
    return set(
        db.session.scalars(
            select(VoiceEntry.id).where(VoiceEntry.id.in_(sorted(entry_ids)), db.text(UNANSWERED))
        )
    )
