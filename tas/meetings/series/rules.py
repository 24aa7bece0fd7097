"""The dates of a school's termly series of meetings. Pure: no Flask, no database; the terms
(coordinator-entered term dates) and the bank holidays are arguments.

Two patterns, both on one weekday at one time:
- every N weeks from a first date until the end of a term or a date;
- N meetings evenly spaced across each term of an academic year (spaced over the term's
  weekdays of that kind, from its first day to its last).
A date that falls on a bank holiday, in a half-term holiday or outside term, or is already past
(today's too, once its start time has passed), is not booked: it is skipped and listed with the
reason, so the organiser can book a replacement.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from tas.core import times
from tas.core.days import academic_year
from tas.core.school_calendar import (
    TermDates,
    term_dates_known,
    why_closed,
)
from tas.meetings.rules import started_by

EVERY_N_WEEKS = "every_n_weeks"
PER_TERM = "per_term"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
LONGEST_SERIES = timedelta(days=366)  # a series runs for a year at most
MOST_EVERY_WEEKS = 12
MOST_PER_TERM = 12

CLOCKS_CHANGE = "The clocks change at that time of day"
PAST = "Already past"
STARTED = "Today, but the start time has already passed"


def no_term_dates(year: int) -> str:
    return f"No term dates entered for {year} to {year + 1}"


@dataclass(frozen=True)
class Skipped:
    on: date
    reason: str

    def stored(self) -> dict:
        """As MeetingSeries.skipped keeps it."""
        return {"on": self.on.isoformat(), "reason": self.reason}


@dataclass
class Occurrences:
    """The dates to book, and those skipped with why."""

    dates: list[date] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class PatternProblem(ValueError):
    """The pattern cannot give dates as it stands: field name -> what to put right."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


def in_term(day: date, terms: Iterable) -> bool:
    """The school is open in term that day: within a term, not in its half-term holiday."""
    return any(
        term.starts_on <= day <= term.ends_on and not TermDates.of(term).in_half_term(day)
        for term in terms
    )


def why_skipped(
    day: date, terms: Sequence, holidays: Container[date], today: date | None = None
) -> str | None:
    """Why no meeting can be on this day, or None when it can: the school is closed
    (school_calendar.why_closed), the day is past, or no term dates are known for its year."""
    if today is not None and day < today:
        return PAST
    closed = why_closed(day, terms, holidays)
    if closed is not None:
        return closed
    if not term_dates_known(day, terms):
        return no_term_dates(academic_year(day))
    return None


def _sorted(
    days: Iterable[date], terms: Sequence, holidays: Container[date], today: date | None
) -> Occurrences:
    found = Occurrences()
    for day in sorted(set(days)):
        reason = why_skipped(day, terms, holidays, today)
        if reason is None:
            found.dates.append(day)
        else:
            found.skipped.append(Skipped(day, reason))
    return found


def first_weekday(start: date, weekday: int) -> date:
    """The first day on or after `start` that is the weekday (0 Monday ... 4 Friday)."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def every_n_weeks(
    start: date,
    weekday: int,
    every: int,
    until: date,
    terms: Sequence,
    holidays: Container[date],
    today: date | None = None,
) -> Occurrences:
    """The weekday every `every` weeks, from the first such day on or after `start` up to and
    including `until`. Days before `today` are skipped as past."""
    problems = {}
    if not 1 <= every <= MOST_EVERY_WEEKS:
        problems["every_weeks"] = f"Enter a number of weeks from 1 to {MOST_EVERY_WEEKS}"
    if until < start:
        problems["until_date"] = "The series must end after its first date"
    elif until - start > LONGEST_SERIES:
        problems["until_date"] = "A series can run for a year at most: choose an earlier end"
    if problems:
        raise PatternProblem(problems)
    days = []
    day = first_weekday(start, weekday)
    while day <= until:
        days.append(day)
        day += timedelta(weeks=every)
    return _sorted(days, terms, holidays, today)


def evenly_spaced(days: Sequence[date], count: int) -> list[date]:
    """`count` of the days, spread evenly: the middle of each of `count` equal parts."""
    return [days[((2 * index + 1) * len(days)) // (2 * count)] for index in range(count)]


def per_term(
    year_terms: Sequence,
    weekday: int,
    count: int,
    holidays: Container[date],
    today: date | None = None,
) -> Occurrences:
    """`count` meetings in each of the terms, evenly spaced over the term's weekdays of that
    kind (first day to last day); those landing in half-term, on a bank holiday or before
    `today` are skipped."""
    if not year_terms:
        raise PatternProblem({"academic_year": "Select an academic year with term dates entered"})
    if not 1 <= count <= MOST_PER_TERM:
        raise PatternProblem(
            {"per_term": f"Enter a number of meetings from 1 to {MOST_PER_TERM} in each term"}
        )
    days = []
    for term in sorted(year_terms, key=lambda t: t.starts_on):
        candidates = []
        day = first_weekday(term.starts_on, weekday)
        while day <= term.ends_on:
            candidates.append(day)
            day += timedelta(weeks=1)
        if len(candidates) < count:
            raise PatternProblem({"per_term": _too_few(term.name, WEEKDAYS[weekday], candidates)})
        days.extend(evenly_spaced(candidates, count))
    return _sorted(days, year_terms, holidays, today)


def _too_few(term: str, weekday: str, candidates: list[date]) -> str:
    if not candidates:
        return f"The {term} term has no {weekday}s: choose another weekday"
    return (
        f"The {term} term has only {len(candidates)} {weekday}s: choose {len(candidates)} or "
        "fewer meetings a term, or another weekday"
    )


@dataclass(frozen=True)
class Timed:
    """One occurrence's UTC start and end."""

    on: date
    starts_at: object  # datetime (UTC)
    ends_at: object


def timed(
    occurrences: Occurrences,
    starts: time,
    ends: time,
    zone: tzinfo,
    now: datetime | None = None,
) -> tuple[list[Timed], list[Skipped]]:
    """Each date at the local start and end time; a date on which either time does not exist
    or happens twice (the clock changes) is skipped rather than guessed, and so is one whose
    start has passed by `now` (today's, set up after its start time: `why_skipped` compares
    dates only), as a single booking refuses it (tas.meetings.rules.started_by)."""
    booked, skipped = [], list(occurrences.skipped)
    for day in occurrences.dates:
        try:
            at = Timed(day, times.to_utc(day, starts, zone), times.to_utc(day, ends, zone))
        except times.LocalTimeProblem:
            skipped.append(Skipped(day, CLOCKS_CHANGE))
            continue
        if now is not None and started_by(at.starts_at, now):
            skipped.append(Skipped(day, STARTED if day == now.astimezone(zone).date() else PAST))
            continue
        booked.append(at)
    return booked, sorted(skipped, key=lambda s: s.on)
