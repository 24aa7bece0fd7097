"""Booking, moving and cancelling meetings, with their history (who, when, why)."""

from __future__ import annotations

from tas.organisations.models import User  # noqa: F401  (used once filled in)

from .models import Meeting, MeetingChange


def history(meeting: Meeting) -> list[MeetingChange]:
    """Every booking, move, change and cancellation of the meeting, oldest first (one query)."""
    return []  # TODO(booking helper)
