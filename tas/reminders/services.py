"""The reminder pass: plan what is due today as rows, then send each row exactly once.

Reminders are rows (tas.reviews.models.Reminder), unique on (target, recipient, kind, the day
they are for); the database decides what is due, and the scheduler process only wakes this up.

1. Nothing before REMINDER_HOUR (Europe/London) or on a weekend or bank holiday.
2. Plan: for every open thing due within 5 working days (or overdue) and each of its
   recipients, the one reminder due today (reminder_due) is inserted, ignoring one that
   exists. Its key carries the day the reminder was scheduled for, so after downtime only the
   latest reminder of each (thing, person) is added: one catch-up message, not one per day.
3. Send: pending rows are claimed in small batches with row locks (FOR UPDATE SKIP LOCKED on
   PostgreSQL; an immediate transaction on SQLite), re-checked (dropped when the thing is done),
   then emailed through the outbox in the same transaction, or kept for the person's daily
   digest. Several processes can run passes at once: each row goes once.
4. Digests (tas.reminders.digests), then the outbox is delivered and old rows are purged.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import date, datetime

from flask import current_app, render_template
from sqlalchemy import delete, func, select

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import local, utcnow
from tas.core.days import add_working_days, is_working_day
from tas.core.paths import path_for
from tas.core.transactions import write_transaction
from tas.core.words import long_date
from tas.extensions import db
from tas.meetings.requests import alerts as request_alerts
from tas.organisations.models import User
from tas.reminders import concerns, decisions, digests, gp_sources, recipients, sources
from tas.reminders.models import Reminder
from tas.reminders.rows import KEY, emails, full_link, insert_once, lock_rows
from tas.reminders.rules import DAILY_DIGEST, WEEKLY_DIGEST, reminder_due, subject
from tas.voice import alerts

# Reminder sources register themselves with tas.reminders.sources by decorator; the sources of
# other modules (tas.reminders.decisions, tas.reminders.gp_sources) import that registry, so
# they are imported here, where every source must be known, rather than listed there (which
# would be an import cycle).
SOURCES_ELSEWHERE = (decisions, gp_sources)

log = logging.getLogger(__name__)


def waiting(keys: Collection[tuple[str, int]]) -> set[tuple[str, int]]:
    """Of these reminded things (target kind, id), the ones still waiting to be done: open in
    their source, a concern still unanswered, or a request still waiting for triage. Every
    kind is asked, so the notifications page runs the same statements whatever it lists."""
    found = set(sources.still_open(keys, every_kind=True))
    concern_ids = {target_id for kind, target_id in keys if kind == alerts.TARGET}
    found.update((alerts.TARGET, entry_id) for entry_id in concerns.unanswered(concern_ids))
    request_ids = {target_id for kind, target_id in keys if kind == request_alerts.TARGET}
    found.update(
        (request_alerts.TARGET, request_id)
        for request_id in request_alerts.still_waiting(request_ids)
    )
    return found


BATCH = 200
DIGEST_KINDS = (DAILY_DIGEST, WEEKLY_DIGEST)
LOOK_AHEAD_WORKING_DAYS = 5  # the earliest reminder goes 5 working days before


@dataclass
class PassCounts:
    """What one pass did, for the log line and the command's output (numbers only)."""

    planned: int = 0
    emailed: int = 0
    in_digest: int = 0
    dropped: int = 0
    daily_digests: int = 0
    weekly_digests: int = 0
    concern_reminders: int = 0
    delivered: int = 0
    purged: int = 0

    def line(self) -> str:
        return ", ".join(
            f"{name.replace('_', ' ')} {value}" for name, value in asdict(self).items()
        )


# ---------------------------------------------------------------- the day's reminders


def remind(today: date, counts: PassCounts) -> None:
    """Plan and send the day's reminders, then the digests, counting each."""
    counts.planned = plan(today)
    send(today, counts)
    counts.daily_digests = digests.send_daily(today)
    counts.weekly_digests = digests.send_weekly(today)


