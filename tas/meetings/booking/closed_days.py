"""Whether the school is closed on a meeting's day (a weekend, an England and Wales bank holiday,
or a school holiday of the term dates), in words for the organiser to confirm. The rule is
school_calendar.why_closed, the one a termly series skips its dates by."""

from __future__ import annotations

from datetime import date, datetime

from tas.core.bank_holidays import ENGLAND_AND_WALES, name_of
from tas.core.clock import local
from tas.core.days import academic_year
from tas.core.school_calendar import BANK_HOLIDAY, HALF_TERM, OUTSIDE_TERM, WEEKEND, why_closed
from tas.core.words import long_date
from tas.meetings.terms.services import terms_of_years

WHY = {
    WEEKEND: "is at the weekend",
    BANK_HOLIDAY: "is a bank holiday",
    HALF_TERM: "is in the school's half-term holiday",
    OUTSIDE_TERM: "is in the school holidays (outside term time)",
}


def closed_words(day: date, reason: str) -> str:
    """Saturday 12 December 2026 is at the weekend; Friday 25 December 2026 is a bank holiday
    (Christmas Day)."""
    words = f"{day:%A} {long_date(day)} {WHY[reason]}"
    holiday = name_of(day) if reason == BANK_HOLIDAY else None
    return f"{words} ({holiday})" if holiday else words


def closed_on(starts_at: datetime) -> str | None:
    """Why the school is closed on the local day a meeting starts, in words, or None when it is
    open (one query: that academic year's terms)."""
    day = local(starts_at).date()
    year = academic_year(day)
    reason = why_closed(day, terms_of_years(year, year), ENGLAND_AND_WALES)
    return None if reason is None else closed_words(day, reason)
