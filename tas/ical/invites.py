"""Invitations by email (iMIP, RFC 6047): each invited representative (or the agency's contact
address) gets one email per change, with a plain-text part and a text/calendar part (sent
base64, the plain text quoted-printable when it is not plain ASCII: tas.outbox.rules).

Called by the meeting use cases inside their transaction, before the commit: the emails are
queued in the outbox with the change (tas.outbox.services.queue) and go out after the commit,
so a refused or failed change sends nothing, and each change sends once.

The SEQUENCE rises with every change that sends an update, so calendar programs that apply
only a higher SEQUENCE (RFC 5546 2.1.4) take every one:
- booked: METHOD:REQUEST to everyone invited, SEQUENCE 0.
- changed: an updated METHOD:REQUEST to everyone invited, SEQUENCE raised by
  tas.meetings.booking.moving.move, whether the date, time or place moved or the chair or the
  notes for attendees changed.
- cancelled: METHOD:CANCEL, same UID, raised SEQUENCE (moving.cancel), STATUS:CANCELLED.
- invited: the current METHOD:REQUEST to the newly invited recipient only, SEQUENCE raised here.
- uninvited: METHOD:CANCEL to the removed recipient only, listing only them as ATTENDEE, SEQUENCE
  raised here, and no STATUS: RFC 5546 (3.2.5) keeps STATUS:CANCELLED for cancelling the whole
  meeting, which goes ahead. The subject says they are no longer invited. Neither the email
  nor the entry carries the online link or a link to the meeting's page: they can no longer
  open it, so the email says who to ask instead.
Raising it for an invitation added or removed changes no arrangement, so it leaves the meeting's
version (what an open "move" form was made from) as it is.

Each recipient's calendar part shows only their own answer (tas.ical.facts.attendees). A meeting
booked as one of a series says so and links to the series page, where all its dates are answered
together; each date keeps its own invitation and UID.

Nothing is sent for a meeting that has already ended. Subjects and bodies carry the meeting
type, school, time, place, online link and link to the app only: facts come from tas.ical.facts,
which never reads the agenda. Notes for attendees and reasons for a change are never sent: the
email says there are notes, and the meeting's page (signed in) shows them.
A TAF / handover meeting's emails list only their own recipient as ATTENDEE.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, update
from sqlalchemy.orm.attributes import set_committed_value

from tas.core.clock import utcnow
from tas.core.words import meeting_day_and_times
from tas.extensions import db
from tas.ical.build import calendar, meeting_event, to_bytes
from tas.ical.facts import (
    NOTES_IN_APP,
    Recipient,
    facts,
    location,
    meeting_url,
    recipient_of,
    series_lines,
    standing_invitations,
    summary,
)
from tas.meetings.models import Invitation, Meeting
from tas.outbox.services import queue

REQUEST, CANCEL = "REQUEST", "CANCEL"
NOT_READ = (
    "Say whether you can come, and see the agenda if you are invited to it, in TAS Coordinator. "
    "Replies to this email are not read."
)
# A cancellation has nothing to answer.
NOTHING_TO_ANSWER = "The meeting's page in TAS Coordinator. Replies to this email are not read."
# Someone no longer invited can no longer open the meeting's page: who to ask instead.
REMOVED = "If you need to know why, ask {school}. Replies to this email are not read."
LEADS = {
    "booked": "You are invited to this meeting. The calendar entry attached adds it to your "
    "calendar.",
    "moved": "This meeting has been moved. The calendar entry attached updates your calendar. "
    "Why it was moved is on the meeting's page.",
    "retimed": "This meeting has been moved to another day or time. The calendar entry attached "
    "updates your calendar. If you have already said whether you can come, check that your "
    "answer still stands. Why it was moved is on the meeting's page.",
    "changed": "The arrangements for this meeting have changed (the chair or the notes for "
    "attendees). The calendar entry attached updates your calendar. Why they changed is on the "
    "meeting's page.",
    "cancelled": "This meeting has been cancelled. The calendar entry attached removes it from "
    "your calendar. Why it was cancelled is on the meeting's page.",
    "invited": "You are invited to this meeting. The calendar entry attached adds it to your "
    "calendar.",
    "uninvited": "You are no longer invited to this meeting. The calendar entry attached removes "
    "it from your calendar.",
}
# A move cleared agenda time slots outside the new times (tas.meetings.booking.moving.move).
SLOTS_CLEARED = (
    "Time slots on the agenda that fell outside the new time have been cleared: the meeting's "
    "page shows any new ones."
)
SUBJECT_PREFIX = {
    "booked": "Invitation",
    "invited": "Invitation",
    "moved": "Updated",
    "retimed": "Updated",
    "changed": "Updated",
    "cancelled": "Cancelled",
    "uninvited": "No longer invited",
}


# ---------------------------------------------------------------- the use cases' hooks


def booked(meeting: Meeting) -> int:
    """A REQUEST to everyone invited to the newly booked meeting. Returns how many were queued."""
    return _to_everyone(meeting, "booked", REQUEST)


def changed(
    meeting: Meeting,
    moved: bool,
    held_until: datetime | None = None,
    retimed: bool = False,
    slots_cleared: bool = False,
) -> int:
    """An updated REQUEST to everyone invited (the SEQUENCE is already raised for a move).
    `held_until`: when the entry people hold ended before the change; moved from a time still
    to come to one already past, their calendars are still updated to the real time.
    `retimed`: it starts at another day or time, so answers given may no longer stand.
    `slots_cleared`: agenda time slots outside the new times were cleared (said without the
    times or the items: the agenda stays in the app)."""
    change = "retimed" if retimed else "moved" if moved else "changed"
    return _to_everyone(meeting, change, REQUEST, held_until, slots_cleared)


def cancelled(meeting: Meeting) -> int:
    """A CANCEL (same UID, raised SEQUENCE, STATUS:CANCELLED) to everyone invited."""
    return _to_everyone(meeting, "cancelled", CANCEL)


def invited(meeting: Meeting, invitation: Invitation) -> int:
    """The current REQUEST to the one newly invited."""
    if _over(meeting):
        return 0
    _raise_sequence(meeting)
    invitations = standing_invitations(meeting.id)
    return _send(meeting, "invited", REQUEST, invitations, [invitation])


def uninvited(meeting: Meeting, invitation: Invitation) -> int:
    """A CANCEL to the one whose invitation was removed, naming only them as ATTENDEE."""
    if _over(meeting):
        return 0
    _raise_sequence(meeting)
    return _send(meeting, "uninvited", CANCEL, [invitation], [invitation])


# ---------------------------------------------------------------- building and queueing


def _over(meeting: Meeting, held_until: datetime | None = None) -> bool:
    """A meeting that has already ended needs no calendar entry, unless the entry people hold
    (until `held_until`) has not ended yet."""
    return max(meeting.ends_at, held_until or meeting.ends_at) <= utcnow()


def _raise_sequence(meeting: Meeting) -> None:
    """One more revision of the meeting's calendar entry, written in place (sequence + 1, in
    the database, so two invitations added at once count twice) without raising the meeting's
    version: its arrangements did not change. The email carries the SEQUENCE the database now
    holds (RETURNING), never the one loaded before another invitation raised it meanwhile."""
    raised = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(sequence=Meeting.sequence + 1)
        .returning(Meeting.sequence)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(meeting, "sequence", raised)


def _to_everyone(
    meeting: Meeting,
    change: str,
    method: str,
    held_until: datetime | None = None,
    slots_cleared: bool = False,
) -> int:
    if _over(meeting, held_until):
        return 0
    invitations = standing_invitations(meeting.id)
    return _send(meeting, change, method, invitations, invitations, slots_cleared)


def _send(
    meeting: Meeting,
    change: str,
    method: str,
    listed: list[Invitation],
    recipients: list[Invitation],
    slots_cleared: bool = False,
) -> int:
    """One email per recipient address (an address invited twice gets one email)."""
    _fresh_chair(meeting)
    sent: set[str] = set()
    stamp = utcnow()
    for invitation in recipients:
        recipient = recipient_of(invitation)
        if recipient is None or recipient.email.lower() in sent:
            continue
        sent.add(recipient.email.lower())
        about = facts(
            meeting,
            listed,
            for_invitation=invitation.id,
            stamp=stamp,
            uninviting=change == "uninvited",
        )
        ics = to_bytes(calendar([meeting_event(about)], method=method)).decode("utf-8")
        queue(
            [(recipient.email, recipient.name)],
            subject(meeting, change),
            body(meeting, change, recipient, slots_cleared=slots_cleared),
            calendar=(method, ics),
        )
    return len(sent)


def _fresh_chair(meeting: Meeting) -> None:
    """A move that changed the chair changed chair_id only: load the new chair's name."""
    loaded = meeting.chair
    if inspect(meeting).persistent and (loaded.id if loaded else None) != meeting.chair_id:
        db.session.expire(meeting, ["chair"])


