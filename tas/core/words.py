"""Dates and times in words, as people in England read them. Pure: no Flask, no database.

Stored times are UTC; the functions taking a datetime show it in Europe/London first.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache

from tas.core.clock import local


@lru_cache(maxsize=4096)  # a list of thousands of flags repeats a few hundred days
def long_date(day: date) -> str:
    """3 December 2026."""
    return f"{day.day} {day:%B %Y}"


def weekday_date(day: date) -> str:
    """Wednesday 2 December 2026."""
    return f"{day:%A} {long_date(day)}"


def clock(moment: time | datetime) -> str:
    """A time as the forms take it, on the 24-hour clock: 09:30."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def spoken_clock(moment: time | datetime) -> str:
    """A time in the GOV.UK style: 9:05am, 5:30pm, midday, midnight (already local)."""
    if (moment.hour, moment.minute) == (0, 0):
        return "midnight"
    if (moment.hour, moment.minute) == (12, 0):
        return "midday"
    return moment.strftime("%I:%M%p").lstrip("0").lower()


def local_date(moment: date | datetime | None) -> str:
    """A stored moment's (or a day's) date: 3 December 2026; nothing for no date."""
    if moment is None:
        return ""
    return long_date(local(moment) if isinstance(moment, datetime) else moment)


def local_datetime(moment: datetime | None) -> str:
    """A stored moment: 3 December 2026 at 9:05am; nothing for no moment."""
    if moment is None:
        return ""
    shown = local(moment)
    return f"{long_date(shown)} at {spoken_clock(shown)}"


def meeting_times(starts_at: datetime, ends_at: datetime) -> str:
    """A meeting's times: "9:00am to 10:30am", or "9:00pm to 3 December at 1:00am" when it
    ends on another day; a time in the hour the clocks go back through twice says which
    ("1:45am BST to 1:15am GMT")."""
    starts, ends = local(starts_at), local(ends_at)
    if ends.date() != starts.date():
        return f"{_which(starts)} to {ends.day} {ends:%B} at {_which(ends)}"
    return f"{_which(starts)} to {_which(ends)}"


def _which(shown: datetime) -> str:
    """The local time in words, with its zone when the clocks show that time twice that day."""
    repeated = shown.replace(fold=1 - shown.fold).utcoffset() != shown.utcoffset()
    return f"{spoken_clock(shown)} {shown.tzname()}" if repeated else spoken_clock(shown)


def meeting_when(starts_at: datetime, ends_at: datetime) -> str:
    """A meeting's date and times: 2 December 2026, 9:00am to 10:30am."""
    return f"{long_date(local(starts_at))}, {meeting_times(starts_at, ends_at)}"


def meeting_day_and_times(starts_at: datetime, ends_at: datetime) -> tuple[str, str]:
    """A meeting's day and its times, as invitations set them out:
    ("Wednesday 2 December 2026", "9:00am to 10:30am")."""
    return weekday_date(local(starts_at).date()), meeting_times(starts_at, ends_at)


def in_a_sentence(words: str) -> str:
    """A name that starts a label, as it reads inside a sentence: "Plan review" becomes "plan
    review"; an abbreviation ("IFD decision") keeps its capitals."""
    if words[1:2].isupper():
        return words
    return words[:1].lower() + words[1:]


def spoken_clocks(moments: list[time]) -> str:
    """Times in a sentence, each as `spoken_clock` writes it: "9:15am, 9:45am and 10:00am"."""
    said = [spoken_clock(moment) for moment in moments]
    return said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"
