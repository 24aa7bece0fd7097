"""Moving, changing and cancelling a booked meeting, with the reason, kept in its history.

A meeting that took place (who was present, attendance or minutes recorded: rules.took_place)
is never cancelled and keeps its date and times; its place, chair and notes can still be
corrected. A move warns before it saves, like a booking: a clash, a day the school is closed,
a new start already past (how a meeting held earlier than booked is corrected), and agenda
time slots outside the new times, which it then clears and says so. Each change keeps a
MeetingChange (before and after, never a child's details), is audited, raises the calendar
SEQUENCE and sends its update once, after the commit (docs/design.md section 5).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tas.audit.services import record
from tas.core import words
from tas.core.choices import label
from tas.core.clock import local, utcnow
from tas.core.use_cases import Refused, check_version, commit, refuse_if
from tas.extensions import db
from tas.ical import invites
from tas.meetings import rules
from tas.meetings.agenda.changes import slot_problem
from tas.meetings.booking import closed_days
from tas.meetings.booking.checks import (
    REASON_NAMES_A_CHILD,
    arrangement_problems,
    clashes,
    names_a_child,
)
from tas.meetings.booking.services import ARRANGEMENTS, PLACE_AND_TIME, snapshot, warn
from tas.meetings.models import AgendaItem, Invitation, Meeting, MeetingChange, TasRequest
from tas.meetings.rules import ACCEPTED, AWAITING_TRIAGE, CANCELLED, SCHEDULED
from tas.organisations.models import User

PASSED = (
    "The new start time has already passed, so the meeting would be waiting for its minutes at "
    "once. Check the date and start time; if the meeting happened then, confirm to go ahead "
    "anyway"
)
NOTHING_CHANGED = "Nothing has changed: change the {what}, or go back to the meeting"
SLOTS_OUTSIDE = (
    "{what} on the agenda {are} outside the new times ({times}). Moving the meeting clears "
    "{them}: set new ones on the agenda afterwards. Check the times, or confirm to go ahead"
)


def _not_scheduled(meeting: Meeting, doing: str) -> None:
    if meeting.status != SCHEDULED:
        status = label(rules.MEETING_STATUSES, meeting.status).lower()
        raise Refused({"reason": f"This meeting has been {status}, so it cannot be {doing}"})


def took_place(meeting: Meeting) -> bool:
    """Whether who was present, attendance or minutes are recorded (rules.took_place)."""
    invitations = db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id))
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
    return rules.took_place(meeting, list(invitations), list(items))


def _retimed(meeting: Meeting, arrangements: dict) -> bool:
    """The new date and times are known (the form read them) and differ from the meeting's."""
    starts_at, ends_at = arrangements["starts_at"], arrangements["ends_at"]
    if starts_at is None or ends_at is None:
        return False
    return (starts_at, ends_at) != (meeting.starts_at, meeting.ends_at)


def slots_outside(meeting: Meeting, starts_at: datetime, ends_at: datetime) -> list[AgendaItem]:
    """The meeting's agenda items whose time slot would fall outside these times (one query):
    the slot form refuses such a slot (tas.meetings.agenda.changes.slot_problem)."""
    hours = local(starts_at).time(), local(ends_at).time()
    items = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.slot_starts.is_not(None))
        .order_by(AgendaItem.slot_starts, AgendaItem.id)
    )
    return [item for item in items if slot_problem(item.slot_starts, *hours)]


def _slots_warning(outside: list[AgendaItem]) -> str:
    one = len(outside) == 1
    return SLOTS_OUTSIDE.format(
        what="1 time slot" if one else f"{len(outside)} time slots",
        are="is" if one else "are",
        times=words.spoken_clocks([item.slot_starts for item in outside]),
        them="it" if one else "them",
    )


def _arrangements(values: dict) -> dict:
    arrangements = {name: values.get(name) for name in ARRANGEMENTS}
    arrangements["venue_private"] = bool(arrangements["venue_private"])
    return arrangements


def move_problems(meeting: Meeting, values: dict) -> dict[str, str]:
    """Field -> what to put right, for moving or changing this meeting."""
    reason = values.get("reason")
    arrangements = _arrangements(values)
    problems = arrangement_problems(arrangements, meeting)
    if not reason:
        problems["reason"] = "Enter why the meeting is being moved or changed"
    elif names_a_child(reason, meeting.school_id, meeting.id):
        problems["reason"] = REASON_NAMES_A_CHILD
    if _retimed(meeting, arrangements) and took_place(meeting):
        # It happened then: a new date would say it is still to come, with its attendance
        # and minutes, and could not be undone (a past date is refused). Its place, chair and
        # notes may still be corrected.
        problems["meeting_date"] = rules.TOOK_PLACE.format(doing=rules.NOT_MOVED)
    changed = [name for name in ARRANGEMENTS if getattr(meeting, name) != arrangements[name]]
    if not changed and set(problems) <= {"reason"}:  # said with the reason, not after it
        if took_place(meeting):  # its page asks the place first: the date is not asked
            problems["location"] = NOTHING_CHANGED.format(what="place, chair or notes")
        else:
            problems["meeting_date"] = NOTHING_CHANGED.format(
                what="date, time, place, chair or notes"
            )
    return problems


