"""Loads the demo meetings (tas.demo.data.meetings) through the meetings' use cases, after the
children: the current academic year's term dates (by the coordinator) and the schools' saved
rooms; then each meeting booked by its school's organiser on a school day around today (one
booked for a later day and moved, one cancelled), its agenda, and the day itself of those held
(tas.demo.meeting_day); then the Oakfield DSL's requests and their triage. Only children with a
current agreement go on an agenda (the agenda use case checks). Deterministic for a given day;
loaded once per copy: if the copy's first child is on an agenda, nothing is added.

Written directly: the invitations. They stand as if sent with the booking, answered days ago
(the answers go through tas.meetings.invitations.answers.record_answer, dated back). Adding an
invitation to a meeting already booked raises its calendar sequence each time and is refused
once the meeting is over; so they are written as that use case writes them, before the
booking's invitations go (tas.ical.invites.booked: to the upcoming meetings only)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import LONDON, local, utcnow
from tas.core.days import academic_year
from tas.core.school_calendar import SchoolClosures
from tas.core.use_cases import commit
from tas.demo import meeting_day
from tas.demo.children import children_of
from tas.demo.copies import THE_DEMO, Copy
from tas.demo.counting import counted
from tas.demo.data.children import CASTLE, OAK
from tas.demo.data.meetings import (
    ACCEPTED_ONTO,
    ADVICE,
    BOOKED_AHEAD,
    CAMHS_ATTENDEE,
    CANCEL_REASON,
    CONSULTATION,
    MEETINGS,
    MOVED,
    MOVED_REASON,
    NOTES,
    ONLINE,
    PLACES,
    REASONS,
    REPRESENTATIVES,
    REQUESTS,
    ROOMS,
    WRITTEN_UPDATES,
)
from tas.demo.data.partnership import COORDINATOR, DANA, LEE
from tas.demo.history import backdate, before
from tas.demo.partnership import by_name
from tas.demo.terms import add_terms, term_dates
from tas.extensions import db
from tas.ical import invites
from tas.meetings.agenda import services as agenda
from tas.meetings.booking import moving
from tas.meetings.booking import services as booking
from tas.meetings.invitations.answers import record_answer
from tas.meetings.invitations.services import audit_added
from tas.meetings.models import (
    AgendaItem,
    Invitation,
    Meeting,
    MeetingChange,
    SchoolRoom,
    TasRequest,
    Term,
    UninvitedAttendee,
)
from tas.meetings.requests import services as requests
from tas.meetings.requests import triage as requests_triage
from tas.meetings.rooms import services as rooms
from tas.organisations.models import Agency, School, User
from tas.plans.models import Action, ActionEvent

__all__ = ["load", "term_dates"]  # term_dates: the tests' too

KINDS = {
    "terms": Term,
    "meetings": Meeting,
    "meeting changes": MeetingChange,
    "invitations": Invitation,
    "agenda items": AgendaItem,
    "uninvited attendees": UninvitedAttendee,
    "TAS requests": TasRequest,
    "actions": Action,
    "action events": ActionEvent,
    "saved rooms": SchoolRoom,
}


def load(copy: Copy = THE_DEMO) -> dict[str, int]:
    """Add the current year's term dates, the saved rooms and this copy's meetings and requests
    that are missing; return how many rows of each were added."""
    return counted(KINDS, lambda: _load(copy))


def _load(copy: Copy) -> None:
    today = local(utcnow()).date()
    users = {u.email: u for u in db.session.scalars(select(User).order_by(User.id))}
    if COORDINATOR in users:
        add_terms(academic_year(today), users[COORDINATOR])
    schools = by_name(School)
    if OAK not in schools or CASTLE not in schools or DANA not in users or LEE not in users:
        return
    _add_rooms(schools, users)
    children = children_of(copy)
    first = next(iter(children.values()), None)
    if first is None or db.session.scalar(
        select(AgendaItem.id).where(AgendaItem.child_id == first.id).limit(1)
    ):
        return
    _Loader(today, schools, users, children).run()


def _add_rooms(schools: dict[str, School], users: dict[str, User]) -> None:
    """The demo schools' saved rooms that are missing, saved by who books there."""
    known = {(room.school_id, room.name) for room in db.session.scalars(select(SchoolRoom))}
    for school_name, (keeper, names) in ROOMS.items():
        school = schools[school_name]
        for name in names:
            if (school.id, name) not in known:
                rooms.add_room(users[keeper], {"school_id": school.id, "name": name})


