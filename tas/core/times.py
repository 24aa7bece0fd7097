"""A local date and wall-clock time (Europe/London) as a UTC moment, honest about the clock
changes. Pure: no Flask, no database; the time zone is an argument.

- In spring the clocks go forward: 01:30 on 29 March 2026 never happens in London. Such a time
  is refused, saying which times do exist that day.
- In autumn the clocks go back: 01:30 on 25 October 2026 happens twice (first in BST, then in
  GMT). Such a time is ambiguous until the person says which one they mean (`fold`: 0 for the
  first, 1 for the second, as in PEP 495).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from tas.core.words import clock, long_date

CLOCK = re.compile(r"^([0-9]{1,2})[:.]([0-9]{2})$")
FIRST, SECOND = 0, 1
_LONGEST_GAP = 24 * 60  # minutes: no zone skips or repeats more than a day


def parse_clock(text: str | None) -> time | None:
    """A 24-hour clock time as typed: "09:30", "9:30" or "9.30"; None when it is not one."""
    match = CLOCK.match((text or "").strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


@dataclass(frozen=True)
class Reading:
    """One of the two moments an ambiguous local time can mean."""

    fold: int
    at: datetime  # UTC
    label: str  # 01:30 BST, the first time


class LocalTimeProblem(ValueError):
    """A local time that cannot be turned into one moment as it stands."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class MissingTime(LocalTimeProblem):
    """The time does not exist that day: the clocks went forward past it."""

    def __init__(self, day: date, wanted: time, gap_starts: time, gap_ends: time):
        super().__init__(
            f"{clock(wanted)} does not exist on {long_date(day)} because the clocks go forward "
            f"at {clock(gap_starts)}. Enter a time before {clock(gap_starts)} or from "
            f"{clock(gap_ends)}"
        )
        self.gap_starts, self.gap_ends = gap_starts, gap_ends


class AmbiguousTime(LocalTimeProblem):
    """The time happens twice that day: the clocks went back over it."""

    def __init__(self, day: date, wanted: time, readings: tuple[Reading, Reading]):
        super().__init__(
            f"{clock(wanted)} happens twice on {long_date(day)} because the clocks go back. "
            f"Select which {clock(wanted)} you mean"
        )
        self.readings = readings


def _exists(naive: datetime, zone: tzinfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def _gap(naive: datetime, zone: tzinfo) -> tuple[time, time]:
    """The first missing minute and the first minute that exists again, around `naive`."""
    step = timedelta(minutes=1)
    starts, ends = naive, naive
    for _ in range(_LONGEST_GAP):
        if _exists(starts - step, zone):
            break
        starts -= step
    for _ in range(_LONGEST_GAP):
        ends += step
        if _exists(ends, zone):
            break
    return starts.time(), ends.time()


def readings(day: date, wanted: time, zone: tzinfo) -> tuple[Reading, Reading] | None:
    """Both moments an ambiguous local time means, first then second; None when it means one
    (or none)."""
    naive = datetime.combine(day, wanted)
    first = naive.replace(tzinfo=zone, fold=FIRST)
    second = naive.replace(tzinfo=zone, fold=SECOND)
    if first.utcoffset() == second.utcoffset() or not _exists(naive, zone):
        return None
    return (
        Reading(FIRST, first.astimezone(UTC), f"{clock(wanted)} {first.tzname()}, the first time"),
        Reading(
            SECOND, second.astimezone(UTC), f"{clock(wanted)} {second.tzname()}, the second time"
        ),
    )


def to_utc(day: date, wanted: time, zone: tzinfo, fold: int | None = None) -> datetime:
    """The UTC moment of a local date and time.

    Raises MissingTime when the time does not exist that day, and AmbiguousTime when it happens
    twice and `fold` does not say which (0: the first, 1: the second)."""
    naive = datetime.combine(day, wanted)
    if not _exists(naive, zone):
        raise MissingTime(day, wanted, *_gap(naive, zone))
    both = readings(day, wanted, zone)
    if both is None:
        return naive.replace(tzinfo=zone).astimezone(UTC)
    if fold not in (FIRST, SECOND):
        raise AmbiguousTime(day, wanted, both)
    return both[fold].at


def local_parts(moment: datetime, zone: tzinfo) -> tuple[date, str, int]:
    """A stored UTC moment as a form shows it: local date, "09:30", and which of a repeated
    time it is (0 or 1)."""
    shown = moment.astimezone(zone)
    return shown.date(), clock(shown), shown.fold
