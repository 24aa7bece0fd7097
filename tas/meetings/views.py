"""The meetings blueprint: the meeting page here; booking, invitations, the day itself and the
lists register their pages from their own modules."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from tas.audit.services import audit_view
from tas.core.choices import Choice
from tas.core.clock import utcnow
from tas.meetings import bp, handover, rules
from tas.meetings.access import MeetingAccess, require
from tas.meetings.agenda import services as agenda
from tas.meetings.booking.history import history
from tas.meetings.day import summary as day_summary
from tas.meetings.invitations import services as invitations


@bp.app_template_global("meeting_status")
def meeting_status(meeting) -> Choice:
    """The meeting's status as people read it now (`rules.shown_status`)."""
    return rules.shown_status(meeting.status, meeting.ends_at, utcnow())


@bp.route("/<int:meeting_id>")
def meeting(meeting_id: int):
    """One meeting: its arrangements, invitations and answers, agenda and what happened. The
    read is audited with the children the page showed (committed after rendering, so the rows
    the page uses are not expired and reloaded one by one)."""
    row, level = require(current_user, meeting_id, MeetingAccess.ARRANGEMENTS)
    organiser = level >= MeetingAccess.ORGANISE
    items = agenda.items_for(row, current_user, level)
    invited = invitations.for_meeting(row, current_user, level)
    page = render_template(
        "meetings/meeting.html",
        meeting=row,
        level=level,
        organiser=organiser,
        rules=rules,
        history=history(row),
        invitations=invited,
        agenda=items,
        not_shared_with=agenda.not_shared_with(items, invited) if organiser else {},
        agenda_count=agenda.count_for(row, items if organiser else None),
        day=day_summary.of_meeting(row, current_user, level, invited, items),
        sees_address=handover.sees_family_address(row, current_user, level),
        took_place=rules.took_place(row, invited, items),
    )
    shown = [item.child_id for item in items if item.child_id is not None]
    audit_view(
        "meeting_viewed", target=row, detail={"level": level.name.lower(), "child_ids": shown}
    )
    return page