class _Loader:
    """Books MEETINGS and sends REQUESTS, for one copy's children."""

    def __init__(self, today, schools, users, children: dict[str, Child]):
        self.today = today
        self.now = utcnow()
        self.schools = schools
        self.users = users
        self.children = children
        self.agencies = by_name(Agency)
        self.closures = SchoolClosures.of(ENGLAND_AND_WALES, self._term_periods())
        self.days_used = self._days_taken()
        self.meetings: dict[str, Meeting] = {}

    def _term_periods(self) -> Iterable[tuple[date, date]]:
        for term in db.session.scalars(select(Term)):
            yield from term.school_periods

    def _days_taken(self) -> set[tuple[str, date]]:
        """The days the demo schools have a meeting already (another copy's)."""
        names = {school.id: name for name, school in self.schools.items()}
        rows = db.session.execute(select(Meeting.school_id, Meeting.starts_at))
        return {(names[school], local(starts).date()) for school, starts in rows if school in names}

    def school_day(self, school: str, days_from_today: int) -> date:
        """The school day nearest `days_from_today`, away from today (so a past meeting stays
        past): a weekday in term, not a bank holiday, and not taken by another meeting there."""
        step = timedelta(days=-1 if days_from_today < 0 else 1)
        day = self.today + timedelta(days=days_from_today)
        for _ in range(120):
            if (
                day.weekday() < 5
                and day not in self.closures
                and (school, day) not in self.days_used
            ):
                break
            day += step
        self.days_used.add((school, day))
        return day

    @staticmethod
    def at(day: date, clock: tuple[int, int]) -> datetime:
        return datetime.combine(day, time(*clock), tzinfo=LONDON).astimezone(UTC)

    def run(self) -> None:
        for spec in MEETINGS:
            self.meeting(*spec)
        self.requests()

    def meeting(self, key, school_name, kind, days, starts, ends, status, items, invited):
        lee = self.users[LEE]
        organiser = self.users[DANA] if school_name == OAK else lee
        day = self.school_day(school_name, days)
        starts_at, ends_at = self.at(day, starts), self.at(day, ends)
        booked_at = before(self.now, starts_at - timedelta(days=BOOKED_AHEAD), timedelta(days=3))
        later = timedelta(days=MOVED[1] if key == MOVED[0] else 0)
        arrangements = {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "location": None if kind == "keeping_in_touch" else PLACES[school_name],
            "online_link": ONLINE if kind == "keeping_in_touch" else None,
            "venue_private": False,
            "chair_id": lee.id,
            "notes_for_attendees": NOTES if kind == "tas" else None,
        }
        first = {**arrangements, "starts_at": starts_at + later, "ends_at": ends_at + later}
        meeting = commit(
            lambda: booking.add_meeting(
                organiser,
                {"school_id": self.schools[school_name].id, "kind": kind, **first},
                anyway=True,  # the demo's days are chosen already
                on_closed_day=True,
                school_defaults=False,  # its invitations are below
            )
        )
        self.meetings[key] = meeting
        booked = db.session.scalars(
            select(MeetingChange).where(MeetingChange.meeting_id == meeting.id)
        ).one()
        backdate(booked, at=booked_at)
        backdate(meeting, created_at=booked_at)
        if later:
            moved = moving.move(
                meeting,
                organiser,
                meeting.version,
                {**arrangements, "reason": MOVED_REASON},
                anyway=True,
                on_closed_day=True,
                to_past=True,  # a meeting of the demo's past was moved before it was held
            )
            backdate(moved, at=before(self.now, booked_at + later))
        invitations = [self.invitation(meeting, organiser, booked_at, *row) for row in invited]
        invites.booked(meeting)  # upcoming meetings only: the invitations go to the outbox
        db.session.commit()
        agenda_items = [
            (name, self.agenda_item(meeting, organiser, name, booked_at)) for name in items
        ]
        if status in ("held", "overdue"):
            came = [self.came(agency, attendance) for agency, _, attendance in invited]
            meeting_day.the_day(meeting, invitations, came, agenda_items, self.users, self.agencies)
            if status == "held":
                meeting_day.held(meeting)
        if status == "cancelled":
            self.cancel(meeting, lee, starts_at)

    def came(self, agency: str, attendance: str) -> dict:
        """Attendance as the day's form gives it: who came for an agency that attended."""
        person = self.users.get(REPRESENTATIVES.get(agency, ""))
        name = person.name if person else CAMHS_ATTENDEE
        return {"attendance": attendance, "attended_by": name if attendance == "attended" else None}

    def cancel(self, meeting: Meeting, by: User, starts_at: datetime) -> None:
        change = moving.cancel(meeting, by, meeting.version, CANCEL_REASON)
        at = before(self.now, starts_at - timedelta(days=10), timedelta(hours=2))
        backdate(change, at=at)
        backdate(meeting, cancelled_at=at)

    def invitation(self, meeting, organiser, booked_at, agency, answer, _attendance) -> Invitation:
        """Sent with the booking, answered three days later (or the day before)."""
        person = self.users.get(REPRESENTATIVES.get(agency, ""))
        row = Invitation(
            meeting_id=meeting.id,
            agency_id=self.agencies[agency].id,
            representative_id=person.id if person else None,
            invited_at=booked_at,
            invited_by_id=organiser.id,
        )
        db.session.add(row)
        db.session.flush()
        audit_added(row, default=False)
        if answer == "awaiting":
            return row
        if person is None:  # an agency with no demo account: its answer came by email
            row.answer = answer
        else:
            record_answer(row, person, answer, WRITTEN_UPDATES.get(agency))
        row.answered_at = before(
            self.now, min(booked_at + timedelta(days=3), meeting.starts_at - timedelta(days=1))
        )
        return row

    def agenda_item(self, meeting: Meeting, organiser: User, name: str, booked_at: datetime):
        """Added the day after the booking."""
        if name == "consultation":
            item = commit(lambda: agenda.add_consultation(meeting, CONSULTATION, self.users[DANA]))
        else:
            child = self.children[name]
            item = commit(lambda: agenda.add_child(meeting, child, REASONS[name], organiser))
        backdate(item, added_at=before(self.now, booked_at + timedelta(days=1)))
        return item

    def requests(self) -> None:
        """The Oakfield DSL's requests: two await triage, one is accepted onto the next Oakfield
        meeting, one closed with advice."""
        dana, lee = self.users[DANA], self.users[LEE]
        for name, reason, tried, views, outcome in REQUESTS:
            values = {"reason": reason, "already_tried": tried, "child_views": views}
            row = requests.submit(dana, {"child_id": self.children[name].id, **values})
            if outcome == "accepted":
                triage = {"outcome": "accepted", "meeting_id": self.meetings[ACCEPTED_ONTO].id}
                requests_triage.triage(row, lee, row.version, triage)
            elif outcome == "advice_given":
                triage = {"outcome": "advice_given", "advice": ADVICE}
                requests_triage.triage(row, lee, row.version, triage)
