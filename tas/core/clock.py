"""The one place the application reads the time, so rules can take "now" as an argument."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def local(moment: datetime) -> datetime:
    """A stored UTC time as the partnership sees it (Europe/London)."""
    return moment.astimezone(LONDON)
