"""School days: weekdays that are neither bank holidays nor school holidays. Pure: the terms
(coordinator-entered term dates) and the bank holidays are arguments."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date


def academic_year(day: date) -> int:
    """The academic year a day falls in, by its first calendar year (Sept to Aug)."""
    return day.year if day.month >= 9 else day.year - 1


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
