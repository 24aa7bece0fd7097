"""Pure rules of the voice of the child: the choices a person records, when a concern must be
answered, when it is reminded, and the words of its alerts. No Flask, no database; the moment
and the bank holidays are arguments.

A concern the child raises needs a recorded response the same working day (docs/design.md,
"Timescales"): by RESPONSE_BY_HOUR of the day it is recorded on when that is a working day and
the hour has not passed, otherwise by that hour of the next working day. It is reminded hourly
from its recording, within the reminder hours of working days, until it is answered.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime, time, timedelta

from tas.core.choices import Choice
from tas.core.days import add_working_days, is_working_day
from tas.core.words import long_date, spoken_clock, weekday_date

SETTINGS = (
    Choice("school", "School"),
    Choice("home_visit", "Home visit"),
    Choice("clinic", "Clinic"),
    Choice("tas_meeting", "TAS meeting"),
    Choice("other", "Other"),
)
HEARD = (
    Choice("directly", "Directly: the child told us"),
    Choice("drawing", "Through a drawing or other work"),
    Choice("trusted_adult", "Through a trusted adult"),
)
RESPONSES = (
    Choice("escalated_to_dsl", "Escalated to the designated safeguarding lead"),
    Choice("referred_to_ifd", "Referred to the Integrated Front Door"),
    Choice("advice_sought", "Advice sought"),
    Choice("no_further_action", "No further action"),
)
RESPONSE_CODES = frozenset(choice.code for choice in RESPONSES)
# Each response names who was told or asked, except no further action.
NAMES_A_CONTACT = frozenset({"escalated_to_dsl", "referred_to_ifd", "advice_sought"})
CONCERN_ALERT = "concern_alert"  # the alert sent at once, as a reminder row's kind
HOURLY = "concern_h"  # an hourly reminder's kind: concern_h1, concern_h2... (hours since)


def heard_on_problem(heard_on: date, today: date, date_of_birth: date) -> str | None:
    """What is wrong with the date a child was heard, if anything."""
    if heard_on > today:
        return "The date the child was heard must be today or in the past"
    if heard_on < date_of_birth:
        return (
            "The date the child was heard must be on or after their date of birth, "
            f"{long_date(date_of_birth)}"
        )
    return None


def concern_reference(entry_id: int) -> str:
    """The reference used wherever a child's name must not appear: VC-0042."""
    return f"VC-{entry_id:04d}"


def response_due(recorded_at: datetime, by_hour: int, holidays: Container[date] = ()) -> datetime:
    """When a concern recorded at `recorded_at` (aware, in the partnership's zone) must be
    answered by: `by_hour`:00 that day if it is a working day and the hour has not come, else
    `by_hour`:00 on the next working day. A concern at 16:59 on a Friday is due at 17:00 that
    Friday; one at 17:00 is due at 17:00 on Monday (Tuesday after a bank holiday Monday)."""
    zone = recorded_at.tzinfo
    day = recorded_at.date()
    deadline = time(by_hour)
    if not is_working_day(day, holidays) or recorded_at.time() >= deadline:
        day = add_working_days(day, 1, holidays)
    return datetime.combine(day, deadline, tzinfo=zone)


def hourly_reminder(
    recorded_at: datetime,
    now: datetime,
    hours: tuple[int, int],
    holidays: Container[date] = (),
) -> str | None:
    """The reminder kind due at `now` for a concern still unanswered, or None: one each whole
    hour since it was recorded (the alert at once covers the first), on working days between
    hours[0]:00 and hours[1]:00 (both moments aware, in the partnership's zone). After a pause
    (a night, a weekend, downtime) only the current hour's reminder is due, not every one
    missed."""
    since = now - recorded_at
    if since < timedelta(hours=1):
        return None
    if not is_working_day(now.date(), holidays) or not hours[0] <= now.hour < hours[1]:
        return None
    return f"{HOURLY}{int(since // timedelta(hours=1))}"


def overdue(due_at: datetime, now: datetime) -> bool:
    return now >= due_at


def due_words(due_at: datetime, now: datetime) -> str:
    """ "by 5:00pm today", "by 5:00pm on Monday 21 December 2026", "was due by 5:00pm today"
    (both moments in the partnership's zone)."""
    when = "today" if due_at.date() == now.date() else f"on {weekday_date(due_at.date())}"
    if overdue(due_at, now):
        return f"was due by {spoken_clock(due_at)} {when}"
    return f"by {spoken_clock(due_at)} {when}"


def deadline_words(due_at: datetime) -> str:
    """ "by 5:00pm on Monday 21 December 2026": what a message kept and read later says, where
    "today" would stop being true the next day (a notification stays in the list)."""
    return f"by {spoken_clock(due_at)} on {weekday_date(due_at.date())}"


def alert_subject(reference: str, due_at: datetime) -> str:
    """The alert's email subject and notification title: the reference only, never a child.
    "Concern recorded: VC-0042 needs a response by 5:00pm on Friday 11 December 2026"."""
    return f"Concern recorded: {reference} needs a response {deadline_words(due_at)}"


def reminder_subject(reference: str, due_at: datetime, now: datetime) -> str:
    """An hourly reminder's subject: "Overdue: concern VC-0042 was due by 5:00pm on Friday 11
    December 2026"."""
    if overdue(due_at, now):
        return f"Overdue: concern {reference} was due {deadline_words(due_at)}"
    return f"Concern not answered: {reference} needs a response {deadline_words(due_at)}"


def told_words(
    school: str, dsls: int, leads: dict[str, int], coordinators: int, leaderless: str | None
) -> str:
    """Who was told of a concern at once, by role and organisation, as the page says it after
    it is recorded: how many of the school's DSLs, each agency's safeguarding leads and the
    coordinators (`leads`: agency name -> how many), and that the recording agency (named by
    `leaderless`) has no safeguarding lead to tell."""
    told = []
    if dsls:
        told.append(f"{_the(dsls, 'designated safeguarding lead')} of {school}")
    told += [f"{_the(n, 'safeguarding lead')} of {agency}" for agency, n in leads.items()]
    if coordinators:
        told.append(f"{_the(coordinators, 'coordinator')} covering {school}")
    if not told:
        said = "No one else has been told: tell the school's designated safeguarding lead now."
    else:
        who = told[0] if len(told) == 1 else f"{', '.join(told[:-1])} and {told[-1]}"
        said = f"Told at once, in the service and by email: {who}."
    if leaderless:
        said += f" {leaderless} has no safeguarding lead in the service to tell."
    return said


def _the(n: int, role: str) -> str:
    """ "the coordinator", "the 2 coordinators"."""
    return f"the {role}" if n == 1 else f"the {n} {role}s"
