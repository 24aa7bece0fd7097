"""Back-dating. The demo tells a story that began months ago, but every use case dates what it
does now (tas.core.clock.utcnow) and none records a past moment. So a loader calls the use case,
then moves the moments the use case stamped to the ones the story says: the one direct write
the loaders make to what a use case saved."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from tas.extensions import db


def backdate(row, **moments) -> None:
    """Set these date and time columns of a saved row, committed with the next use case (or at
    the end of the loader: tas.demo.counting.counted)."""
    for name, moment in moments.items():
        setattr(row, name, moment)
    db.session.flush()


def ten_am(day: date) -> datetime:
    """When something the story dates by day happened: 10:00 UTC that day."""
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def before(now: datetime, moment: datetime, margin: timedelta = timedelta(hours=1)) -> datetime:
    """The moment, or a little before now if it is later: what has happened stays past."""
    return min(moment, now - margin)
