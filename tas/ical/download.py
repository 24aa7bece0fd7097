"""'Add to calendar': one meeting as an .ics file (METHOD:PUBLISH) for anyone who may see the
meeting. Built from the meeting only (tas.ical.facts), never the agenda; the file is named by the
meeting reference, never by anyone's name. A published calendar lists no ATTENDEE (RFC 5546
3.2.1), so nobody's answer is in it: answers are given and shown in the app."""

from __future__ import annotations

from flask import Response
from flask_login import current_user

from tas.audit.services import audit_view
from tas.ical import bp
from tas.ical import facts as calendar_facts
from tas.ical.build import calendar, meeting_event, published, to_bytes
from tas.meetings.access import MeetingAccess, require


@bp.route("/meetings/<int:meeting_id>/calendar.ics")
def meeting_ics(meeting_id: int):
    """The meeting as a calendar file; 404 for someone who may not know it exists."""
    meeting, level = require(current_user, meeting_id, MeetingAccess.ARRANGEMENTS)
    facts = published(calendar_facts.facts(meeting, []))
    body = to_bytes(calendar([meeting_event(facts)], method="PUBLISH"))
    filename = f"{meeting.reference}.ics"
    audit_view("meeting_calendar_downloaded", target=meeting, detail={"level": level.name.lower()})
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
