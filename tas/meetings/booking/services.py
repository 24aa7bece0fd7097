"""Booking, moving and cancelling meetings, with their history (who, when, why).

Each use case checks what it is given, changes the meeting, keeps a MeetingChange (what the
arrangements were before and after: never a child's details nor the family's address), writes
the audit entry (field names and ids only) and commits once. A change of date, time or place,
and a cancellation, raise the calendar SEQUENCE (docs/design.md section 5).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.children.models import Child
from tas.core import words
from tas.core.choices import Choice, label
from tas.core.clock import local, utcnow
from tas.core.use_cases import Refused, StaleEdit, check_version, commit, refuse_if
from tas.extensions import db
from tas.ical import invites
from tas.meetings import rules
from tas.meetings.access import may_organise_school, organising_schools
from tas.meetings.booking import closed_days
from tas.meetings.invitations.defaults import invite_defaults
from tas.meetings.models import AgendaItem, Meeting, MeetingChange
from tas.meetings.requests import identifiers
from tas.meetings.requests.identifiers import Known, identifies, what_identifies
from tas.organisations.models import School, User, link_worker_schools

__all__ = ["Clashes", "Refused", "StaleEdit"]

SCHEDULED, CANCELLED = "scheduled", "cancelled"
PLACE_AND_TIME = ("starts_at", "ends_at", "location", "online_link", "venue_private")
ARRANGEMENTS = (*PLACE_AND_TIME, "chair_id", "notes_for_attendees")
FAMILY_HOME = "The family's home"
CHANGE_KINDS = (
    Choice("booked", "Booked"),
    Choice("moved", "Moved"),
    Choice("changed", "Changed"),
    Choice("cancelled", "Cancelled"),
)
CLASH = (
    "The school or the chair already has a meeting at this time. Check the meetings listed, "
    "then confirm to go ahead anyway"
)
REASON_NAMES_A_CHILD = (
    "The reason is shown to everyone invited, coordinators and GP practices: remove the name or "
    "identifier of a child (it matches a child on the agenda, or a child of the school by full "
    "name)"
)
PLACE_WORDS = {"location": "The location", "online_link": "The online meeting link"}
PLACE_PROBLEMS = {
    identifiers.NAME: "{what} must not name a child: it matches the name of a child of the "
    "school or on the agenda, and invitations and calendars show it. Leave the name out",
    identifiers.DATE: "{what} must not contain a date: invitations and calendars show it, and a "
    "date could be a child's date of birth",
    identifiers.NHS_NUMBER: "{what} must not contain an NHS number: invitations and calendars "
    "show it",
    identifiers.UPN: "{what} must not contain a unique pupil number (UPN): invitations and "
    "calendars show it",
    identifiers.REFERENCE: "{what} must not contain a child's reference number: invitations and "
    "calendars show it",
}
NOTES_NAME_A_CHILD = (
    "Notes for attendees are shown to everyone who can see the meeting, coordinators and GP "
    "practices too: remove the name or identifier of a child (it matches a child on the agenda, "
    "or a child of the school by full name)"
)


CLOSED = "{day}: the school is closed. Check the date, then confirm to go ahead anyway"


class Clashes(Refused):
    """Other scheduled meetings of the school or the chair overlap, or the school is closed
    that day (`closed`, in words): go ahead only when the organiser confirms each, by its own
    field (`confirm_fields`: the clash's, the closed day's)."""

    def __init__(
        self, meetings: list[Meeting], confirm_fields: tuple[str, str], closed: str | None = None
    ):
        problems = {confirm_fields[0]: CLASH} if meetings else {}
        if closed:
            problems[confirm_fields[1]] = CLOSED.format(day=closed)
        super().__init__(problems)
        self.meetings = meetings
        self.closed = closed


def warn(found: list[Meeting], closed: str | None, confirm_fields: tuple[str, str]) -> None:
    """Raise Clashes when there is anything to confirm."""
    if found or closed:
        raise Clashes(found, confirm_fields, closed)


# ---------------------------------------------------------------- choices and checks


def schools_for(user: User) -> list[School]:
    """The schools this user books meetings for."""
    ids = organising_schools(user)
    if ids is None or not user.active:
        return []
    return list(db.session.scalars(select(School).where(School.id.in_(ids)).order_by(School.name)))


def chair_candidates(school_ids: Iterable[int]) -> list[User]:
    """Who may chair a meeting of these schools: the active DSLs of the schools and the active
    link workers linked to them (one query)."""
    ids = list(school_ids)
    linked = select(link_worker_schools.c.user_id).where(link_worker_schools.c.school_id.in_(ids))
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.school))
            .where(
                User.active.is_(True),
                or_(
                    and_(User.role == "dsl", User.school_id.in_(ids)),
                    and_(User.role == "link_worker", User.id.in_(linked)),
                ),
            )
            .order_by(User.name, User.id)
        )
    )


def may_chair(user_id: int | None, school_id: int) -> bool:
    return any(person.id == user_id for person in chair_candidates([school_id]))


def clashes(
    school_id: int,
    chair_id: int | None,
    starts_at: datetime,
    ends_at: datetime,
    exclude_id: int | None = None,
) -> list[Meeting]:
    """Scheduled meetings of the school, or chaired by the same person, that overlap the time."""
    whose = Meeting.school_id == school_id
    if chair_id is not None:
        whose = or_(whose, Meeting.chair_id == chair_id)
    query = (
        select(Meeting)
        .options(joinedload(Meeting.school))
        .where(
            Meeting.status == SCHEDULED,
            Meeting.starts_at < ends_at,
            Meeting.ends_at > starts_at,
            whose,
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if exclude_id is not None:
        query = query.where(Meeting.id != exclude_id)
    return list(db.session.scalars(query))


def is_online_link(text: str | None) -> bool:
    """An online meeting link the invitations can carry: a full https address."""
    if not text:
        return False
    parts = urlsplit(text)
    return parts.scheme == "https" and bool(parts.hostname) and not any(c.isspace() for c in text)


def _known(which) -> list[Known]:
    """The names and identifiers of the children `which` selects (one query)."""
    rows = db.session.execute(
        select(
            Child.first_name,
            Child.last_name,
            Child.upn,
            Child.nhs_number,
            Child.early_help_reference,
            Child.social_care_reference,
            Child.school_system_reference,
        ).where(which)
    )
    return [Known(first, last, tuple(i for i in rest if i)) for first, last, *rest in rows]


def _on_agenda(meeting_id: int):
    return Child.id.in_(select(AgendaItem.child_id).where(AgendaItem.meeting_id == meeting_id))


def names_a_child(text: str, school_id: int | None, meeting_id: int | None = None) -> bool:
    """Whether prose that everyone who sees the meeting reads (notes, reasons) names a child:
    a child on the agenda however written (a first name, a plural, spelt out), or any child of
    the school by full name; and their reference numbers."""
    on_agenda = _known(_on_agenda(meeting_id)) if meeting_id is not None else []
    if what_identifies(text, on_agenda, any_numbers=False):
        return True
    return identifies(text, _known(Child.school_id == school_id))


def children_of(school_id: int | None, meeting_id: int | None = None) -> list[Known]:
    """Every child of the school and every child on the meeting's agenda (of any school): whose
    names a place or an online link must not hold."""
    which = Child.school_id == school_id
    if meeting_id is not None:
        which = or_(which, _on_agenda(meeting_id))
    return _known(which)


def place_problems(
    values: dict, school_id: int | None, meeting_id: int | None = None
) -> dict[str, str]:
    """The location and online link go into invitations and calendars: refuse any that could
    identify a child (a family's home address never leaves the app, so it is not checked)."""
    typed = {
        name: values.get(name)
        for name in ("location", "online_link")
        if values.get(name) and not (name == "location" and values.get("venue_private"))
    }
    if not typed:
        return {}
    known = children_of(school_id, meeting_id)
    problems = {}
    for name, text in typed.items():
        problem = place_problem(text, known, PLACE_WORDS[name])
        if problem:
            problems[name] = problem
    return problems


def place_problem(text: str, known: list[Known], what: str) -> str | None:
    """Why this text cannot go into invitations and calendars, in words, or None."""
    found = what_identifies(text, known)
    return PLACE_PROBLEMS[found].format(what=what) if found else None


def arrangement_problems(values: dict, meeting: Meeting | None = None) -> dict[str, str]:
    """What is wrong with a meeting's arrangements, by form field."""
    problems = {}
    kind = values.get("kind") or (meeting.kind if meeting else None)
    school_id = values.get("school_id") or (meeting.school_id if meeting else None)
    if kind not in {choice.code for choice in rules.MEETING_KINDS}:
        problems["kind"] = "Select the type of meeting"
    if values["ends_at"] <= values["starts_at"]:
        problems["ends"] = "The end time must be after the start time"
    location, link = values.get("location"), values.get("online_link")
    if link and not is_online_link(link):
        problems["online_link"] = "Enter the online meeting link in full, starting with https://"
    elif kind == "keeping_in_touch" and not link:
        problems["online_link"] = (
            "A keeping-in-touch meeting is held online: enter the link to join it"
        )
    if values.get("venue_private"):
        if kind != "taf":
            problems["venue_private"] = "Only a TAF / handover meeting can be at the family's home"
        elif not location:
            problems["location"] = "Enter the address of the family's home"
    if not location and not link and "location" not in problems and "online_link" not in problems:
        problems["location"] = "Enter where the meeting is, or a link to join it online"
    chair_id = values.get("chair_id")
    unchanged = meeting is not None and chair_id == meeting.chair_id
    if chair_id is None:
        problems["chair"] = "Select who will chair the meeting"
    elif not unchanged and not may_chair(chair_id, school_id):
        problems["chair"] = (
            "Select a chair from the list: a DSL of the school or a link worker linked to it"
        )
    notes = values.get("notes_for_attendees")
    if notes and names_a_child(notes, school_id, meeting and meeting.id):
        problems["notes_for_attendees"] = NOTES_NAME_A_CHILD
    for name, problem in place_problems(values, school_id, meeting and meeting.id).items():
        problems.setdefault(name, problem)
    return problems


# ---------------------------------------------------------------- booking


def snapshot(meeting: Meeting) -> dict:
    """The arrangements as a MeetingChange keeps them: no family address, no notes."""
    chair = db.session.get(User, meeting.chair_id) if meeting.chair_id else None
    return {
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "location": FAMILY_HOME if meeting.venue_private else meeting.location,
        "online_link": meeting.online_link,
        "venue_private": bool(meeting.venue_private),
        "chair_id": meeting.chair_id,
        "chair": chair.name if chair else None,
    }


def add_meeting(
    user: User,
    values: dict,
    *,
    anyway: bool = False,
    on_closed_day: bool = False,
    series_id: int | None = None,
    school_defaults: bool = True,
) -> Meeting:
    """Book a meeting and invite the school's default agencies (not for a handover meeting,
    whose caller invites those involved with the child: `school_defaults`) (no commit: the
    caller's use case commits once). Raises Refused, or Clashes for an overlap unless `anyway`
    and for a day the school is closed unless `on_closed_day`."""
    school_id = values["school_id"]
    problems = arrangement_problems(values)
    if not may_organise_school(user, school_id):
        problems["school"] = "Select a school you book meetings for"
    refuse_if(problems)
    found = []
    if not anyway:
        found = clashes(school_id, values["chair_id"], values["starts_at"], values["ends_at"])
    closed = None if on_closed_day else closed_days.closed_on(values["starts_at"])
    warn(found, closed, ("book_anyway", "book_on_closed_day"))
    meeting = Meeting(
        school_id=school_id,
        kind=values["kind"],
        status=SCHEDULED,
        starts_at=values["starts_at"],
        ends_at=values["ends_at"],
        location=values.get("location"),
        online_link=values.get("online_link"),
        venue_private=bool(values.get("venue_private")),
        chair_id=values["chair_id"],
        organiser_id=user.id,
        notes_for_attendees=values.get("notes_for_attendees"),
        series_id=series_id,
        sequence=0,
    )
    db.session.add(meeting)
    db.session.flush()
    db.session.add(
        MeetingChange(meeting_id=meeting.id, kind="booked", by_id=user.id, after=snapshot(meeting))
    )
    if school_defaults:
        invite_defaults(meeting, user)
    invites.booked(meeting)
    filled = sorted(name for name, value in values.items() if value not in (None, "", False))
    detail = {"school_id": school_id, "fields": filled}
    if series_id is not None:
        detail["series_id"] = series_id
    record("meeting_booked", target=meeting, detail=detail)
    return meeting


def book(user: User, values: dict, *, anyway: bool = False, on_closed_day: bool = False) -> Meeting:
    """Book one meeting, committed."""
    return commit(lambda: add_meeting(user, values, anyway=anyway, on_closed_day=on_closed_day))


# ---------------------------------------------------------------- moving and cancelling


def _not_scheduled(meeting: Meeting, doing: str) -> None:
    if meeting.status != SCHEDULED:
        status = label(rules.MEETING_STATUSES, meeting.status).lower()
        raise Refused({"reason": f"This meeting has been {status}, so it cannot be {doing}"})


def move(
    meeting: Meeting,
    user: User,
    version: int | None,
    values: dict,
    *,
    anyway: bool = False,
    on_closed_day: bool = False,
) -> MeetingChange:
    """Change a scheduled meeting's date, time, place, chair or notes, with the reason. The
    calendar SEQUENCE goes up with every change (each sends an update). A new time that overlaps
    another meeting, and a new day the school is closed, are warnings to confirm."""
    _not_scheduled(meeting, "moved")
    check_version(meeting, version)
    reason = values.get("reason")
    arrangements = {name: values.get(name) for name in ARRANGEMENTS}
    arrangements["venue_private"] = bool(arrangements["venue_private"])
    problems = arrangement_problems(arrangements, meeting)
    if not reason:
        problems["reason"] = "Enter why the meeting is being moved or changed"
    elif names_a_child(reason, meeting.school_id, meeting.id):
        problems["reason"] = REASON_NAMES_A_CHILD
    changed = [name for name in ARRANGEMENTS if getattr(meeting, name) != arrangements[name]]
    if not changed and not problems:
        problems["meeting_date"] = (
            "Nothing has changed: change the date, time, place, chair or notes, or go back to "
            "the meeting"
        )
    refuse_if(problems)
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
    warn(found, closed, ("move_anyway", "move_on_closed_day"))
    before = snapshot(meeting)
    for name in changed:
        setattr(meeting, name, arrangements[name])
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
        },
    )

    def write() -> MeetingChange:
        db.session.add(change)
        record(
            "meeting_moved" if moved else "meeting_changed",
            target=meeting,
            detail={"fields": sorted(changed), "sequence": meeting.sequence},
        )
        invites.changed(meeting, moved=moved)
        db.session.flush()
        return change

    return commit(write)


