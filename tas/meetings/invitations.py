"""Invitations to a meeting, each school's default invited agencies, and the answers."""

from __future__ import annotations

from tas.organisations.models import User

from .access import MeetingAccess
from .models import Invitation, Meeting


def for_meeting(meeting: Meeting, user: User, level: MeetingAccess) -> list[Invitation]:
    """The meeting's standing invitations with their answers, for the meeting page."""
    return []  # TODO(invitations helper)
