"""The one place the application reads the time, so rules can take "now" as an argument."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def local(moment: datetime) -> datetime:
    """A stored UTC time as the partnership sees it (Europe/London)."""
    return moment.astimezone(LONDON)


def today() -> date:
    """Today as the partnership counts days (Europe/London)."""
    return local(utcnow()).date()
