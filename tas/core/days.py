"""Counting days as the partnership does. Pure: no Flask, no database; the days that are closed
(bank holidays, and for school days the school holidays too) are an argument.

Working days skip weekends and England and Wales bank holidays (tas.core.bank_holidays): GP
notifications, reviews and reminders count in them. School days are the same count with the
school holidays closed as well. The English academic year starts on 1 September.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta
from functools import lru_cache


def academic_year(day: date) -> int:
    """The calendar year in which the academic year holding `day` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def is_working_day(day: date, closed: Container[date] = ()) -> bool:
    return day.weekday() < 5 and day not in closed


def add_working_days(start: date, days: int, closed: Container[date] = ()) -> date:
    """The day `days` working days after `start` (`start` itself need not be one). With the
    school holidays in `closed`, school days."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, closed):
            counted += 1
    return day


def next_working_day(day: date, closed: Container[date] = ()) -> date:
    """The day itself when it is a working day, else the next one."""
    while not is_working_day(day, closed):
        day += timedelta(days=1)
    return day


def subtract_working_days(start: date, days: int, holidays: Container[date] = ()) -> date:
    """The working day `days` working days before `start`."""
    day = start
    counted = 0
    while counted < days:
        day -= timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def previous_working_day(day: date, holidays: Container[date] = ()) -> date:
    """The day itself when it is a working day, else the working day before it."""
    while not is_working_day(day, holidays):
        day -= timedelta(days=1)
    return day


@lru_cache(maxsize=256)  # asked once for each of thousands of plans, with the same day
def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)
