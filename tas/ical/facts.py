"""What a calendar may say about a meeting, read from the meeting and its invitations only:
never from its agenda, so no child's name, initials or details can reach calendar data, and a
family's home address is "given in the app". The only typed text it carries is the place and the
online link (checked before saving: tas.meetings.booking.checks.place_problems); notes for
attendees and reasons for a change stay in the app.

One call reads the meeting's invitations (with their people and agencies) in one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.core.choices import label
from tas.core.clock import LONDON, utcnow
from tas.core.words import meeting_day_and_times
from tas.extensions import db
from tas.ical.build import Attendee, MeetingFacts, published
from tas.meetings import rules
from tas.meetings.models import Invitation, Meeting
from tas.organisations.models import User

PRIVATE_VENUE = "Venue given in the app"
# Notes for attendees stay in the app, where access is checked: typed text about a meeting can
# name a child however carefully it is checked, so calendars and emails only say they exist.
NOTES_IN_APP = (
    "There are notes for attendees: sign in to TAS Coordinator to read them on the meeting's page."
)
SERIES_LINE = (
    "This meeting is one of a series booked together. Answer for all its dates at once, then "
    "change single dates, on the series page:"
)
PARTSTAT = {
    "attending": "ACCEPTED",
    "apologies": "DECLINED",
    "apologies_with_update": "DECLINED",
    "awaiting": "NEEDS-ACTION",
}


def uid_domain() -> str:
    """The domain every UID ends in: a setting fixed once (CALENDAR_UID_DOMAIN), never the
    host of BASE_URL, so moving the service to a new address does not make every meeting new
    (and doubled) in people's calendars."""
    return current_app.config["CALENDAR_UID_DOMAIN"]


def meeting_uid(meeting_id: int) -> str:
    """One stable UID for the meeting's whole life."""
    return f"tas-meeting-{meeting_id}@{uid_domain()}"


def app_url(endpoint: str, **values) -> str:
    """A page's full address under BASE_URL, built from its route (no request needed: emails
    are also made by the scheduler and the demo data)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc or "localhost", script_name=base.path or "/")
    return f"{base.scheme}://{base.netloc}{adapter.build(endpoint, values)}"


def meeting_url(meeting_id: int) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/meetings/{meeting_id}"


def series_url(series_id: int) -> str:
    return app_url("meetings.series", series_id=series_id)


@dataclass(frozen=True)
class Recipient:
    """Who an invitation goes to: the named representative, or the agency's contact address."""

    invitation_id: int
    email: str
    name: str
    person: User | None


def standing_invitations(meeting_id: int) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .options(joinedload(Invitation.agency), joinedload(Invitation.representative))
            .where(Invitation.meeting_id == meeting_id, Invitation.removed_at.is_(None))
            .order_by(Invitation.id)
        )
    )


def recipient_of(invitation: Invitation) -> Recipient | None:
    person = invitation.representative
    if person is not None and person.active:
        return Recipient(invitation.id, person.email, person.name, person)
    if invitation.agency is not None and invitation.agency.contact_email:
        return Recipient(
            invitation.id, invitation.agency.contact_email, invitation.agency.name, None
        )
    return None


def summary(meeting: Meeting) -> str:
    """ "TAS meeting – Oakfield Primary"."""
    return f"{label(rules.MEETING_KINDS, meeting.kind)} – {meeting.school.name}"


def location(meeting: Meeting) -> str:
    if meeting.venue_private:
        return PRIVATE_VENUE
    return meeting.location or ("Online" if meeting.online_link else "")


def description(meeting: Meeting) -> str:
    """The practical details, and where to answer: never the agenda."""
    lines = [
        *_arrangements(meeting),
        "",
        NOTES_IN_APP if meeting.notes_for_attendees and meeting.status != "cancelled" else "",
        "",
        *series_lines(meeting),
        "Say whether you can come, and see the agenda if you are invited, in TAS Coordinator "
        "(replies to this invitation are not read):",
        meeting_url(meeting.id),
    ]
    if meeting.status == "cancelled":
        lines.insert(0, "This meeting has been cancelled.")
        lines[-2] = "The meeting's page in TAS Coordinator (replies to this are not read):"
    return "\n".join(line for line in _squeeze(lines))


UNINVITED_LINE = "You are no longer invited to this meeting."


def uninvited_description(meeting: Meeting) -> str:
    """For the one removed: which meeting, and no way in. No online link to join and no link
    to the meeting's page or its series: they can no longer open them."""
    return "\n".join([UNINVITED_LINE, *_arrangements(meeting, joining=False)])


