"""A frozen clock walks a step down through eight weeks across Christmas (docs/security.md I38).

Step down recorded on Monday 14 December 2026: the handover (TAF) meeting is due 10 working
days later, skipping the bank holidays on 25 and 28 December: Wednesday 30 December. Reminders
go 5 working days before (21 December), 1 before (29 December), on the day, then each working
day while overdue (not on New Year's Day), never before 07:00, never at weekends or on bank
holidays; the coordinator's weekly digest goes on Mondays (Tuesday 29 December in the week of
the Boxing Day holiday); nothing after completion; and after downtime one catch-up message.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy

import time_machine
from sqlalchemy import select

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import LONDON
from tas.core.days import is_working_day
from tas.extensions import db
from tas.jobs import run_pass
from tas.levels import services as levels
from tas.outbox.models import OutboxMessage
from tas.reminders.models import Reminder
from tas.reviews import completion as review_completion
from tas.reviews.models import Review
from tests import factories
from tests.reviews.helpers import child_with_plan

STEP_DOWN_DAY = date(2026, 12, 14)
HANDOVER_DUE = date(2026, 12, 30)


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def new_emails(after: int) -> list[tuple[int, str, str, str]]:
    """(id, to, subject, body) of the emails queued since `after`."""
    found = []
    for row in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id > after).order_by(OutboxMessage.id)
    ):
        message = message_from_bytes(row.raw, policy=policy.default)
        to = message["To"].addresses[0].addr_spec
        found.append((row.id, to, str(message["Subject"]), message.get_content()))
    return found


class Walk:
    """Passes at chosen moments, and every email they sent, by day."""

    def __init__(self):
        self.last = 0
        self.sent: list[tuple[date, str, str]] = []  # (day, to, subject)
        self.bodies: list[str] = []

    def pass_at(self, when: datetime) -> list[tuple[str, str]]:
        with time_machine.travel(when, tick=False):
            run_pass(when)
        found = new_emails(self.last)
        if found:
            self.last = found[-1][0]
        for _, to, subject, body in found:
            self.sent.append((when.date(), to, subject))
            self.bodies.append(body)
        return [(to, subject) for _, to, subject, _ in found]

    def to(self, address: str) -> list[tuple[date, str]]:
        return [(day, subject) for day, to, subject in self.sent if to == address]


def step_down(setting) -> Review:
    """Record the step down the way the level page does, at 10:00 on the day."""
    with time_machine.travel(moment(STEP_DOWN_DAY, 10), tick=False):
        levels.step_down(
            setting.child,
            setting.link_worker,
            {
                "to_level": "early_help",
                "changed_on": STEP_DOWN_DAY,
                "reason": "Assessment closed; the family agreed to early help",
                "decided_by": "Children's Social Care",
                "meeting_id": None,
                "last_change": levels.last_change_id(setting.child.id),  # as the form carries
            },
        )
    return db.session.scalar(select(Review).where(Review.kind == "handover_meeting"))


def complete(review: Review, by, day: date) -> None:
    """The handover meeting was held: completed the way the review page does, at noon."""
    with time_machine.travel(moment(day, 12), tick=False):
        review = db.session.get(Review, review.id)
        review_completion.complete(
            review,
            review.version,
            {"outcome": "held", "completed_on": day, "notes": "", "next_on": None, "scores": {}},
            by,
            review_completion.plan_context(review),
        )


def held_by_social_care():
    """A child held by Children's Social Care, with a shared plan held too, led by the
    school's link worker."""
    return child_with_plan(level="social_care", status="held_by_social_care")


