"""Pure rules of reminders: when a thing due is reminded (5 working days before, the working day
before, on the day, and each working day while overdue), the digests' days, and the words of a
reminder. No Flask, no database; today and the bank holidays are arguments."""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta

from tas.core.choices import Choice
from tas.core.days import is_working_day, previous_working_day, subtract_working_days
from tas.core.words import long_date

BEFORE_5 = "before_5"
BEFORE_1 = "before_1"
DUE = "due"
OVERDUE = "overdue"
DAILY_DIGEST = "daily_digest"
WEEKLY_DIGEST = "weekly_digest"
REMINDER_KINDS = (
    Choice(BEFORE_5, "Due in 5 working days"),
    Choice(BEFORE_1, "Due next working day"),
    Choice(DUE, "Due today"),
    Choice(OVERDUE, "Overdue"),
    Choice(DAILY_DIGEST, "Daily digest"),
    Choice(WEEKLY_DIGEST, "Weekly digest of everything overdue"),
)


def schedule(due_on: date, holidays: Container[date] = ()) -> list[tuple[date, str]]:
    """The reminders before and on the due day, as (day sent, kind), earliest first: 5 working
    days before, 1 working day before, and on the due day (for a due day that is not a working
    day, the working day before it, which then replaces the 1-day reminder)."""
    on_day = previous_working_day(due_on, holidays)
    days = {
        subtract_working_days(due_on, 5, holidays): BEFORE_5,
        subtract_working_days(due_on, 1, holidays): BEFORE_1,
    }
    days[on_day] = DUE
    return sorted(days.items())


def reminded_when(opened_on: date, due_on: date, holidays: Container[date] = ()) -> str:
    """When the reminders of something opened on `opened_on` and due on `due_on` go out, in
    words ("5 working days and 1 working day before the due date, on the day, and each working
    day while it is overdue"). Those of the schedule that fell before it opened never go, but
    the latest of them goes once when it opens (`reminder_due` catches up): a review due one
    working day after its referral is never said to be reminded 5 working days before."""
    planned = schedule(due_on, holidays)
    ahead = {kind for day, kind in planned if day >= opened_on}
    parts = []
    if due_on >= opened_on and len(ahead) < len(planned) and opened_on not in dict(planned):
        parts.append("once when it opens")
    before = [words for kind, words in BEFORE_WORDS if kind in ahead]
    if before:
        parts.append(" and ".join(before) + " before the due date")
    if DUE in ahead:
        if not is_working_day(due_on, holidays):
            parts.append("on the last working day before the due date")
        else:
            parts.append("on the day" if before else "on the due date")
    parts.append("each working day while it is overdue")
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + (", and " if len(parts) > 2 else " and ") + parts[-1]


BEFORE_WORDS = ((BEFORE_5, "5 working days"), (BEFORE_1, "1 working day"))


def reminder_due(
    due_on: date, today: date, holidays: Container[date] = ()
) -> tuple[date, str] | None:
    """The one reminder to send today about something due on `due_on`, as (the working day it is
    for, kind), or None. Reminders go out on working days only; each working day after the due
    day brings an overdue reminder. After downtime only the latest that fell due is returned,
    so a pass that missed days sends one message, not one per missed day."""
    if not is_working_day(today, holidays):
        return None
    if today > due_on:
        return today, OVERDUE
    latest = None
    for day, kind in schedule(due_on, holidays):
        if day <= today:
            latest = (day, kind)
    return latest


def first_working_day_of_week(today: date, holidays: Container[date] = ()) -> date | None:
    """The week's first working day (Monday, or Tuesday after a bank holiday Monday), the day
    the weekly digest is for; None in a week with no working day up to today."""
    monday = today - timedelta(days=today.weekday())
    day = monday
    while day <= today:
        if is_working_day(day, holidays):
            return day
        day += timedelta(days=1)
    return None


def subject(kind: str, what: str, reference: str, due_on: date, today: date) -> str:
    """The email subject and notification title: "Reminder:" or "Overdue:", what is due and the
    plan reference; never a child's name. "Overdue: plan review for TAS-0042 was due 3 December"."""
    when = f"{due_on.day} {due_on:%B}" if due_on.year == today.year else long_date(due_on)
    if kind == OVERDUE or due_on < today:
        return f"Overdue: {what} for {reference} was due {when}"
    if due_on == today:
        return f"Reminder: {what} for {reference} is due today"
    return f"Reminder: {what} for {reference} is due {when}"
