"""The usual dates of an English school year, worked out from the calendar: the demo's term
dates for the current academic year, entered by the coordinator (whose to change they are)."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from sqlalchemy import select

from tas.extensions import db
from tas.meetings.models import Term
from tas.meetings.terms import services as terms
from tas.organisations.models import User


def _weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


MONDAY, THURSDAY, FRIDAY = 0, 3, 4


def term_dates(year: int) -> list[tuple[str, date, date, date, date]]:
    """The usual shape of an English school year starting in September of `year`: (term,
    first day, last day, half term's first and last day).

    Autumn from the first Thursday on or after 2 September to the last Friday on or before
    20 December, half term the last full week of October; spring from the first Monday on or
    after 4 January to the Friday before the week before Easter, half term the week of the
    Monday between 12 and 18 February; summer from the Monday after Easter week to 22 July (or
    the Friday before it), half term the week of the late May bank holiday.
    """
    nxt = year + 1
    easter_monday = next(
        day
        for day, name in holidays.country_holidays("GB", subdiv="ENG", years=nxt).items()
        if name == "Easter Monday"
    )
    summer_end = date(nxt, 7, 22)
    if summer_end.weekday() >= 5:
        summer_end = _weekday_on_or_before(summer_end, FRIDAY)
    autumn_half = _weekday_on_or_before(date(year, 10, 27), MONDAY)
    spring_half = _weekday_on_or_before(date(nxt, 2, 18), MONDAY)
    summer_half = _weekday_on_or_before(date(nxt, 5, 31), MONDAY)
    week = timedelta(days=4)
    return [
        (
            "autumn",
            _weekday_on_or_after(date(year, 9, 2), THURSDAY),
            _weekday_on_or_before(date(year, 12, 20), FRIDAY),
            autumn_half,
            autumn_half + week,
        ),
        (
            "spring",
            _weekday_on_or_after(date(nxt, 1, 4), MONDAY),
            easter_monday - timedelta(days=10),
            spring_half,
            spring_half + week,
        ),
        (
            "summer",
            easter_monday + timedelta(days=7),
            summer_end,
            summer_half,
            summer_half + week,
        ),
    ]


def add_terms(year: int, coordinator: User) -> None:
    known = set(db.session.scalars(select(Term.name).where(Term.academic_year == year)))
    for name, starts, ends, half_starts, half_ends in term_dates(year):
        if name not in known:
            terms.add_term(
                coordinator,
                {
                    "academic_year": year,
                    "name": name,
                    "starts_on": starts,
                    "ends_on": ends,
                    "half_term_starts_on": half_starts,
                    "half_term_ends_on": half_ends,
                },
            )
