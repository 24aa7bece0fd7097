"""When a meeting's invitations can no longer be added, removed or answered, and why, in the
words the pages show.

An invitation of a meeting that has started is part of what happened: its attendance is recorded
against it, the minutes are complete only when every standing invitation's attendance is
(tas/meetings/day/), and the attendance report counts standing invitations only
(tas/meetings/lists/reports.py). So it can no longer be removed, though people may still be
invited until the meeting ends (someone asked to join part way through).
"""

from __future__ import annotations

from datetime import datetime

from tas.meetings.models import Invitation, Meeting

ANSWER_STARTED = (
    "The meeting has started, so answers can no longer be changed. If something has changed, "
    "tell the chair"
)
REMOVAL_STARTED = (
    "The meeting has started, so its invitations can no longer be removed. Record who came "
    "in its attendance instead"
)
REMOVAL_RECORDED = (
    "Attendance has been recorded for this invitation, so it can no longer be removed"
)


def changes_closed(meeting: Meeting, now: datetime) -> str | None:
    """Why invitations of this meeting can no longer be added or removed, if they cannot."""
    if meeting.status == "cancelled":
        return "This meeting was cancelled, so its invitations can no longer be changed"
    if meeting.status != "scheduled" or meeting.ends_at <= now:
        return "This meeting has taken place, so its invitations can no longer be changed"
    return None


def removal_closed(meeting: Meeting, invitation: Invitation, now: datetime) -> str | None:
    """Why this invitation (of this meeting) can no longer be removed, if it cannot: as any
    change, and also once the meeting has started or its attendance was recorded."""
    closed = changes_closed(meeting, now)
    if closed:
        return closed
    if meeting.starts_at <= now:
        return REMOVAL_STARTED
    if invitation.attendance is not None:
        return REMOVAL_RECORDED
    return None


def answer_closed(meeting: Meeting, now: datetime) -> str | None:
    """Why the invitation can no longer be answered, if it cannot."""
    if meeting.status == "cancelled":
        return "This meeting was cancelled, so it needs no answer"
    if meeting.status != "scheduled" or meeting.ends_at <= now:
        return "This meeting has taken place, so it needs no answer now"
    if meeting.starts_at <= now:
        return ANSWER_STARTED
    return None
