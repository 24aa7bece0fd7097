"""Loads the demo's voice of the child (tas.demo.data.voice) through the voice use cases: each
entry recorded by its recorder, then dated back to when the child was heard (a concern heard
today is dated this morning, its deadline worked out again from then), and an answered concern
answered by its responder. Loaded once per copy: if the copy's children have an entry, nothing
is added."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from tas.core.clock import LONDON, local, utcnow
from tas.demo.children import children_of
from tas.demo.copies import THE_DEMO, Copy
from tas.demo.counting import counted
from tas.demo.data.voice import VOICE
from tas.demo.history import backdate, before
from tas.extensions import db
from tas.organisations.models import User
from tas.outbox.models import OutboxMessage
from tas.reminders.models import Reminder
from tas.voice import alerts
from tas.voice import services as voice
from tas.voice.models import VoiceEntry

KINDS = {"voice of the child entries": VoiceEntry}
HEARD_AT = time(8, 45)  # the morning the child was heard (Europe/London)


def load(copy: Copy = THE_DEMO) -> dict[str, int]:
    """Add what is missing; return how many entries were added."""
    return counted(KINDS, lambda: _load(copy))


def _load(copy: Copy) -> None:
    children = children_of(copy)
    ids = [child.id for child in children.values()]
    if db.session.scalar(select(VoiceEntry.id).where(VoiceEntry.child_id.in_(ids)).limit(1)):
        return
    people = {user.email: user for user in db.session.scalars(select(User))}
    now = utcnow()
    for name, by, days_ago, setting, how, heard_by, words, concern, response in VOICE:
        child, recorder = children.get(name), people.get(copy.email(by))
        if child is None or recorder is None:
            continue
        heard_on = local(now).date() - timedelta(days=days_ago)
        entry = voice.record_entry(
            child,
            recorder,
            {
                "heard_on": heard_on,
                "setting": setting,
                "setting_detail": None,
                "captured_by": heard_by,
                "heard_how": how,
                "words": words,
                "raises_concern": concern,
                "restricted": False,
                "not_for_parent": False,
                "third_party": False,
            },
        )
        recorded_at = before(now, datetime.combine(heard_on, HEARD_AT, tzinfo=LONDON))
        backdate(entry, recorded_at=recorded_at)
        if concern:
            backdate(entry, response_due_at=voice.response_due(recorded_at))
            _tell_again(entry, child.school_id, recorded_at)
        if response is not None:
            done, contact, reasons = response
            voice.respond(
                entry,
                recorder,
                entry.version,
                {"response": done, "response_contact": contact, "response_reasons": reasons},
            )


def _tell_again(entry: VoiceEntry, school_id: int, recorded_at: datetime) -> None:
    """The alert went out as the entry was saved, giving the deadline worked out from then;
    dated back, the entry has an earlier one. Tell the same people again as of when it was
    recorded, so the alert and the entry give one deadline."""
    sent = list(
        db.session.scalars(
            select(Reminder).where(
                Reminder.target_kind == alerts.TARGET, Reminder.target_id == entry.id
            )
        )
    )
    concern = voice.concern_of(entry, school_id)
    for row in sent:
        message = row.outbox_message_id and db.session.get(OutboxMessage, row.outbox_message_id)
        if message:
            db.session.delete(message)
        person, kind = row.recipient, row.kind
        db.session.delete(row)
        db.session.flush()
        alerts.tell(concern, person, kind, recorded_at)
