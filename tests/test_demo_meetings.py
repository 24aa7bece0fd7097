"""The demo term dates, meetings and requests: loaded once, dated from today, and telling the
story the pages show (held meetings with attendance and minutes, upcoming ones with answers)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import holidays
import pytest
import time_machine
from sqlalchemy import func, select

from tas.children.access import current_agreement
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import local, utcnow
from tas.demo import loading as demo
from tas.demo import meetings as demo_meetings
from tas.extensions import db
from tas.meetings.day import services as day
from tas.meetings.day import summary as day_summary
from tas.meetings.models import (
    AgendaItem,
    Invitation,
    Meeting,
    MeetingChange,
    TasRequest,
    Term,
    UninvitedAttendee,
)
from tas.organisations.models import User
from tas.plans.models import Action, SharedPlan
from tests.conftest import Visitor

MODELS = {
    "terms": Term,
    "meetings": Meeting,
    "meeting changes": MeetingChange,
    "invitations": Invitation,
    "agenda items": AgendaItem,
    "uninvited attendees": UninvitedAttendee,
    "TAS requests": TasRequest,
}
FARAH, NIA = "fim@demo.tas.test", "nurse@demo.tas.test"


def counts() -> dict[str, int]:
    return {
        kind: db.session.scalar(select(func.count()).select_from(model))
        for kind, model in MODELS.items()
    }


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def meetings(*conditions) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(*conditions).order_by(Meeting.starts_at)))


def invited(meeting: Meeting, email: str) -> bool:
    person = user(email)
    return any(
        i.removed_at is None
        and (i.representative_id == person.id or i.agency_id == person.agency_id)
        for i in db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id))
    )


def test_demo_meetings_are_loaded_once_and_counted(app):
    first = demo.load()
    loaded = counts()
    actions = db.session.scalar(select(func.count()).select_from(Action))
    second = demo.load()

    assert counts() == loaded
    assert {kind: first[kind] for kind in MODELS} == loaded
    assert first["actions"] == actions  # the children's actions and those agreed at meetings
    assert all(second[kind] == 0 for kind in (*MODELS, "actions", "action events"))
    assert loaded["terms"] == 3 and loaded["meetings"] >= 8
    assert demo_meetings.load() == dict.fromkeys(demo_meetings.load(), 0)


@pytest.mark.demo
def test_held_meetings_have_attendance_minutes_and_actions_on_the_plans(app):
    now = utcnow()
    held = meetings(Meeting.status == "held")

    assert len(held) >= 3
    for meeting in held:
        assert meeting.ends_at < now and meeting.held_at <= now
        assert meeting.confidentiality_read and meeting.present_confirmed_at
        invitations = day_summary.standing_invitations(meeting.id)
        items = day_summary.standing_items(meeting.id)
        assert invitations and all(i.attendance for i in invitations)
        assert items and day_summary.missing_for_held(items, invitations) == []
        for item in items:
            assert item.worries and item.working_well and item.needs_to_happen and item.decision
        actions = db.session.scalars(select(Action).where(Action.meeting_id == meeting.id)).all()
        assert actions, meeting.reference
        children = {item.child_id for item in items}
        for action in actions:
            assert db.session.get(SharedPlan, action.plan_id).child_id in children
    attendance = {i.attendance for m in held for i in day_summary.standing_invitations(m.id)}
    assert attendance == {"attended", "apologies", "apologies_with_update", "did_not_attend"}
    assert db.session.scalar(select(func.count()).select_from(UninvitedAttendee)) >= 1


@pytest.mark.demo
def test_upcoming_meetings_have_invitations_and_answers(app):
    upcoming = meetings(Meeting.status == "scheduled", Meeting.starts_at > utcnow())

    assert len(upcoming) >= 3
    answers = []
    for meeting in upcoming:
        rows = day_summary.standing_invitations(meeting.id)
        assert rows, meeting.reference
        assert all(i.attendance is None for i in rows)
        answers += rows
    assert {"awaiting", "attending", "apologies", "apologies_with_update"} <= {
        i.answer for i in answers
    }
    with_update = [i for i in answers if i.answer == "apologies_with_update"]
    assert with_update and all(i.written_update and i.answered_at for i in with_update)
    assert any(invited(m, FARAH) for m in upcoming) and any(invited(m, NIA) for m in upcoming)
    assert all(i.answered_at <= utcnow() for i in answers if i.answered_at)


@pytest.mark.demo
def test_one_meeting_is_cancelled_one_moved_and_one_has_minutes_overdue(app):
    now = utcnow()

    [cancelled] = meetings(Meeting.status == "cancelled")
    assert cancelled.cancel_reason and cancelled.sequence == 1
    kinds = [c.kind for c in db.session.scalars(select(MeetingChange).order_by(MeetingChange.id))]
    assert kinds.count("moved") == 1 and kinds.count("cancelled") == 1
    assert kinds.count("booked") == len(meetings())
    overdue = meetings(day.minutes_overdue(now))
    assert len(overdue) == 1 and overdue[0].present_confirmed_at is not None


@pytest.mark.demo
def test_no_agenda_child_lacks_an_agreement_and_requests_await_triage(app):
    items = db.session.scalars(select(AgendaItem)).all()

    children = [item for item in items if item.child_id is not None]
    assert children and all(current_agreement(item.child_id) for item in children)
    assert len([item for item in items if item.child_id is None]) == 1  # the consultation
    requests = db.session.scalars(select(TasRequest)).all()
    waiting = [r for r in requests if r.status == "awaiting_triage"]
    assert len(waiting) >= 2 and all(r.agreement_id for r in requests)
    accepted = [r for r in requests if r.status == "accepted"]
    assert accepted and any(item.request_id == accepted[0].id for item in items)
    assert {r.status for r in requests} >= {"awaiting_triage", "accepted", "advice_given"}


@pytest.mark.demo
def test_the_fim_practitioner_sees_an_invited_meeting_in_their_list(app):
    upcoming = meetings(Meeting.status == "scheduled", Meeting.starts_at > utcnow())
    theirs = {m.reference for m in upcoming if invited(m, FARAH)}
    browser = Visitor(app.test_client())
    assert browser.sign_in(FARAH, demo.DEMO_PASSWORD).status_code == 302

    response = browser.get("/meetings")

    listed = set(re.findall(r"MTG-\d{4}", response.get_data(as_text=True)))
    assert response.status_code == 200
    assert theirs and theirs <= listed
    assert "Apologies with a written update" in response.get_data(as_text=True)
    reference = sorted(theirs)[0]
    meeting_id = int(reference.removeprefix("MTG-"))
    assert browser.get(f"/meetings/{meeting_id}").status_code == 200


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            2025,
            [
                ("autumn", date(2025, 9, 4), date(2025, 12, 19), date(2025, 10, 27)),
                ("spring", date(2026, 1, 5), date(2026, 3, 27), date(2026, 2, 16)),
                ("summer", date(2026, 4, 13), date(2026, 7, 22), date(2026, 5, 25)),
            ],
        ),
        (
            2026,
            [
                ("autumn", date(2026, 9, 3), date(2026, 12, 18), date(2026, 10, 26)),
                ("spring", date(2027, 1, 4), date(2027, 3, 19), date(2027, 2, 15)),
                ("summer", date(2027, 4, 5), date(2027, 7, 22), date(2027, 5, 31)),
            ],
        ),
    ],
)
def test_term_dates_follow_the_english_school_year(year, expected):
    terms = demo_meetings.term_dates(year)

    assert [(name, starts, ends, half) for name, starts, ends, half, _ in terms] == expected
    for _, starts, ends, half_starts, half_ends in terms:
        assert starts.weekday() < 5 and ends.weekday() < 5
        assert half_starts.weekday() == 0 and (half_ends - half_starts).days == 4
        assert starts < half_starts < half_ends < ends
    # The late May bank holiday falls in the summer half term; Easter in the holidays.
    assert terms[2][3] in ENGLAND_AND_WALES
    easter = [
        day
        for day, name in holidays.country_holidays("GB", subdiv="ENG", years=year + 1).items()
        if name in ("Good Friday", "Easter Monday")
    ]
    assert len(easter) == 2 and all(terms[1][2] < d < terms[2][1] for d in easter)


def test_the_meetings_fall_on_school_days_around_a_known_day(app):
    """Wednesday 25 November 2026: a person can check each date against the calendar."""
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=UTC), tick=False):
        demo.load()
        shown = [
            (m.school.name, local(m.starts_at).date(), f"{local(m.starts_at):%H:%M}", m.status)
            for m in meetings()
        ]

    assert shown == [
        ("Oakfield Primary", date(2026, 10, 23), "09:00", "held"),  # not in half term
        ("Castle Academy", date(2026, 11, 6), "13:30", "held"),
        ("Oakfield Primary", date(2026, 11, 13), "09:00", "held"),
        ("Castle Academy", date(2026, 11, 19), "13:30", "scheduled"),  # minutes overdue
        ("Oakfield Primary", date(2026, 12, 2), "09:00", "scheduled"),
        ("Castle Academy", date(2026, 12, 9), "13:30", "scheduled"),
        ("Oakfield Primary", date(2026, 12, 16), "15:45", "scheduled"),
        ("Oakfield Primary", date(2027, 1, 4), "09:00", "scheduled"),  # after the holidays
        ("Castle Academy", date(2027, 1, 4), "13:30", "cancelled"),
    ]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2027, 8, 10, 12, 0, tzinfo=UTC),  # summer holidays
        datetime(2026, 12, 24, 12, 0, tzinfo=UTC),  # Christmas
        datetime(2027, 3, 29, 7, 30, tzinfo=UTC),  # Easter Monday, first day of BST
        datetime(2031, 2, 14, 12, 0, tzinfo=UTC),
    ],
)
def test_the_demo_loads_on_any_day_with_past_and_future_meetings(app, moment):
    with time_machine.travel(moment, tick=False):
        demo.load()
        now = utcnow()
        rows = meetings()
        terms = db.session.scalars(select(Term)).all()
        held = [m for m in rows if m.status == "held"]
        upcoming = [m for m in rows if m.status == "scheduled" and m.starts_at > now]
        overdue = meetings(day.minutes_overdue(now))

    assert len(terms) == 3 and len(held) == 3 and len(upcoming) == 4 and len(overdue) == 1
    assert all(m.ends_at < now for m in held)
    for meeting in rows:
        on = local(meeting.starts_at).date()
        assert on.weekday() < 5 and on not in ENGLAND_AND_WALES
        assert local(meeting.starts_at).hour in (9, 13, 15)
    school_days = {(m.school_id, local(m.starts_at).date()) for m in rows}
    assert len(school_days) == len(rows)  # never two meetings of a school on one day