def reminder_day(as_of: datetime) -> date | None:
    """The day reminders go out for at `as_of`: its London date from REMINDER_HOUR on a working
    day; None earlier in the day, at weekends and on bank holidays."""
    moment = local(as_of)
    if moment.hour < int(current_app.config["REMINDER_HOUR"]):
        return None
    if not is_working_day(moment.date(), ENGLAND_AND_WALES):
        return None
    return moment.date()


# ---------------------------------------------------------------- 2. plan


def plan(today: date) -> int:
    """Add the reminder rows due today (or, after downtime, the latest that fell due); how many
    were added. Rows that exist are left alone, whoever added them."""
    horizon = add_working_days(today, LOOK_AHEAD_WORKING_DAYS, ENGLAND_AND_WALES)
    items = sources.due_until(horizon)
    directory = recipients.load(
        (item.owner_id for item in items), (item.school_id for item in items)
    )
    wanted = {}
    for item in items:
        due = reminder_due(item.due_on, today, ENGLAND_AND_WALES)
        if due is None:
            continue
        send_on, kind = due
        words = subject(kind, item.what, item.reference, item.due_on, today)
        for recipient_id in recipients_of(item, directory):
            key = (item.target_kind, item.target_id, recipient_id, kind, send_on)
            wanted[key] = {
                **dict(zip(KEY, key, strict=True)),
                "due_on": item.due_on,
                "status": "pending",
                "reference": item.reference,
                "subject": words,
                "link": item.link,
                "created_at": utcnow(),
            }
    db.session.commit()
    if not wanted:
        return 0
    days = sorted({key[4] for key in wanted})
    existing = set()
    moved = []
    for row in db.session.execute(
        select(
            Reminder.id,
            Reminder.status,
            Reminder.due_on,
            *(getattr(Reminder, column) for column in KEY),
        ).where(Reminder.send_on.in_(days))
    ):
        key = tuple(row)[3:]
        if row.status == "pending" and key in wanted and wanted[key]["due_on"] != row.due_on:
            moved.append(row.id)  # planned, not sent, and its date has moved: plan it afresh
        else:
            existing.add(key)
    if moved:
        db.session.execute(
            delete(Reminder).where(Reminder.id.in_(moved), Reminder.status == "pending")
        )
    new = [wanted[key] for key in sorted(wanted) if key not in existing]
    if not new:
        db.session.commit()
        return 0
    # Sorted by key, so processes inserting the same rows at once wait in one order (no
    # deadlock); a row another process added first is skipped.
    added = db.session.execute(insert_once().returning(Reminder.id), new).scalars().all()
    db.session.commit()
    return len(added)


def recipients_of(item: sources.Due, directory: recipients.Directory) -> tuple[int, ...]:
    """The owner (or their stand-ins), and the school's DSLs when the source asks for them."""
    people = directory.recipients(item.owner_id, item.school_id)
    if item.with_school_dsls:
        people = tuple(sorted({*people, *directory.school_dsls.get(item.school_id, [])}))
    return people


# ---------------------------------------------------------------- 3. send


def send(today: date, counts: PassCounts) -> None:
    """Send every pending reminder for today or before, batch by batch, each exactly once."""
    while True:
        with write_transaction():
            rows = db.session.scalars(
                lock_rows(
                    select(Reminder)
                    .where(
                        Reminder.status == "pending",
                        Reminder.send_on <= today,
                        Reminder.kind.not_in(DIGEST_KINDS),
                    )
                    .order_by(Reminder.id)
                    .limit(BATCH)
                )
            ).all()
            if rows:
                _send_batch(rows, counts, max(today, local(utcnow()).date()))
        if not rows:
            return