def subject(meeting: Meeting, change: str) -> str:
    """ "Invitation: TAS meeting – Oakfield Primary, Wednesday 2 December 2026, 9:00am"."""
    day_text, times = meeting_day_and_times(meeting.starts_at, meeting.ends_at)
    starts = times.split(" to ")[0]
    return f"{SUBJECT_PREFIX[change]}: {summary(meeting)}, {day_text}, {starts}"


def body(
    meeting: Meeting, change: str, recipient: Recipient, *, slots_cleared: bool = False
) -> str:
    """The practical details and where to answer: never the agenda, never a reason typed in
    (it is shown in the app, where access is checked)."""
    day_text, times = meeting_day_and_times(meeting.starts_at, meeting.ends_at)
    place = location(meeting)
    lines = [
        f"Dear {recipient.name}," if recipient.person else f"Dear {recipient.name} team,",
        "",
        LEADS[change],
        *(["", SLOTS_CLEARED] if slots_cleared else []),
        "",
        f"{summary(meeting)} ({meeting.reference})",
        f"{day_text}, {times} (UK time)",
        f"Where: {place}" if place else None,
        f"Join online: {meeting.online_link}"
        if meeting.online_link and change != "uninvited"
        else None,
        f"Chair: {meeting.chair.name}" if meeting.chair else None,
    ]
    if meeting.notes_for_attendees and change not in ("cancelled", "uninvited"):
        lines += ["", NOTES_IN_APP]
    if change not in ("cancelled", "uninvited"):
        lines += ["", *series_lines(meeting)]
    if change == "uninvited":
        # They can no longer open the meeting's page, nor join it online.
        lines += ["", REMOVED.format(school=meeting.school.name)]
    else:
        answer = NOTHING_TO_ANSWER if change == "cancelled" else NOT_READ
        lines += ["", answer, meeting_url(meeting.id)]
    lines += ["", "This email was sent by TAS Coordinator."]
    return "\n".join(line for line in lines if line is not None)