def _arrangements(meeting: Meeting, joining: bool = True) -> list[str]:
    day_text, times = meeting_day_and_times(meeting.starts_at, meeting.ends_at)
    lines = [
        f"{summary(meeting)} ({meeting.reference})",
        f"{day_text}, {times} (UK time)",
        f"Where: {location(meeting)}" if location(meeting) else "",
        f"Join online: {meeting.online_link}" if meeting.online_link and joining else "",
        f"Chair: {meeting.chair.name}" if meeting.chair else "",
    ]
    return [line for line in lines if line]


def series_lines(meeting: Meeting) -> list[str]:
    """A meeting booked as one of a series says so, and where all its dates are answered
    together. Each date keeps its own invitation and UID (one UID per iTIP object, and Outlook
    does not apply RDATE-based series)."""
    if meeting.series_id is None:
        return []
    return [SERIES_LINE, series_url(meeting.series_id), ""]


def _squeeze(lines: list[str]) -> list[str]:
    """Drop empty lines that repeat or start the text."""
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return kept


def attendees(meeting: Meeting, invitations: list[Invitation], only: int | None = None):
    """One ATTENDEE per invited representative (or agency address). A TAF / handover meeting is
    about one family: nobody's invitation lists the other agencies invited (`only` keeps the
    recipient's own entry; with no recipient, none are listed).

    With a recipient (`only`), only their own answer is given: everyone else is NEEDS-ACTION.
    Others' answers are not theirs to know (the meeting page shows them to organisers only),
    and RFC 5546 (2.1.5, 3.2.2) has the organiser's REQUEST carry the attendees' PARTSTAT as the
    recipient's calendar will show it; NEEDS-ACTION is the RFC 5545 (3.2.12) default, written
    out rather than left off so that a calendar holding an answer from an earlier invitation
    replaces it rather than keeping it."""
    found = []
    own = _own_addresses(invitations, only)
    for invitation in invitations:
        if meeting.kind == "taf" and invitation.id != only:
            continue
        recipient = recipient_of(invitation)
        if recipient is None:
            continue
        chair = recipient.person is not None and recipient.person.id == meeting.chair_id
        answer = PARTSTAT.get(invitation.answer, "NEEDS-ACTION")
        if only is not None and recipient.email.lower() not in own:
            answer = "NEEDS-ACTION"
        found.append(
            Attendee(
                email=recipient.email,
                name=recipient.name,
                role="CHAIR" if chair else "REQ-PARTICIPANT",
                partstat=answer,
            )
        )
    return tuple(found)


def _own_addresses(invitations: list[Invitation], only: int | None) -> set[str]:
    """The recipient's own address (the email of invitation `only`)."""
    for invitation in invitations:
        recipient = recipient_of(invitation) if invitation.id == only else None
        if recipient is not None:
            return {recipient.email.lower()}
    return set()


def facts(
    meeting: Meeting,
    invitations: list[Invitation] | None = None,
    *,
    for_invitation: int | None = None,
    stamp: datetime | None = None,
    uninviting: bool = False,
) -> MeetingFacts:
    """The meeting as a calendar may carry it (for one invitation's email, or for everyone).
    `uninviting`: the CANCEL to the one removed, which carries no link they can no longer
    follow."""
    invitations = standing_invitations(meeting.id) if invitations is None else invitations
    config = current_app.config
    return MeetingFacts(
        uid=meeting_uid(meeting.id),
        sequence=meeting.sequence,
        stamp=stamp or utcnow(),
        starts_at=meeting.starts_at.astimezone(LONDON),
        ends_at=meeting.ends_at.astimezone(LONDON),
        summary=summary(meeting),
        location=location(meeting),
        url="" if uninviting else meeting_url(meeting.id),
        description=uninvited_description(meeting) if uninviting else description(meeting),
        organiser_name=meeting.organiser.name if meeting.organiser else "TAS Coordinator",
        organiser_email=config["CALENDAR_ORGANISER_EMAIL"],
        cancelled=meeting.status == "cancelled",
        attendees=attendees(meeting, invitations, for_invitation),
        uninviting=uninviting,
    )


def published_facts(meeting: Meeting) -> MeetingFacts:
    """The meeting as a published calendar (the feed, an export) carries it: no attendees, and
    a stored DTSTAMP (when it was booked, or cancelled), so the same meeting gives the same
    text wherever and whenever it is published."""
    return published(facts(meeting, [], stamp=meeting.cancelled_at or meeting.created_at))
