"""Invitations to a meeting, each school's default invited agencies, and the answers."""

from __future__ import annotations

from tas.organisations.models import User

from .access import MeetingAccess
from .models import Invitation, Meeting


def for_meeting(meeting: Meeting, user: User, level: MeetingAccess) -> list[Invitation]:
    """The meeting's standing invitations with their answers, for the meeting page."""
    return []  # TODO(invitations helper)


def invite_defaults(meeting: Meeting, user: User) -> list[Invitation]:
    """Invite the school's default agencies to a newly booked meeting (flush, no commit: the
    booking commits once)."""
    return []  # TODO(invitations helper)
