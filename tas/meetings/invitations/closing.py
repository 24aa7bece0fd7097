"""When a meeting's invitations can no longer be added, removed or answered, and why, in the
words the pages show."""

from __future__ import annotations

from datetime import datetime

from tas.meetings.models import Meeting

ANSWER_STARTED = (
    "The meeting has started, so answers can no longer be changed. If something has changed, "
    "tell the chair"
)


def changes_closed(meeting: Meeting, now: datetime) -> str | None:
    """Why invitations of this meeting can no longer be added or removed, if they cannot."""
    if meeting.status == "cancelled":
        return "This meeting was cancelled, so its invitations can no longer be changed"
    if meeting.status != "scheduled" or meeting.ends_at <= now:
        return "This meeting has taken place, so its invitations can no longer be changed"
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
