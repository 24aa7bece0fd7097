"""Digests: one email a day for a person who chose it instead of one email per reminder, and one
email a week for each coordinator listing everything overdue in the schools they cover.

Each digest is itself a Reminder row with a unique key (kind daily_digest for the person and
the day; kind weekly_digest for the coordinator and the week's first working day), inserted
first in the transaction that sends it: whichever pass adds the key sends the digest, and no
other pass, or a later pass that week after downtime, sends it again. Digest rows never show
as notifications (the notifications page leaves these kinds out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import render_template
from sqlalchemy import select

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import local, utcnow
from tas.core.paths import path_for
from tas.core.transactions import write_transaction
from tas.core.words import long_date
from tas.extensions import db
from tas.organisations.models import School, User
from tas.reminders import recipients, sources
from tas.reminders.models import Reminder
from tas.reminders.rows import claimed_key, email, full_link, lock_rows
from tas.reminders.rules import DAILY_DIGEST, WEEKLY_DIGEST, first_working_day_of_week, subject

MAX_LINES = 200  # a longer weekly digest ends with "... and N more"


def things(count: int) -> str:
    return f"{count} thing" if count == 1 else f"{count} things"


# ---------------------------------------------------------------- the daily digest


@dataclass(frozen=True)
class DailyLine:
    subject: str
    link: str


def send_daily(today: date) -> int:
    """Email each person their reminders kept for the daily digest (once a day); how many
    digests were queued."""
    people = db.session.scalars(
        select(Reminder.recipient_id)
        .where(Reminder.status == "in_digest")
        .distinct()
        .order_by(Reminder.recipient_id)
    ).all()
    sent = 0
    for person_id in people:
        with write_transaction():
            sent += _daily_for(person_id, today)
    return sent


def _daily_for(person_id: int, today: date) -> int:
    key_id = claimed_key(
        {
            "target_kind": DAILY_DIGEST,
            "target_id": person_id,
            "recipient_id": person_id,
            "kind": DAILY_DIGEST,
            "send_on": today,
            "status": "pending",
        }
    )
    if key_id is None:
        return 0  # today's digest went already (this pass or another): the rest waits
    rows = db.session.scalars(
        lock_rows(
            select(Reminder)
            .where(Reminder.recipient_id == person_id, Reminder.status == "in_digest")
            .order_by(Reminder.send_on, Reminder.id)
        )
    ).all()
    current = sources.still_open({(row.target_kind, row.target_id) for row in rows})
    person = db.session.get(User, person_id)
    included: list[Reminder] = []
    latest: dict[tuple[str, int], Reminder] = {}
    for row in rows:
        item = current.get((row.target_kind, row.target_id))
        if item is None or item.due_on != row.due_on or not person.active:
            row.status = "dropped"  # done since, or moved: it was shown in the app already
            continue
        included.append(row)
        latest[(row.target_kind, row.target_id)] = row  # the newest of each thing
    key = db.session.get(Reminder, key_id)
    if not latest:
        key.status = "dropped"
        return 0
    lines = sorted(latest.values(), key=lambda row: (row.due_on, row.reference, row.id))
    day = max(today, local(utcnow()).date())  # in the words of the day it goes out (London)
    for row in lines:
        item = current[(row.target_kind, row.target_id)]
        row.subject = subject(row.kind, item.what, row.reference, row.due_on, day)
    heading = f"Reminder: {things(len(lines))} due or overdue"
    message_id = email(
        person,
        heading,
        render_template(
            "reminders/email/daily_digest.txt",
            lines=[DailyLine(row.subject, full_link(row.link)) for row in lines],
            choices_link=full_link(path_for("auth.reminders")),
        ),
    )
    key.status, key.subject, key.sent_at, key.outbox_message_id = (
        "sent",
        heading,
        utcnow(),
        message_id,
    )
    for row in included:
        row.status = "sent"
        row.outbox_message_id = message_id
    return 1 if message_id is not None else 0


# ---------------------------------------------------------------- the weekly coordinator digest


@dataclass(frozen=True)
class WeeklyLine:
    reference: str
    what: str
    due: str
    owner: str
    school: str


def send_weekly(today: date) -> int:
    """On the week's first working day (or the first pass after it that week), email each
    active coordinator everything overdue in the schools they cover; how many were queued."""
    first = first_working_day_of_week(today, ENGLAND_AND_WALES)
    if first is None:
        return 0
    coordinators = db.session.execute(
        select(User.id, User.district_wide).where(
            User.role == "coordinator", User.active.is_(True), User.away.is_(False)
        )
    ).all()
    done = set(
        db.session.scalars(
            select(Reminder.recipient_id).where(
                Reminder.kind == WEEKLY_DIGEST, Reminder.send_on == first
            )
        )
    )
    waiting = [(user_id, wide) for user_id, wide in coordinators if user_id not in done]
    if not waiting:
        return 0
    overdue = sources.due_until(today - timedelta(days=1))
    covering = recipients.coordinators_by_school({item.school_id for item in overdue})
    lines = _weekly_lines(overdue)
    sent = 0
    for user_id, wide in waiting:
        mine = [line for item, line in lines if user_id in covering.get(item.school_id, ())]
        with write_transaction():
            sent += _weekly_for(user_id, wide, first, today, mine)
    return sent


def _weekly_lines(overdue: list[sources.Due]) -> list[tuple[sources.Due, WeeklyLine]]:
    """Each overdue thing in the words of the digest, earliest due first (two queries)."""
    owners = {item.owner_id for item in overdue if item.owner_id is not None}
    names = {
        user_id: _owner_words(name, active, away)
        for user_id, name, active, away in db.session.execute(
            select(User.id, User.name, User.active, User.away).where(User.id.in_(sorted(owners)))
        )
    }
    schools = dict(
        db.session.execute(
            select(School.id, School.name).where(
                School.id.in_(sorted({item.school_id for item in overdue}))
            )
        ).all()
    )
    ordered = sorted(overdue, key=lambda item: (item.due_on, item.reference, item.target_id))
    return [
        (
            item,
            WeeklyLine(
                item.reference,
                item.what,
                long_date(item.due_on),
                names.get(item.owner_id, "nobody named"),
                schools.get(item.school_id, "unknown school"),
            ),
        )
        for item in ordered
    ]


def _owner_words(name: str, active: bool, away: bool) -> str:
    if not active:
        return f"{name} (no longer active)"
    return f"{name} (away)" if away else name


def _weekly_for(user_id: int, wide: bool, first: date, today: date, lines: list) -> int:
    area = "the district" if wide else "your clusters"
    key_id = claimed_key(
        {
            "target_kind": WEEKLY_DIGEST,
            "target_id": user_id,
            "recipient_id": user_id,
            "kind": WEEKLY_DIGEST,
            "send_on": first,
            "status": "pending",
        }
    )
    if key_id is None:
        return 0  # this week's digest went already
    key = db.session.get(Reminder, key_id)
    if not lines:
        key.status, key.subject = "dropped", f"Overdue: nothing in {area}"
        return 0
    person = db.session.get(User, user_id)
    subject = f"Overdue: {things(len(lines))} in {area}"
    message_id = email(
        person,
        subject,
        render_template(
            "reminders/email/weekly_digest.txt",
            area=area,
            today=long_date(today),
            overdue_link=full_link(path_for("reviews.reviews", show="overdue")),
            total=len(lines),
            lines=lines[:MAX_LINES],
        ),
    )
    if message_id is None:
        key.status, key.subject = "dropped", subject
        return 0
    key.status, key.subject, key.sent_at, key.outbox_message_id = (
        "sent",
        subject,
        utcnow(),
        message_id,
    )
    return 1
