"""Pure rules of a change of school: which dates of the move are sensible, and when the old
school's read-only time ends. No Flask, no database; "today" is always an argument."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tas.core.words import long_date

# A move is recorded when it has happened, on the child's first day at the new school or later:
# recording it changes who sees the record at once, so a move still to come is not recorded yet.
# Up to a year after (a school catching up on a move over the summer, or found late); anything
# further back is almost always a typing slip (2016 for 2026).
LATEST_DAYS_AGO = 365
NOT_YET = (
    "The date of the move must be today or in the past: record the move on the day the child "
    "starts at the new school"
)


def move_date_problems(
    moved_on: date | None, today: date, last_move_on: date | None = None
) -> dict[str, str]:
    """Field -> what to put right about the date of the move."""
    if moved_on is None:
        return {}
    earliest = today - timedelta(days=LATEST_DAYS_AGO)
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
    if moved_on > today:
        return {"moved_on": NOT_YET}
    return {}


def read_only_until(now: datetime, days: int) -> datetime:
    """When the old school's read-only access ends: `days` after the move is recorded (a move
    is recorded once it has happened, and the old school still needs the record to send the
    child protection file on)."""
    return now + timedelta(days=days)
