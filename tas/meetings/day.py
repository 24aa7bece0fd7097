"""On the day: who was present, attendance per agency, minutes per child, decisions and the
actions they put on each child's shared plan."""

from __future__ import annotations

from tas.organisations.models import User

from .access import MeetingAccess
from .models import Meeting


def summary(meeting: Meeting, user: User, level: MeetingAccess) -> dict:
    """What the meeting page shows of the day itself."""
    return {}  # TODO(day helper)
