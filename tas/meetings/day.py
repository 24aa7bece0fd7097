"""On the day: who was present, attendance per agency, minutes per child, decisions and the
actions they put on each child's shared plan."""

from __future__ import annotations

from tas.organisations.models import User

from .access import MeetingAccess
from .models import Meeting


def summary(meeting: Meeting, user: User, level: MeetingAccess) -> dict:
    """What the meeting page shows of the day itself."""
    return {}  # TODO(day helper)


def minutes_overdue(now):
    """SQL condition on Meeting: still scheduled (minutes not complete) 2 working days after it
    took place. Lists show it as "Minutes overdue"; the chair sees it flagged."""
    from sqlalchemy import false

    return false()  # TODO(day helper)