def cancel(meeting: Meeting, user: User, version: int | None, reason: str | None) -> MeetingChange:
    """Cancel a scheduled meeting, with the reason. It stays visible, as cancelled."""
    _not_scheduled(meeting, "cancelled")
    check_version(meeting, version)
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

    def write() -> MeetingChange:
        db.session.add(change)
        record("meeting_cancelled", target=meeting, detail={"sequence": meeting.sequence})
        invites.cancelled(meeting)
        db.session.flush()
        return change

    return commit(write)


# ---------------------------------------------------------------- history


@dataclass(frozen=True)
class HistoryEntry:
    """One booking, move, change or cancellation, in words."""

    kind: str
    label: str
    at: datetime
    by: str
    reason: str | None
    lines: list[str] = field(default_factory=list)


def meeting_when(meeting: Meeting) -> str:
    """The meeting's date and times as people in England read them (the agenda and invitation
    pages say it alike)."""
    return words.meeting_when(meeting.starts_at, meeting.ends_at)


def _iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def described(change: MeetingChange) -> list[str]:
    """What a move or change did, in words."""
    before, after = change.before or {}, change.after or {}
    lines = []
    if {"starts_at", "ends_at"} & after.keys():
        old = [_iso(before.get(n)) for n in ("starts_at", "ends_at")]
        new = [_iso(after.get(n)) for n in ("starts_at", "ends_at")]
        if all(old) and all(new):
            lines.append(f"Date and time: {words.meeting_when(*old)} → {words.meeting_when(*new)}")
        else:
            lines.append("Date and time changed")
    for name, what in (("location", "Place"), ("online_link", "Online link"), ("chair", "Chair")):
        if name in after:
            lines.append(f"{what}: {before.get(name) or 'none'} → {after[name] or 'none'}")
    if "venue_private" in after:
        lines.append("At the family's home: " + ("yes" if after["venue_private"] else "no"))
    if after.get("notes_changed"):
        lines.append("Notes for attendees changed")
    return lines


def history(meeting: Meeting) -> list[HistoryEntry]:
    """Every booking, move, change and cancellation of the meeting, oldest first (one query)."""
    changes = db.session.scalars(
        select(MeetingChange)
        .options(joinedload(MeetingChange.by))
        .where(MeetingChange.meeting_id == meeting.id)
        .order_by(MeetingChange.at, MeetingChange.id)
    )
    return [
        HistoryEntry(
            change.kind,
            label(CHANGE_KINDS, change.kind),
            change.at,
            change.by.name,
            change.reason,
            described(change) if change.kind in ("moved", "changed") else [],
        )
        for change in changes
    ]
