"""A frozen clock walks a concern recorded at 16:59 on Friday 18 December 2026 through the
reminder engine (tas.jobs.run_pass): it is due at 17:00 that Friday; the DSL and the safeguarding
lead are told at once; the recorder, the DSLs and the lead are reminded each whole hour since the
recording within 08:00-18:00 of working days (so nothing over the weekend; bank holidays are the
unit tests'), once per hour however many passes run; never in a digest, even for someone who
chose one; and nothing once the response is recorded."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import time_machine
from sqlalchemy import select

from tas.core.clock import LONDON
from tas.extensions import db
from tas.jobs import run_pass
from tas.organisations.models import User
from tas.outbox.models import OutboxMessage
from tas.reminders.models import Reminder
from tas.voice import services as voice
from tas.voice.models import VoiceEntry
from tests.voice.helpers import WORDS, child_and_team


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


FRIDAY = date(2026, 12, 18)


def subjects_since(last: int) -> list[tuple[str, str]]:
    return [
        (row.recipients, row.subject)
        for row in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id > last).order_by(OutboxMessage.id)
        )
    ]


def newest_email() -> int:
    return db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())) or 0


def test_a_concern_at_1659_on_a_friday_is_reminded_hourly_until_answered(app):
    team = child_and_team()
    team.lead.reminder_digest = True  # a concern never waits for a digest
    db.session.commit()
    with time_machine.travel(moment(FRIDAY, 16, 59), tick=False):
        entry = voice.record_entry(
            team.child,
            team.practitioner,
            {
                "heard_on": FRIDAY,
                "setting": "school",
                "setting_detail": None,
                "captured_by": "Farah",
                "heard_how": "directly",
                "words": WORDS,
                "raises_concern": True,
                "restricted": False,
                "not_for_parent": False,
                "third_party": False,
            },
        )
    assert entry.response_due_at == moment(FRIDAY, 17)
    reference = f"VC-{entry.id:04d}"
    told_at_once = subjects_since(0)
    assert {subject for _, subject in told_at_once} == {
        f"Concern recorded: {reference} needs a response by 5:00pm on Friday 18 December 2026"
    }
    assert team.lead.email in {to for to, _ in told_at_once}
    people = 1 + 2 + 1  # the recorder, the school's two DSLs, the lead

    sent: dict[datetime, list[tuple[str, str]]] = {}
    last = newest_email()
    passes = [moment(FRIDAY, 17, 30), moment(FRIDAY, 17, 59), moment(FRIDAY, 18, 5)]
    # The weekend every three hours; Monday and Tuesday every half hour (two passes an hour).
    passes += [moment(FRIDAY + timedelta(days=1), 0) + timedelta(hours=3 * n) for n in range(16)]
    when = moment(date(2026, 12, 21), 7)
    while when < moment(date(2026, 12, 22), 13):
        passes.append(when)
        when += timedelta(minutes=30)
    for at in passes:
        with time_machine.travel(at, tick=False):
            run_pass(at)
        sent[at] = subjects_since(last)
        last = newest_email()

    reminded = {at: emails for at, emails in sent.items() if emails}
    # Friday at 17:59: an hour since recording, and overdue; then nothing until Monday 08:00.
    first = moment(FRIDAY, 17, 59)
    assert min(reminded) == first
    assert sorted(to for to, _ in reminded[first]) == sorted(
        [team.practitioner.email, team.lead.email, team.dsl.email, *other_dsls(team)]
    )
    assert {subject for _, subject in reminded[first]} == {
        f"Overdue: concern {reference} was due by 5:00pm on Friday 18 December 2026"
    }
    later = sorted(at for at in reminded if at != first)
    assert later[0] == moment(date(2026, 12, 21), 8, 0)
    # Monday and Tuesday: one reminder per person in each whole hour since 16:59, however many
    # passes ran in it: Monday 08:00 to 17:30, then Tuesday 08:00 to 12:30.
    assert all(len(reminded[at]) == people for at in later)
    assert len(later) == 10 + 5
    assert all(at.minute == 0 for at in later)  # 16:59 + n hours falls in the hour's first pass
    assert {subject for at in later for _, subject in reminded[at]} == {
        f"Overdue: concern {reference} was due by 5:00pm on Friday 18 December 2026"
    }
    rows = db.session.scalars(select(Reminder).where(Reminder.target_id == entry.id)).all()
    assert {row.status for row in rows} == {"sent"}  # never kept for the lead's digest

    # Answered on Tuesday at 12:40: no reminder after it.
    with time_machine.travel(moment(date(2026, 12, 22), 12, 40), tick=False):
        answered = db.session.get(VoiceEntry, entry.id)
        voice.respond(
            answered,
            team.dsl,
            answered.version,
            {
                "response": "escalated_to_dsl",
                "response_contact": "Dana",
                "response_reasons": "Spoken to her mother.",
            },
        )
    last = newest_email()
    for at in (moment(date(2026, 12, 22), 13, 0), moment(date(2026, 12, 23), 9, 0)):
        with time_machine.travel(at, tick=False):
            run_pass(at)
    assert subjects_since(last) == []


def other_dsls(team) -> list[str]:
    return [
        email
        for email in db.session.scalars(
            select(User.email).where(
                User.role == "dsl", User.school_id == team.school.id, User.id != team.dsl.id
            )
        )
    ]
