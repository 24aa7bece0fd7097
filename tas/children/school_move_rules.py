"""Pure rules of a change of school: which dates of the move are sensible, and from when the
old school's read-only time and the child protection file are counted. No Flask, no database;
"today" is always an argument."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A move is recorded around the time it happens: up to a year after (a school catching up on a
# move over the summer, or found late), or up to a school term before (a planned move, so the
# new school can prepare). Anything further out is almost always a typing slip (2062 for 2026).
LATEST_DAYS_AGO = 365
EARLIEST_DAYS_AHEAD = 92  # about 3 months: one school term


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def move_date_problems(
    moved_on: date | None, today: date, last_move_on: date | None = None
) -> dict[str, str]:
    """Field -> what to put right about the date of the move."""
    if moved_on is None:
        return {}
    earliest = today - timedelta(days=LATEST_DAYS_AGO)
    latest = today + timedelta(days=EARLIEST_DAYS_AHEAD)
    if last_move_on is not None and moved_on < last_move_on:
        return {
            "moved_on": "The date of the move must be on or after "
            f"{long_date(last_move_on)}, when the child last changed school"
        }
    if moved_on < earliest:
        return {
            "moved_on": f"The date of the move must be on or after {long_date(earliest)}: "
            "record a move within a year of it happening"
        }
    if moved_on > latest:
        return {
            "moved_on": f"The date of the move must be on or before {long_date(latest)}: "
            "record a move at most 3 months before it happens"
        }
    return {}


def counted_from(moved_on: date | None, today: date) -> date:
    """The day the old school's read-only time and the file transfer count from: the day of
    the move, or today when the move has happened already (the old school still needs the
    record to send the child protection file on)."""
    return max(moved_on, today) if moved_on is not None else today


def read_only_until(now: datetime, moved_on: date | None, days: int, zone: ZoneInfo) -> datetime:
    """When the old school's read-only access ends: `days` after the move (or after now, for
    a move recorded once it has happened)."""
    today = now.astimezone(zone).date()
    start = counted_from(moved_on, today)
    if start == today:
        return now + timedelta(days=days)
    return datetime.combine(start, time(0, 0), tzinfo=zone) + timedelta(days=days)
