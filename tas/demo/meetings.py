"""Demo term dates, TAS meetings and requests (issue 4), added by `demo-data` after the children.

- Term dates for the current academic year (autumn, spring, summer, with half terms), worked out
  from today's date the way English schools usually set them.
- A term of meetings at the demo schools that have staff accounts (Oakfield Primary, Castle
  Academy), on school days around today: some held in the past weeks with attendance, minutes
  per child (three parts and a decision) and actions on the children's plans; one whose minutes
  are overdue; some upcoming with invitations and answers (one apologies with a written update);
  one moved and one cancelled. The demo Future in Mind and 0-19 practitioners are invited.
- Requests from the Oakfield DSL: two awaiting triage, one accepted onto an agenda, one closed
  with advice; and one anonymous consultation.

Only children with a current agreement go on an agenda (tas.meetings.agenda.services checks it).
Rows are written the way the meeting services write them ("booked" changes, calendar sequence 0),
and the requests, triage and agenda go through those services. Deterministic for a given day; loaded
once: if Oakfield already has a meeting, no meeting or request is added.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import holidays
from sqlalchemy import select

from tas.audit.services import plain
from tas.children.models import Child, FamilyMember
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import LONDON, local, utcnow
from tas.core.days import academic_year
from tas.core.markers import origin
from tas.core.school_calendar import SchoolClosures
from tas.extensions import db
from tas.ical import invites
from tas.meetings.agenda import services as agenda
from tas.meetings.booking import services as booking
from tas.meetings.models import (
    Invitation,
    Meeting,
    MeetingChange,
    SchoolRoom,
    Term,
    UninvitedAttendee,
)
from tas.meetings.requests import services as requests
from tas.organisations.models import Agency, School, User
from tas.plans.models import Action, ActionEvent, SharedPlan

OAK, CASTLE = "Oakfield Primary", "Castle Academy"
FIM, NURSING, EARLY_HELP, CAMHS = "Future in Mind", "0-19 Service", "Early Help", "CAMHS"
FARAH, NIA, LEE = "fim@demo.tas.test", "nurse@demo.tas.test", "linkworker@demo.tas.test"
DANA = "dsl@oakfield.demo.tas.test"
REPRESENTATIVES = {FIM: FARAH, NURSING: NIA, EARLY_HELP: LEE}

# ---------------------------------------------------------------- term dates


def _weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


MONDAY, THURSDAY, FRIDAY = 0, 3, 4


def term_dates(year: int) -> list[tuple[str, date, date, date, date]]:
    """The usual shape of an English school year starting in September of `year`: (term,
    first day, last day, half term's first and last day).

    Autumn from the first Thursday on or after 2 September to the last Friday on or before
    20 December, half term the last full week of October; spring from the first Monday on or
    after 4 January to the Friday before the week before Easter, half term the week of the
    Monday between 12 and 18 February; summer from the Monday after Easter week to 22 July (or
    the Friday before it), half term the week of the late May bank holiday.
    """
    nxt = year + 1
    easter_monday = next(
        day
        for day, name in holidays.country_holidays("GB", subdiv="ENG", years=nxt).items()
        if name == "Easter Monday"
    )
    summer_end = date(nxt, 7, 22)
    if summer_end.weekday() >= 5:
        summer_end = _weekday_on_or_before(summer_end, FRIDAY)
    autumn_half = _weekday_on_or_before(date(year, 10, 27), MONDAY)
    spring_half = _weekday_on_or_before(date(nxt, 2, 18), MONDAY)
    summer_half = _weekday_on_or_before(date(nxt, 5, 31), MONDAY)
    week = timedelta(days=4)
    return [
        (
            "autumn",
            _weekday_on_or_after(date(year, 9, 2), THURSDAY),
            _weekday_on_or_before(date(year, 12, 20), FRIDAY),
            autumn_half,
            autumn_half + week,
        ),
        (
            "spring",
            _weekday_on_or_after(date(nxt, 1, 4), MONDAY),
            easter_monday - timedelta(days=10),
            spring_half,
            spring_half + week,
        ),
        (
            "summer",
            easter_monday + timedelta(days=7),
            summer_end,
            summer_half,
            summer_half + week,
        ),
    ]


# ---------------------------------------------------------------- the meetings

# Minutes of one child: (worries, working well, what needs to happen, decision, decision note,
# parent's part and how, child's part and how, actions). An action: (description, owner, due
# in days from the meeting, status); the owner is an agency, a person (by email), "parent"
# (the first family member) or "child".
# fmt: off
MINUTES = {
    "Mia Hughes": (
        "Mia cries at the classroom door most mornings and has missed eight mornings this half "
        "term. She says she worries something will happen to Mum while she is at school.",
        "Mia settles once she is in class and enjoys art. Mum brings her every day and is "
        "working closely with the class teacher.",
        "Wellbeing sessions in school to continue; a calm start in the nurture room; the school "
        "nurse to check sleep.",
        "shared_plan", "Continue the shared plan; review at the next TAS meeting.",
        "attended", "Sarah came to the meeting", "contributed", "Drew a picture of her morning",
        [
            ("Calm start in the nurture room each morning", DANA, 7, "in_progress"),
            ("Sleep and worries check at the school nurse drop-in", NIA, 21, "not_started"),
        ],
    ),
    "Leo Price": (
        "Leo is finding it hard to stay in class after lunch and has been sent out three times. "
        "Home mornings are rushed.",
        "Leo responds well to movement breaks and to his teaching assistant. Kelly is keen to "
        "work with the family worker.",
        "Movement breaks written into his timetable; family worker to help with routines; "
        "chase the CAMHS assessment date.",
        "shared_plan", "Continue the shared plan.",
        "contributed", "Kelly spoke to the link worker by phone before the meeting",
        "contributed", "Shared his views through his teaching assistant",
        [
            ("Movement breaks in the afternoon timetable", DANA, 10, "done"),
            ("Ask CAMHS for an assessment date", EARLY_HELP, 14, "in_progress"),
            ("Try the new bedtime routine for two weeks", "parent", 21, "not_started"),
        ],
    ),
    "Oliver Bennett": (
        "Oliver still has accidents most days, which upsets him, and other children have "
        "started to notice.",
        "Grandma Tracy manages his routine well and the school nurse plan has started.",
        "Toileting plan shared with all staff; spare clothes kept discreetly; review in six "
        "weeks.",
        "support_in_school", "Support in school with the school nurse's plan.",
        "attended", "Tracy (grandmother) came", "did_not_take_part", "Too young to take part",
        [("Toileting plan shared with all staff who teach Oliver", NURSING, 7, "not_started")],
    ),
    "Ruby Clarke": (
        "Ruby has told a friend she sometimes hurts herself when she feels low. CAMHS have "
        "completed a risk assessment.",
        "Ruby has a trusted adult in school and her mum is supportive and in contact with CAMHS.",
        "Safety plan shared with the DSL; check-ins twice a week; CAMHS to confirm the next "
        "appointment.",
        "step_down_received",
        "Children's Social Care finished their assessment and stepped Ruby's case down to early "
        "help: hold the handover (TAF) meeting with Gemma and CAMHS.",
        "attended", "Gemma came to the meeting", "contributed", "Wrote down what helps her",
        [
            ("Twice-weekly check-in with her trusted adult", DANA, 5, "in_progress"),
            ("Confirm the next CAMHS appointment with the family", CAMHS, 10, "not_started"),
            ("Ruby to use her safety plan card when she feels low", "child", 14, "not_started"),
        ],
    ),
    "Jayden Hughes": (
        "Jayden's mood has dipped again and he is missing lessons to sit in the toilets.",
        "He likes his mentor and is attending CBT sessions. Mum is very involved.",
        "Mentor sessions twice a week; a time-out pass for lessons; link with his sister's "
        "school so the family gets one joined-up plan.",
        "shared_plan", "Continue the shared plan.",
        "contributed", "Sarah sent her views by email", "attended", "Came for his part",
        [("Time-out pass agreed with his teachers", LEE, 7, "done")],
    ),
    "Grace Okafor": (
        "Grace is very anxious about her exams and is sleeping badly.",
        "Counselling is helping and her aunt has set up a quiet place to revise at home.",
        "Counselling to continue; exam access arrangements confirmed; a revision plan with "
        "breaks.",
        "support_in_school", "Support in school with counselling continuing.",
        "attended", "Blessing (aunt) came", "attended", "Came for her part",
        [("Counselling sessions through to the end of exams", FARAH, 28, "in_progress")],
    ),
    "Tyler Walsh": (
        "Tyler has had four fixed-term exclusions this year for outbursts.",
        "He wants to stay at Castle and does well in practical subjects. Mum attends every "
        "meeting.",
        "Anger management sessions to start; neurodevelopmental screening to be completed; a "
        "reduced timetable is not agreed.",
        "step_up_early_help", "Step up to Targeted Early Help for family support.",
        "attended", "Donna came to the meeting", "did_not_take_part", "Did not want to come",
        [
            ("Start the anger management sessions", FIM, 14, "not_started"),
            ("Return the screening questionnaires to CAMHS", "parent", 10, "not_started"),
        ],
    ),
    "Kai Thompson": (
        "Kai is often late and says he is tired; his attendance has dropped to 88%.",
        "He has settled into Year 7 socially and has a good relationship with his form tutor.",
        "Agree a lead practitioner; attendance support from the family worker.",
        "shared_plan", "Continue the shared plan and agree a lead practitioner.",
        "contributed", "Leanne spoke to the DSL before the meeting", "did_not_take_part",
        "Not asked yet",
        [],
    ),
}
# fmt: on

# A meeting: (key, school, kind, days from today, local start and end, status, agenda: child
# or "consultation", invitations: (agency, answer, attendance)).
# fmt: off
MEETINGS = [
    ("O1", OAK, "tas", -25, (9, 0), (10, 30), "held", ["Mia Hughes", "Leo Price"], [
        (FIM, "attending", "attended"),
        (NURSING, "apologies_with_update", "apologies_with_update"),
        (EARLY_HELP, "attending", "attended"),
        (CAMHS, "awaiting", "did_not_attend"),
    ]),
    ("C1", CASTLE, "tas", -18, (13, 30), (15, 0), "held",
     ["Jayden Hughes", "Grace Okafor", "Tyler Walsh"], [
        (FIM, "attending", "attended"),
        (NURSING, "apologies", "apologies"),
        (EARLY_HELP, "attending", "attended"),
        (CAMHS, "attending", "attended"),
    ]),
    ("O2", OAK, "tas", -11, (9, 0), (10, 30), "held", ["Oliver Bennett", "Ruby Clarke"], [
        (FIM, "attending", "attended"),
        (NURSING, "attending", "attended"),
        (EARLY_HELP, "attending", "attended"),
    ]),
    # Attendance taken, minutes not finished: flagged as overdue.
    ("C2", CASTLE, "tas", -6, (13, 30), (15, 0), "overdue", ["Kai Thompson", "Sophie Turner"], [
        (FIM, "apologies", "apologies"),
        (NURSING, "attending", "attended"),
        (EARLY_HELP, "attending", "attended"),
    ]),
    ("O3", OAK, "tas", 7, (9, 0), (10, 30), "scheduled", ["Mia Hughes", "consultation"], [
        (FIM, "apologies_with_update", None),
        (NURSING, "attending", None),
        (EARLY_HELP, "attending", None),
        (CAMHS, "awaiting", None),
    ]),
    ("C3", CASTLE, "tas", 14, (13, 30), (15, 0), "scheduled", ["Ellie Robinson", "Grace Okafor"], [
        (FIM, "attending", None),
        (NURSING, "apologies", None),
        (EARLY_HELP, "awaiting", None),
    ]),
    ("O4", OAK, "keeping_in_touch", 21, (15, 45), (16, 30), "scheduled", [], [
        (FIM, "awaiting", None),
        (NURSING, "awaiting", None),
        (EARLY_HELP, "attending", None),
    ]),
    ("C4", CASTLE, "tas", 24, (13, 30), (15, 0), "cancelled", [], [
        (FIM, "attending", None),
        (NURSING, "awaiting", None),
        (EARLY_HELP, "awaiting", None),
    ]),
    ("O5", OAK, "tas", 35, (9, 0), (10, 30), "scheduled", [], [
        (FIM, "awaiting", None),
        (NURSING, "awaiting", None),
        (EARLY_HELP, "awaiting", None),
    ]),
]
# fmt: on
PLACES = {OAK: "Oakfield Primary, family room", CASTLE: "Castle Academy, meeting room 2"}
ONLINE = "https://meet.demo.tas.test/oakfield-keeping-in-touch"
REASONS = {
    "Mia Hughes": "Review of morning separation worries and attendance",
    "Leo Price": "Behaviour after lunch and morning routines at home",
    "Oliver Bennett": "Toileting difficulties affecting Oliver's confidence",
    "Ruby Clarke": "Low mood and self-harm: agree the support around Ruby",
    "Jayden Hughes": "Low mood and missed lessons",
    "Grace Okafor": "Exam anxiety and sleep",
    "Tyler Walsh": "Repeated exclusions for outbursts",
    "Kai Thompson": "Lateness and falling attendance",
    "Sophie Turner": "Low mood group: how is it going",
    "Ellie Robinson": "Settling after her parents' separation",
}
WRITTEN_UPDATES = {
    FIM: "Mia has come to five of her six wellbeing sessions. She can now name her worries and "
    "uses her breathing exercise at the classroom door. I suggest two more sessions, then a "
    "review with Mum. Sorry I cannot be there: I am training that morning.",
    NURSING: "Sleep diary returned: Mia is getting about nine hours most nights. No health "
    "concerns at present; happy to see her at drop-in if anything changes.",
}
CONSULTATION = (
    "A Year 4 pupil has told staff that an older cousin who stays at weekends shouts and "
    "frightens them. No injuries, no other worries; the family have not been asked about early "
    "help yet. What should the school do next?"
)
REQUESTS = [
    # child, reason, already tried, child's views, outcome
    (
        "Noah Wilson",
        "Speech is still hard to understand and Noah is becoming frustrated and "
        "hitting out in class.",
        "Small-group speech work with the teaching assistant; visual timetable.",
        "Noah says he is sad when friends don't understand him.",
        None,
    ),
    (
        "Leo Price",
        "Leo's behaviour after lunch has got worse again since the last meeting.",
        "Movement breaks; time with his teaching assistant.",
        "Leo says lunchtimes are too noisy.",
        None,
    ),
    (
        "Amelia Khan",
        "Amelia has stopped eating lunch and complains of stomach aches most days.",
        "Lunch in a quiet room with a friend; daily check-in.",
        "Amelia says her tummy hurts when she worries about tests.",
        "accepted",
    ),
    (
        "Oliver Bennett",
        "Grandma would like advice on a kinship carers' support group.",
        "Gave her the family hub leaflet.",
        "Oliver likes going to the hub's stay and play.",
        "advice_given",
    ),
]
ADVICE = (
    "The family hub runs a kinship carers' group on Thursday mornings; Lee will introduce Tracy "
    "at the next session. No need for a TAS discussion."
)
MOVED_REASON = "The family room is booked for parents' evening that week"
CANCEL_REASON = "Castle Academy's mock exams were moved into this week"
ACTION_KINDS = ("actions", "action events")


def load() -> dict[str, int]:
    """Add the current year's term dates and the demo meetings and requests that are missing;
    return how many rows of each were added."""
    added = dict.fromkeys(
        (
            "terms",
            "meetings",
            "meeting changes",
            "invitations",
            "agenda items",
            "uninvited attendees",
            "TAS requests",
            *ACTION_KINDS,
        ),
        0,
    )
    today = local(utcnow()).date()
    added["terms"] = _add_terms(academic_year(today))
    schools = {s.name: s for s in db.session.scalars(select(School))}
    if OAK not in schools or CASTLE not in schools:
        db.session.commit()
        return added
    added["saved rooms"] = _add_rooms(schools)
    if db.session.scalar(select(Meeting.id).where(Meeting.school_id == schools[OAK].id).limit(1)):
        db.session.commit()
        return added
    _Loader(added, today, schools).run()
    db.session.commit()
    return added


def _add_terms(year: int) -> int:
    known = set(db.session.scalars(select(Term.name).where(Term.academic_year == year)))
    count = 0
    for name, starts, ends, half_starts, half_ends in term_dates(year):
        if name in known:
            continue
        db.session.add(
            Term(
                academic_year=year,
                name=name,
                starts_on=starts,
                ends_on=ends,
                half_term_starts_on=half_starts,
                half_term_ends_on=half_ends,
            )
        )
        count += 1
    db.session.flush()
    return count


# Each school's saved rooms, kept by who books there: the demo meetings are held in them.
ROOMS = {
    OAK: (DANA, ("Oakfield Primary, family room", "Oakfield Primary, library")),
    CASTLE: (LEE, ("Castle Academy, meeting room 2",)),
}


def _add_rooms(schools: dict[str, School]) -> int:
    """The demo schools' saved rooms that are missing."""
    users = {
        u.email: u for u in db.session.scalars(select(User).where(User.email.in_([DANA, LEE])))
    }
    known = {(room.school_id, room.name) for room in db.session.scalars(select(SchoolRoom))}
    count = 0
    for school_name, (keeper, names) in ROOMS.items():
        school, person = schools[school_name], users.get(keeper)
        for name in names:
            if person is None or (school.id, name) in known:
                continue
            db.session.add(SchoolRoom(school_id=school.id, name=name, added_by_id=person.id))
            count += 1
    db.session.flush()
    return count


class _Loader:
    """Adds MEETINGS and REQUESTS, counting what it adds."""

    def __init__(self, added: dict[str, int], today: date, schools: dict[str, School]):
        self.added = added
        self.today = today
        self.now = utcnow()
        self.schools = schools
        self.agencies = {a.name: a for a in db.session.scalars(select(Agency))}
        self.users = {u.email: u for u in db.session.scalars(select(User))}
        self.children = {c.full_name: c for c in db.session.scalars(select(Child))}
        self.closures = SchoolClosures.of(ENGLAND_AND_WALES, self._term_periods())
        self.days_used: set[tuple[str, date]] = set()
        self.meetings: dict[str, Meeting] = {}

    def add(self, kind: str, row):
        db.session.add(row)
        self.added[kind] += 1
        return row

    def _term_periods(self) -> Iterable[tuple[date, date]]:
        for term in db.session.scalars(select(Term)):
            yield from term.school_periods

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

    def at(self, day: date, clock: tuple[int, int]) -> datetime:
        return datetime.combine(day, time(*clock), tzinfo=LONDON).astimezone(UTC)

    def before_now(self, moment: datetime, margin: timedelta = timedelta(hours=1)) -> datetime:
        return min(moment, self.now - margin)

    # ------------------------------------------------------------ running

    def run(self) -> None:
        for spec in MEETINGS:
            self.meeting(*spec)
        db.session.flush()
        self.requests()

    def meeting(self, key, school_name, kind, days, starts, ends, status, items, invited):
        school = self.schools[school_name]
        lee, dana = self.users[LEE], self.users[DANA]
        organiser = dana if school_name == OAK else lee
        day = self.school_day(school_name, days)
        starts_at, ends_at = self.at(day, starts), self.at(day, ends)
        booked_at = self.before_now(starts_at - timedelta(days=28), timedelta(days=3))
        meeting = self.add(
            "meetings",
            Meeting(
                school_id=school.id,
                kind=kind,
                status="scheduled",
                starts_at=starts_at,
                ends_at=ends_at,
                location=None if kind == "keeping_in_touch" else PLACES[school_name],
                online_link=ONLINE if kind == "keeping_in_touch" else None,
                chair_id=lee.id,
                organiser_id=organiser.id,
                notes_for_attendees="Please arrive ten minutes early to sign in at reception."
                if kind == "tas"
                else None,
                sequence=0,
                created_at=booked_at,
            ),
        )
        db.session.flush()
        self.meetings[key] = meeting
        self.change(meeting, "booked", booked_at, organiser, after=booking.snapshot(meeting))
        if key == "O3":
            self.moved(meeting, organiser, booked_at)
        invitations = [self.invitation(meeting, organiser, booked_at, *row) for row in invited]
        invites.booked(meeting)  # upcoming meetings only: the invitations go to the outbox
        agenda_items = [self.agenda_item(meeting, organiser, name, booked_at) for name in items]
        if status in ("held", "overdue"):
            self.day_itself(meeting, invitations, agenda_items, complete=status == "held")
        if status == "cancelled":
            self.cancelled(meeting, lee, starts_at)
            invites.cancelled(meeting)

    def change(self, meeting, kind, at, by, *, before=None, after=None, reason=None) -> None:
        self.add(
            "meeting changes",
            MeetingChange(
                meeting_id=meeting.id,
                kind=kind,
                at=at,
                by_id=by.id,
                reason=reason,
                before=before,
                after=after,
            ),
        )

    def moved(self, meeting: Meeting, organiser: User, booked_at: datetime) -> None:
        """Booked two days later at first, then moved to its day (the calendar sequence rises)."""
        first = {
            "starts_at": (meeting.starts_at + timedelta(days=2)).isoformat(),
            "ends_at": (meeting.ends_at + timedelta(days=2)).isoformat(),
        }
        now = {"starts_at": meeting.starts_at.isoformat(), "ends_at": meeting.ends_at.isoformat()}
        booked = db.session.scalars(
            select(MeetingChange).where(MeetingChange.meeting_id == meeting.id)
        ).one()
        booked.after = {**booked.after, **first}
        meeting.sequence = 1
        self.change(
            meeting,
            "moved",
            self.before_now(booked_at + timedelta(days=2)),
            organiser,
            before=first,
            after=now,
            reason=MOVED_REASON,
        )

    def cancelled(self, meeting: Meeting, by: User, starts_at: datetime) -> None:
        at = self.before_now(starts_at - timedelta(days=10), timedelta(hours=2))
        meeting.status = "cancelled"
        meeting.cancelled_at = at
        meeting.cancelled_by_id = by.id
        meeting.cancel_reason = CANCEL_REASON
        meeting.sequence += 1
        self.change(
            meeting,
            "cancelled",
            at,
            by,
            before={"status": "scheduled"},
            after={"status": "cancelled"},
            reason=CANCEL_REASON,
        )

    def invitation(self, meeting, organiser, booked_at, agency, answer, attendance) -> Invitation:
        person = self.users.get(REPRESENTATIVES.get(agency, ""))
        answered_at = None
        if answer != "awaiting":
            answered_at = self.before_now(
                min(booked_at + timedelta(days=3), meeting.starts_at - timedelta(days=1))
            )
        update = None
        if answer == "apologies_with_update":
            update = WRITTEN_UPDATES[agency]
        came = None
        if attendance == "attended":
            came = person.name if person else "Sam Reed, CAMHS practitioner"
        return self.add(
            "invitations",
            Invitation(
                meeting_id=meeting.id,
                agency_id=self.agencies[agency].id,
                representative_id=person.id if person else None,
                invited_at=booked_at,
                invited_by_id=organiser.id,
                answer=answer,
                written_update=update,
                answered_at=answered_at,
                answered_by_id=person.id if person and answered_at else None,
                attendance=attendance,
                attended_by=came,
            ),
        )

    def agenda_item(self, meeting: Meeting, organiser: User, name: str, booked_at: datetime):
        if name == "consultation":
            item = agenda.add_consultation(meeting, CONSULTATION, self.users[DANA])
        else:
            item = agenda.add_child(meeting, self.children[name], REASONS[name], organiser)
        item.added_at = self.before_now(booked_at + timedelta(days=1))
        self.added["agenda items"] += 1
        return item

    # ------------------------------------------------------------ on the day

    def day_itself(self, meeting: Meeting, invitations, items, *, complete: bool) -> None:
        lee = self.users[LEE]
        meeting.present_confirmed_at = meeting.starts_at + timedelta(minutes=5)
        meeting.confidentiality_read = True
        minuted_at = meeting.ends_at + timedelta(hours=2)
        if meeting.school.name == OAK:
            self.add(
                "uninvited attendees",
                UninvitedAttendee(
                    meeting_id=meeting.id,
                    name="Jo Baker",
                    organisation="Oakfield Primary (SENCO)",
                    recorded_by_id=lee.id,
                ),
            )
        for item in items:
            if item.child is None:
                continue
            name = item.child.full_name
            if name not in MINUTES:
                continue  # still to be written: the meeting stays scheduled, minutes overdue
            self.minutes(meeting, item, MINUTES[name], lee, self.before_now(minuted_at))
        if complete:
            meeting.status = "held"
            meeting.held_at = self.before_now(meeting.ends_at + timedelta(days=1))

    def minutes(self, meeting, item, minutes, lee: User, at: datetime) -> None:
        (
            worries,
            working_well,
            needs,
            decision,
            note,
            parent,
            parent_how,
            child,
            child_how,
            actions,
        ) = minutes
        item.worries, item.working_well, item.needs_to_happen = worries, working_well, needs
        item.decision, item.decision_note = decision, note
        item.parent_part, item.parent_part_how = parent, parent_how
        item.child_part, item.child_part_how = child, child_how
        item.minuted_by_id, item.minuted_at = lee.id, at
        plan = db.session.scalar(
            select(SharedPlan).where(
                SharedPlan.child_id == item.child_id, SharedPlan.status != "closed"
            )
        )
        for action in actions:
            self.action(meeting, plan, item.child_id, at, *action)

    def action(self, meeting, plan, child_id, at, description, owner, due_in, status) -> None:
        lee = self.users[LEE]
        fields: dict = {"owner_kind": "agency"}
        if owner == "parent":
            parent = db.session.scalars(
                select(FamilyMember)
                .where(FamilyMember.child_id == child_id)
                .order_by(FamilyMember.id)
            ).first()
            fields = {"owner_kind": "family_member", "owner_family_member_id": parent.id}
        elif owner == "child":
            fields = {"owner_kind": "child"}
        elif owner in self.users:
            fields = {"owner_kind": "person", "owner_user_id": self.users[owner].id}
        else:
            fields["owner_agency_id"] = self.agencies[owner].id
        values = {
            "description": description,
            **fields,
            "due_on": local(meeting.starts_at).date() + timedelta(days=due_in),
            "status": "not_started",
            "meeting_id": meeting.id,
        }
        row = self.add(
            "actions",
            Action(
                plan_id=plan.id,
                **values,
                completion_note=None,
                **origin(lee),
            ),
        )
        db.session.flush()
        self.add(
            "action events",
            ActionEvent(
                action_id=row.id,
                at=at,
                by_id=lee.id,
                changes=plain({name: [None, value] for name, value in values.items()}),
            ),
        )
        if status != "not_started":
            row.status = status
            if status == "done":
                row.completion_note = "Done, and confirmed with the family"
            changed = {"status": ["not_started", status]}
            if row.completion_note:
                changed["completion_note"] = [None, row.completion_note]
            self.add(
                "action events",
                ActionEvent(
                    action_id=row.id,
                    at=self.before_now(at + timedelta(days=4)),
                    by_id=lee.id,
                    changes=changed,
                ),
            )

    # ------------------------------------------------------------ requests

    def requests(self) -> None:
        """The Oakfield DSL's requests, through the requests service: two await triage, one
        is accepted onto the next Oakfield meeting, one closed with advice."""
        dana, lee = self.users[DANA], self.users[LEE]
        for name, reason, tried, views, outcome in REQUESTS:
            row = requests.submit(
                dana,
                {
                    "child_id": self.children[name].id,
                    "reason": reason,
                    "already_tried": tried,
                    "child_views": views,
                },
            )
            self.added["TAS requests"] += 1
            if outcome == "accepted":
                requests.triage(
                    row,
                    lee,
                    row.version,
                    {"outcome": "accepted", "meeting_id": self.meetings["O3"].id},
                )
                self.added["agenda items"] += 1
            elif outcome == "advice_given":
                requests.triage(
                    row, lee, row.version, {"outcome": "advice_given", "advice": ADVICE}
                )
