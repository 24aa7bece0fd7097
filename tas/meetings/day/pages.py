"""What the day's pages share: the meeting an organiser may change, where each page goes next,
and the page saying something cannot be done to the meeting now."""

from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user

from tas.meetings.access import MeetingAccess, require
from tas.meetings.models import AgendaItem, Meeting


def organised(meeting_id: int) -> Meeting:
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    return meeting


def meeting_page(meeting: Meeting, anchor: str = "on-the-day") -> str:
    return url_for("meetings.meeting", meeting_id=meeting.id) + f"#{anchor}"


def minutes_page(meeting: Meeting, item: AgendaItem, anchor: str = "") -> str:
    url = url_for("meetings.minutes", meeting_id=meeting.id, item_id=item.id)
    return url + (f"#{anchor}" if anchor else "")


def not_now(meeting: Meeting, why: str, *, status: int = 403):
    """This cannot be done to this meeting now: a page saying why, with the way back."""
    page = render_template(
        "meetings/day/not_now.html", title="You cannot do this now", meeting=meeting, why=why
    )
    return page, status


def ids(item: AgendaItem) -> dict:
    ids = {"meeting_id": item.meeting_id}
    if item.child_id is not None:
        ids["child_id"] = item.child_id
    return ids
