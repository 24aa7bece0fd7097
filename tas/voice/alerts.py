"""Who is told of a concern, and telling them: at once when it is recorded, then each hour
until it is answered (tas.reminders.concerns). Each message is a reminder row (so it shows in
the app as a notification, exactly once per person and hour) and an email naming no child: its
subject carries the concern's reference and its link leads to the app, where access is
checked."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload

from tas.core.clock import local
from tas.core.paths import path_for
from tas.extensions import db
from tas.organisations.models import Agency, School, User
from tas.outbox.services import queue
from tas.reminders.models import Reminder
from tas.reminders.recipients import coordinators_by_school
from tas.voice import rules

log = logging.getLogger(__name__)

TARGET = "concern"  # reminder rows' target_kind for a concern


@dataclass(frozen=True)
class Concern:
    """What telling people about a concern needs: never the child's name or words."""

    entry_id: int
    child_id: int
    school_id: int
    recorded_by_id: int
    recording_agency_id: int | None
    recorded_at: datetime
    due_at: datetime

    @property
    def reference(self) -> str:
        return rules.concern_reference(self.entry_id)


def people_to_tell(concerns: Iterable[Concern]) -> dict[int, list[User]]:
    """Entry id -> the active people told of it: whoever recorded it, the DSLs of the child's
    school and the safeguarding leads of the recording agency (for a concern recorded at a
    school, its DSLs are its safeguarding leads), or else the coordinators covering the school.
    A fixed number of queries, however many concerns."""
    concerns = list(concerns)
    if not concerns:
        return {}
    schools = sorted({c.school_id for c in concerns})
    agencies = sorted({c.recording_agency_id for c in concerns if c.recording_agency_id})
    recorders = sorted({c.recorded_by_id for c in concerns})
    people = db.session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            or_(
                User.id.in_(recorders),
                (User.role == "dsl") & User.school_id.in_(schools),
                User.is_safeguarding_lead.is_(True) & User.agency_id.in_(agencies),
            ),
        )
        .order_by(User.id)
    ).all()
    told = {}
    for concern in concerns:
        told[concern.entry_id] = [
            person
            for person in people
            if person.id == concern.recorded_by_id
            or (person.role == "dsl" and person.school_id == concern.school_id)
            or (
                person.is_safeguarding_lead
                and concern.recording_agency_id is not None
                and person.agency_id == concern.recording_agency_id
            )
        ]
    _or_the_coordinators(concerns, told)
    return told


def _or_the_coordinators(concerns: list[Concern], told: dict[int, list[User]]) -> None:
    """A concern nobody but its recorder would hear of (a school with no active DSL, and no
    agency lead) goes to the coordinators covering the school instead, so it is never left
    with its recorder alone."""
    alone = [c for c in concerns if all(p.id == c.recorded_by_id for p in told[c.entry_id])]
    if not alone:
        return
    covering = coordinators_by_school(c.school_id for c in alone)
    wanted = sorted({user_id for c in alone for user_id in covering.get(c.school_id, [])})
    if not wanted:
        return
    coordinators = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}
    for concern in alone:
        told[concern.entry_id] += [
            coordinators[user_id] for user_id in covering.get(concern.school_id, [])
        ]


def told_at_once(entry_id: int, school: School, recording_agency: Agency | None) -> str:
    """Who was told of the concern when it was recorded, in words: those its alert reached
    (a notification row each, whether or not an email could be sent)."""
    people = db.session.scalars(
        select(User)
        .join(Reminder, Reminder.recipient_id == User.id)
        .where(
            Reminder.target_kind == TARGET,
            Reminder.target_id == entry_id,
            Reminder.kind == rules.CONCERN_ALERT,
        )
        .options(joinedload(User.agency))
        .order_by(User.id)
    ).all()
    leads: dict[str, int] = {}
    for person in people:
        if person.is_safeguarding_lead and person.agency is not None:
            leads[person.agency.name] = leads.get(person.agency.name, 0) + 1
    leaderless = recording_agency is not None and not db.session.scalar(
        select(
            exists().where(
                User.agency_id == recording_agency.id,
                User.is_safeguarding_lead.is_(True),
                User.active.is_(True),
            )
        )
    )
    return rules.told_words(
        school.name,
        dsls=sum(p.role == "dsl" and p.school_id == school.id for p in people),
        leads=leads,
        coordinators=sum(p.role == "coordinator" for p in people),
        leaderless=recording_agency.name if leaderless else None,
    )


def path(concern: Concern) -> str:
    """The concern's page in the app."""
    return path_for("voice.entry", child_id=concern.child_id, entry_id=concern.entry_id)


def tell(
    concern: Concern, person: User, kind: str, now: datetime, row: Reminder | None = None
) -> Reminder:
    """One message about the concern to one person, in the current transaction: the
    notification row (`row`, when the hourly pass has already claimed its key) and its email.
    The alert goes whatever the day or hour (a concern does not wait for working hours);
    nothing about a concern is kept for a digest."""
    due_at, at = local(concern.due_at), local(now)
    if kind == rules.CONCERN_ALERT:
        subject = rules.alert_subject(concern.reference, due_at)
    else:
        subject = rules.reminder_subject(concern.reference, due_at, at)
    # A coordinator, told when no DSL or lead could be, opens the record with a reason first.
    coordinator = person.role == "coordinator"
    where = path_for("children.child", child_id=concern.child_id) if coordinator else path(concern)
    if row is None:
        row = Reminder(
            target_kind=TARGET,
            target_id=concern.entry_id,
            recipient_id=person.id,
            kind=kind,
            send_on=at.date(),
        )
        db.session.add(row)
    row.due_on = due_at.date()
    row.status = "sent"
    row.reference = concern.reference
    row.subject = subject
    row.link = where
    row.sent_at = now
    body = render_template(
        "voice/email/concern.txt",
        subject=subject,
        reference=concern.reference,
        due=rules.deadline_words(due_at),
        link=current_app.config["BASE_URL"].rstrip("/") + where,
        alert=kind == rules.CONCERN_ALERT,
        recorder=person.id == concern.recorded_by_id,
        coordinator=coordinator,
    )
    try:
        message = queue([(person.email, person.name)], subject, body)
    except ValueError:
        log.warning("User %s has no usable email address: concern shown in the app only", person.id)
        return row
    db.session.flush()
    row.outbox_message_id = message.id
    return row