def test_eight_weeks_of_a_step_down_across_christmas(app):
    setting = held_by_social_care()
    dsl, lead = setting.dsl, setting.link_worker
    coordinator = factories.user("coordinator", clusters=[setting.school.cluster])
    db.session.flush()
    # An action agreed earlier, owned by the DSL, due on Friday 18 December.
    action = factories.action(
        setting.plan, owner_kind="person", owner_user_id=dsl.id, due_on=date(2026, 12, 18)
    )
    db.session.commit()
    ref = setting.plan.reference

    walk = Walk()
    review = None
    for day in days(date(2026, 12, 11), date(2027, 2, 10)):
        assert walk.pass_at(moment(day, 6, 55)) == [], f"an email before 07:00 on {day}"
        walk.pass_at(moment(day, 7, 5))
        if day == STEP_DOWN_DAY:
            review = step_down(setting)
            assert review.due_on == HANDOVER_DUE
            assert review.owner_id == lead.id
        if day == date(2027, 1, 5):
            complete(review, lead, day)
        if day == date(2027, 1, 14):
            with time_machine.travel(moment(day, 12), tick=False):
                db.session.get(type(action), action.id).status = "done"
                db.session.commit()

    # Never at a weekend or on a bank holiday.
    assert all(is_working_day(day, ENGLAND_AND_WALES) for day, _, _ in walk.sent)

    # The lead practitioner: the handover meeting, then the first plan review 6 weeks on.
    handover = "handover meeting for " + ref
    assert walk.to(lead.email) == [
        (date(2026, 12, 21), f"Reminder: {handover} is due 30 December"),
        (date(2026, 12, 29), f"Reminder: {handover} is due 30 December"),
        (date(2026, 12, 30), f"Reminder: {handover} is due today"),
        (date(2026, 12, 31), f"Overdue: {handover} was due 30 December"),
        (date(2027, 1, 4), f"Overdue: {handover} was due 30 December 2026"),
        (date(2027, 1, 5), f"Overdue: {handover} was due 30 December 2026"),
        # Completed on 5 January: the next plan review is due on Tuesday 16 February.
        (date(2027, 2, 9), f"Reminder: plan review for {ref} is due 16 February"),
    ]

    # The DSL: the action, before, on and after its due day, until it was done. While Social
    # Care held the plan (until the step down on 14 December) nobody could update it, so the
    # 5-day reminder of 11 December waited, and went once, the next morning the plan was open.
    overdue_days = [
        *(date(2026, 12, d) for d in (21, 22, 23, 24, 29, 30, 31)),
        *(date(2027, 1, d) for d in (4, 5, 6, 7, 8, 11, 12, 13, 14)),
    ]
    assert walk.to(dsl.email) == [
        (date(2026, 12, 15), f"Reminder: action for {ref} is due 18 December"),
        (date(2026, 12, 17), f"Reminder: action for {ref} is due 18 December"),
        (date(2026, 12, 18), f"Reminder: action for {ref} is due today"),
        *(
            (
                day,
                f"Overdue: action for {ref} was due 18 December"
                + (" 2026" if day.year == 2027 else ""),
            )
            for day in overdue_days
        ),
    ]

    # The coordinator: Mondays, and Tuesday in the week of the Boxing Day bank holiday, while
    # anything is overdue.
    assert walk.to(coordinator.email) == [
        (date(2026, 12, 21), "Overdue: 1 thing in your clusters"),
        (date(2026, 12, 29), "Overdue: 1 thing in your clusters"),
        (date(2027, 1, 4), "Overdue: 2 things in your clusters"),
        (date(2027, 1, 11), "Overdue: 1 thing in your clusters"),
    ]
    assert len(walk.sent) == 7 + 3 + len(overdue_days) + 4

    # No child's name anywhere.
    for text in [subject for _, _, subject in walk.sent] + walk.bodies:
        assert setting.child.first_name not in text and setting.child.last_name not in text

    # Each reminder row is also the in-app notification, one per day it was for.
    rows = db.session.scalars(
        select(Reminder).where(Reminder.target_kind == "review", Reminder.recipient_id == lead.id)
    ).all()
    assert sorted(row.send_on for row in rows) == [day for day, _ in walk.to(lead.email)]
    assert {row.status for row in rows} == {"sent"}


def test_after_downtime_one_catch_up_message_not_one_per_missed_day(app):
    setting = held_by_social_care()
    lead = setting.link_worker
    ref = setting.plan.reference
    walk = Walk()
    walk.pass_at(moment(STEP_DOWN_DAY, 7, 5))
    step_down(setting)

    # Down from Friday 18 to Monday 21 December: Monday's 5-day reminder was missed.
    for day in (date(2026, 12, 15), date(2026, 12, 16), date(2026, 12, 17)):
        walk.pass_at(moment(day, 7, 5))
    assert walk.to(lead.email) == []
    restarted = date(2026, 12, 22)
    for hour, minute in ((7, 5), (7, 10), (12, 0), (17, 45)):
        walk.pass_at(moment(restarted, hour, minute))
    assert walk.to(lead.email) == [
        (restarted, f"Reminder: handover meeting for {ref} is due 30 December")
    ]

    # Back to normal, then down from Thursday 31 December to Monday 4 January (New Year's Day
    # and a weekend in between): on Tuesday one overdue message, not one per missed day.
    for day in (date(2026, 12, 23), date(2026, 12, 24), date(2026, 12, 29), HANDOVER_DUE):
        walk.pass_at(moment(day, 7, 5))
    for hour in (7, 9, 15):
        walk.pass_at(moment(date(2027, 1, 5), hour, 5))
    assert walk.to(lead.email)[-3:] == [
        (date(2026, 12, 29), f"Reminder: handover meeting for {ref} is due 30 December"),
        (HANDOVER_DUE, f"Reminder: handover meeting for {ref} is due today"),
        (date(2027, 1, 5), f"Overdue: handover meeting for {ref} was due 30 December 2026"),
    ]
    assert len(walk.to(lead.email)) == 4
