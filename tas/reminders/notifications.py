"""A person's notifications: the reminders sent to them, shown in the app, and how many they
have not read yet. Only ever the signed-in person's own rows; digests are emails about the
same reminders, so they are not listed again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g
from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from tas.audit.services import record
from tas.auth.rules import safe_next
from tas.core.clock import utcnow
from tas.core.paging import window
from tas.extensions import db
from tas.organisations.models import User
from tas.reminders import services
from tas.reminders.models import Reminder
from tas.reminders.rules import DAILY_DIGEST, WEEKLY_DIGEST

SHOWN_STATUSES = ("sent", "in_digest")
DIGEST_KINDS = (DAILY_DIGEST, WEEKLY_DIGEST)


def mine(user: User) -> ColumnElement[bool]:
    """The condition on Reminder for the user's own notifications: reminders sent to them (by
    email or in a digest), not the digest emails themselves."""
    return and_(
        Reminder.recipient_id == user.id,
        Reminder.status.in_(SHOWN_STATUSES),
        Reminder.kind.not_in(DIGEST_KINDS),
    )


def unread_count(user: User) -> int:
    """How many of the user's notifications are unread: one query, once per request."""
    cached = g.get("unread_notifications")
    if cached is not None and cached[0] == user.id:
        return cached[1]
    try:
        count = db.session.scalar(
            select(func.count(Reminder.id)).where(mine(user), Reminder.read_at.is_(None))
        )
    except SQLAlchemyError:  # an error page is still shown when the database is failing
        db.session.rollback()
        return 0
    g.unread_notifications = (user.id, count or 0)
    return count or 0


@dataclass(frozen=True)
class Notification:
    """One notification as the page shows it (plain values: nothing loads later)."""

    id: int
    subject: str
    link: str | None  # a path in this service, or None when the stored link is not one
    at: datetime
    unread: bool
    done: bool  # what it reminded of is no longer waiting (done, answered, or no longer due)


@dataclass(frozen=True)
class NotificationsPage:
    rows: list[Notification]
    number: int
    pages: int
    total: int
    unread: int


def page_of(user: User, page: int) -> NotificationsPage:
    """The user's notifications, newest first, a page at a time, each saying whether what it
    reminded of is still waiting: the same queries whatever the number (the total and unread
    count together, the page's rows, then one per kind of thing reminded of)."""
    size = current_app.config["PAGE_SIZE"]
    total, unread = db.session.execute(
        select(
            func.count(Reminder.id),
            func.count(Reminder.id).filter(Reminder.read_at.is_(None)),
        ).where(mine(user))
    ).one()
    g.unread_notifications = (user.id, unread or 0)  # the header shows the same figure
    shown = window(page, total or 0, size)
    when = func.coalesce(Reminder.sent_at, Reminder.created_at)
    rows = db.session.execute(
        select(
            Reminder.id,
            Reminder.subject,
            Reminder.link,
            when.label("at"),
            Reminder.read_at,
            Reminder.target_kind,
            Reminder.target_id,
        )
        .where(mine(user))
        .order_by(when.desc(), Reminder.id.desc())
        .limit(shown.size)
        .offset(shown.start)
    ).all()
    keys = {(row.target_kind, row.target_id) for row in rows}
    still_waiting = services.waiting(keys) if keys else set()
    return NotificationsPage(
        rows=[
            Notification(
                id=row.id,
                subject=row.subject,
                link=safe_next(row.link),
                at=row.at,
                unread=row.read_at is None,
                done=(row.target_kind, row.target_id) not in still_waiting,
            )
            for row in rows
        ],
        number=shown.number,
        pages=shown.pages,
        total=total or 0,
        unread=unread or 0,
    )


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user as read; how many were."""
    result = db.session.execute(
        update(Reminder)
        .where(mine(user), Reminder.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        record("notifications_read", detail={"count": result.rowcount})
    db.session.commit()
    return result.rowcount


def mark_read(user: User, reminder_id: int) -> bool | None:
    """Mark one of the user's notifications as read: None when it is not theirs (or not a
    notification), False when it was read already."""
    found = db.session.scalar(select(Reminder).where(Reminder.id == reminder_id, mine(user)))
    if found is None:
        return None
    if found.read_at is not None:
        return False
    found.read_at = utcnow()
    record("notifications_read", target=found, detail={"count": 1})
    db.session.commit()
    return True