def _send_batch(rows: list[Reminder], counts: PassCounts, words_on: date) -> None:
    """Inside the claiming transaction: drop what no longer applies, email the rest or keep it
    for the person's daily digest."""
    current = sources.still_open({(row.target_kind, row.target_id) for row in rows})
    latest = latest_days(rows)
    # The recipients, and the owners of what they are reminded of (whose absence an email to
    # a stand-in explains), in one query.
    owners = {item.owner_id for item in current.values() if item.owner_id is not None}
    people = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_(sorted({row.recipient_id for row in rows} | owners)))
        )
    }
    now = utcnow()
    outgoing: list[tuple[Reminder, User, str]] = []
    for row in rows:
        item = current.get((row.target_kind, row.target_id))
        person = people.get(row.recipient_id)
        if item is not None and item.due_on != row.due_on:
            # Moved: this unsent row must not keep its key (the new date may need the same
            # kind on the same day); the next plan makes the reminder with the new date.
            db.session.delete(row)
            counts.dropped += 1
            continue
        if (
            item is None  # done, cancelled, closed
            or latest[(row.target_kind, row.target_id, row.recipient_id)] > row.send_on
            or person is None
            or not person.active
        ):
            row.status = "dropped"
            counts.dropped += 1
            continue
        # In the words of the day it goes out: a re-run of a missed day goes out later.
        row.subject = subject(row.kind, item.what, row.reference, row.due_on, words_on)
        row.sent_at = now  # shows in the app from now on
        if person.reminder_digest:
            row.status = "in_digest"
            counts.in_digest += 1
            continue
        row.status = "sent"
        body = email_body(row, item, standing_in=_standing_in(item, person, people))
        outgoing.append((row, person, body))
    # The batch's emails are inserted together, then linked to their reminders, each reminder
    # written once when the batch commits (not flushed before the insert as well).
    with db.session.no_autoflush:
        ids = emails([(person, row.subject, body) for row, person, body in outgoing])
    for (row, _person, _body), message_id in zip(outgoing, ids, strict=True):
        row.outbox_message_id = message_id
    counts.emailed += sum(message_id is not None for message_id in ids)


NO_OWNER = "no_owner"
AWAY = "away"
NO_ACCOUNT = "no_account"


def _standing_in(item: sources.Due, person: User, people: dict[int, User]) -> str | None:
    """Why the person gets this reminder in someone else's place, as the email says it: no
    one owns it, or its owner is away or no longer has an account (tas.reminders.recipients);
    None when it is theirs (a school's DSL reminded beside the owner is not standing in)."""
    if item.owner_id == person.id:
        return None
    if item.with_school_dsls and person.role == "dsl":
        return None
    if item.owner_id is None:
        return NO_OWNER
    owner = people.get(item.owner_id)
    if owner is None or not owner.active:
        return NO_ACCOUNT
    return AWAY


def latest_days(rows: list[Reminder]) -> dict[tuple[str, int, int], date]:
    """The latest day any reminder is for, per (thing, person) of these rows: an older row
    still pending (a pass stopped before sending it) is superseded by a newer one."""
    targets = sorted({row.target_id for row in rows})
    people = sorted({row.recipient_id for row in rows})
    found = db.session.execute(
        select(
            Reminder.target_kind,
            Reminder.target_id,
            Reminder.recipient_id,
            func.max(Reminder.send_on),
        )
        .where(
            Reminder.target_id.in_(targets),
            Reminder.recipient_id.in_(people),
            Reminder.kind.not_in(DIGEST_KINDS),
            Reminder.status != "dropped",
        )
        .group_by(Reminder.target_kind, Reminder.target_id, Reminder.recipient_id)
    ).all()
    latest = {(kind, target, person): day for kind, target, person, day in found}
    for row in rows:
        key = (row.target_kind, row.target_id, row.recipient_id)
        latest[key] = max(latest.get(key, row.send_on), row.send_on)
    return latest


def email_body(row: Reminder, item: sources.Due, *, standing_in: str | None) -> str:
    """The reminder email: the reference, the due date, what to do and the link. No child is
    named: the link leads to the app, where access is checked."""
    return render_template(
        "reminders/email/reminder.txt",
        subject=row.subject,
        reference=row.reference,
        what=item.what,
        due=long_date(row.due_on),
        todo=sources.SOURCES[row.target_kind].todo,
        link=full_link(row.link),
        standing_in=standing_in,
        choices_link=full_link(path_for("auth.reminders")),
    )