def move(
    meeting: Meeting,
    user: User,
    version: int | None,
    values: dict,
    *,
    anyway: bool = False,
    on_closed_day: bool = False,
    to_past: bool = False,
    clear_slots: bool = False,
) -> MeetingChange:
    """Change a scheduled meeting's date, time, place, chair or notes, with the reason. The
    calendar SEQUENCE goes up with every change (each sends an update). A meeting that took
    place keeps its date and times. Warnings to confirm: a new time that overlaps another
    meeting (`anyway`), a new day the school is closed (`on_closed_day`), a new start already
    past (`to_past`: the meeting happened then, as a correction), and agenda time slots outside
    the new times, which the move clears (`clear_slots`), saying so in the history, the
    banner and the update."""
    _not_scheduled(meeting, "moved")
    check_version(meeting, version)
    reason = values.get("reason")
    arrangements = _arrangements(values)
    refuse_if(move_problems(meeting, values))
    changed = [name for name in ARRANGEMENTS if getattr(meeting, name) != arrangements[name]]
    timing = {"starts_at", "ends_at", "chair_id"} & set(changed)
    found = []
    if timing and not anyway:
        found = clashes(
            meeting.school_id,
            arrangements["chair_id"],
            arrangements["starts_at"],
            arrangements["ends_at"],
            exclude_id=meeting.id,
        )
    closed = None
    if (
        not on_closed_day
        and local(arrangements["starts_at"]).date() != local(meeting.starts_at).date()
    ):
        closed = closed_days.closed_on(arrangements["starts_at"])
    more = {}
    if (
        "starts_at" in changed
        and not to_past
        and rules.started_by(arrangements["starts_at"], utcnow())
    ):
        more["move_to_past"] = PASSED
    outside = []
    if timing & {"starts_at", "ends_at"}:
        outside = slots_outside(meeting, arrangements["starts_at"], arrangements["ends_at"])
    if outside and not clear_slots:
        more["clear_slots"] = _slots_warning(outside)
    warn(found, closed, ("move_anyway", "move_on_closed_day"), more)
    before = snapshot(meeting)
    held_until = meeting.ends_at  # when the calendar entries people hold end
    for name in changed:
        setattr(meeting, name, arrangements[name])
    cleared = [words.clock(item.slot_starts) for item in outside]
    for item in outside:
        item.slot_starts = None  # its version rises: an open slot form is refused as stale
    moved = bool(set(PLACE_AND_TIME) & set(changed))
    meeting.sequence += 1  # every change sends an update: calendars take a higher SEQUENCE
    after = snapshot(meeting)
    keep = [name for name in after if before[name] != after[name]]
    change = MeetingChange(
        meeting_id=meeting.id,
        kind="moved" if moved else "changed",
        by_id=user.id,
        reason=reason,
        before={name: before[name] for name in keep},
        after={
            **{name: after[name] for name in keep},
            **({"notes_changed": True} if "notes_for_attendees" in changed else {}),
            **({"slots_cleared": cleared} if cleared else {}),
        },
    )

    def write() -> MeetingChange:
        db.session.add(change)
        detail = {"fields": sorted(changed), "sequence": meeting.sequence}
        if outside:
            detail["agenda_slots_cleared"] = [item.id for item in outside]
        record("meeting_moved" if moved else "meeting_changed", target=meeting, detail=detail)
        invites.changed(
            meeting,
            moved=moved,
            held_until=held_until,
            retimed="starts_at" in changed,
            slots_cleared=bool(outside),
        )
        db.session.flush()
        return change

    return commit(write)


def accepted_requests(meeting: Meeting) -> list[TasRequest]:
    """The requests to discuss a child that were accepted onto this meeting's agenda."""
    return list(
        db.session.scalars(
            select(TasRequest)
            .join(AgendaItem, AgendaItem.request_id == TasRequest.id)
            .where(AgendaItem.meeting_id == meeting.id, TasRequest.status == ACCEPTED)
            .order_by(TasRequest.id)
        )
    )


def cancel(meeting: Meeting, user: User, version: int | None, reason: str | None) -> MeetingChange:
    """Cancel a scheduled meeting, with the reason. It stays visible, as cancelled. Requests
    accepted onto its agenda go back to the link worker's triage list, as when one child is
    taken off the agenda, so no request waits on a meeting that will not happen."""
    _not_scheduled(meeting, "cancelled")
    check_version(meeting, version)
    if took_place(meeting):
        refuse_if({"reason": rules.TOOK_PLACE.format(doing="cancelled")})
    if not reason:
        refuse_if({"reason": "Enter why the meeting is cancelled"})
    if names_a_child(reason, meeting.school_id, meeting.id):
        refuse_if({"reason": REASON_NAMES_A_CHILD})
    meeting.status = CANCELLED
    meeting.cancelled_at = utcnow()
    meeting.cancelled_by_id = user.id
    meeting.cancel_reason = reason
    meeting.sequence += 1
    change = MeetingChange(
        meeting_id=meeting.id,
        kind="cancelled",
        by_id=user.id,
        reason=reason,
        before={"status": SCHEDULED},
        after={"status": CANCELLED},
    )

    returned = accepted_requests(meeting)

    def write() -> MeetingChange:
        db.session.add(change)
        for waiting in returned:
            waiting.status = AWAITING_TRIAGE
        record(
            "meeting_cancelled",
            target=meeting,
            detail={
                "sequence": meeting.sequence,
                **({"requests_returned_to_triage": [r.id for r in returned]} if returned else {}),
            },
        )
        invites.cancelled(meeting)
        db.session.flush()
        return change

    return commit(write)
