"""England and Wales bank holidays, from the `holidays` package (its data ships with it, so no
network is needed). Working-day and school-day rules take these as their `holidays`."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _in_year(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


class EnglandAndWales:
    """`day in ENGLAND_AND_WALES` is True on a bank holiday (substitute days included)."""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day in _in_year(day.year)


ENGLAND_AND_WALES = EnglandAndWales()


def name_of(day: date) -> str | None:
    """The bank holiday's name ("Christmas Day"), or None on any other day."""
    return _names(day.year).get(day)


@lru_cache(maxsize=32)
def _names(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))
