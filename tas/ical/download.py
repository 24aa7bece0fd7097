"""'Add to calendar': one meeting as an .ics file (METHOD:PUBLISH) for anyone who may see the
meeting. Built from the meeting and its invitations only (tas.ical.facts), never the agenda; the
file is named by the meeting reference, never by anyone's name."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, Response
from flask_login import current_user

from tas.audit.services import record
from tas.extensions import db
from tas.meetings.access import MeetingAccess, require
from tas.meetings.invitations import is_mine
from tas.meetings.models import Invitation
from tas.organisations.models import User

from . import facts as calendar_facts
from .build import MeetingFacts, calendar, meeting_event, to_bytes


def register(bp: Blueprint) -> None:
    bp.add_url_rule(
        "/meetings/<int:meeting_id>/calendar.ics", view_func=meeting_ics, endpoint="meeting_ics"
    )


def answers_for(
    facts: MeetingFacts, invitations: list[Invitation], user: User, level: MeetingAccess
) -> MeetingFacts:
    """The meeting page shows everyone's answers to organisers and coordinators only: anyone
    else's file keeps the answers of their own invitations (by name, or their agency's) and
    shows the others' as not given (NEEDS-ACTION, PARTSTAT's default)."""
    if level >= MeetingAccess.ORGANISE or user.role == "coordinator":
        return facts
    own = set()
    for invitation in invitations:
        recipient = calendar_facts.recipient_of(invitation)
        if recipient is not None and is_mine(invitation, user):
            own.add(recipient.email)
    attendees = tuple(
        person if person.email in own else dataclasses.replace(person, partstat="NEEDS-ACTION")
        for person in facts.attendees
    )
    return dataclasses.replace(facts, attendees=attendees)


def meeting_ics(meeting_id: int):
    """The meeting as a calendar file; 404 for someone who may not know it exists."""
    meeting, level = require(current_user, meeting_id, MeetingAccess.ARRANGEMENTS)
    invitations = calendar_facts.standing_invitations(meeting.id)
    facts = answers_for(
        calendar_facts.facts(meeting, invitations), invitations, current_user, level
    )
    body = to_bytes(calendar([meeting_event(facts)], method="PUBLISH"))
    filename = f"{meeting.reference}.ics"
    record("meeting_calendar_downloaded", target=meeting, detail={"level": level.name.lower()})
    db.session.commit()
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
