"""School days: weekdays that are neither bank holidays nor school holidays. Pure: the terms
(coordinator-entered term dates) and the bank holidays are arguments."""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from tas.core.days import academic_year

WEEKEND = "Weekend"
BANK_HOLIDAY = "Bank holiday"
HALF_TERM = "Half-term holiday"
OUTSIDE_TERM = "School holiday (outside term time)"


@dataclass(frozen=True)
class TermDates:
    """One term's dates, as the rules need them (a Term row has the same attributes)."""

    academic_year: int
    name: str
    starts_on: date
    ends_on: date
    half_term_starts_on: date | None = None
    half_term_ends_on: date | None = None

    @classmethod
    def of(cls, term) -> TermDates:
        return cls(
            term.academic_year,
            term.name,
            term.starts_on,
            term.ends_on,
            term.half_term_starts_on,
            term.half_term_ends_on,
        )

    def spans(self, day: date) -> bool:
        """The day is between the term's first and last day (half-term included)."""
        return self.starts_on <= day <= self.ends_on

    def in_half_term(self, day: date) -> bool:
        if self.half_term_starts_on is None or self.half_term_ends_on is None:
            return False
        return self.half_term_starts_on <= day <= self.half_term_ends_on


def term_dates_known(day: date, terms: Iterable) -> bool:
    """Term dates were entered for the academic year the day falls in."""
    year = academic_year(day)
    return any(term.academic_year == year for term in terms)


def why_closed(day: date, terms: Sequence, holidays: Container[date]) -> str | None:
    """Why the school is closed that day (WEEKEND, BANK_HOLIDAY, HALF_TERM or OUTSIDE_TERM), or
    None when it is open. Outside term counts only in an academic year whose term dates are
    known: without them, only weekends and bank holidays are known."""
    if day.weekday() >= 5:
        return WEEKEND
    if day in holidays:
        return BANK_HOLIDAY
    spanning = [term for term in terms if term.starts_on <= day <= term.ends_on]
    if spanning:
        if all(TermDates.of(term).in_half_term(day) for term in spanning):
            return HALF_TERM
        return None
    return OUTSIDE_TERM if term_dates_known(day, terms) else None


@dataclass(frozen=True)
class SchoolClosures:
    """`day in closures` is True on a bank holiday, or outside term in an academic year whose
    term dates are known. Where no term dates were entered for a year, only bank holidays count
    (better a deadline a few days early than one that silently drifts into a holiday)."""

    bank_holidays: Container[date]
    terms: tuple[tuple[date, date], ...]

    @classmethod
    def of(cls, bank_holidays: Container[date], terms: Iterable[tuple[date, date]]):
        return cls(bank_holidays, tuple(sorted(terms)))

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        if day in self.bank_holidays:
            return True
        year = academic_year(day)
        known = [t for t in self.terms if academic_year(t[0]) == year]
        return bool(known) and not any(start <= day <= end for start, end in known)
