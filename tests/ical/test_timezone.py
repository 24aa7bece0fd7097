"""The Europe/London VTIMEZONE every calendar carries, read by two independent consumers
(icalendar's own conversion and vobject's tzinfo), gives the tz database's UTC offset at every
half hour from 2026 to 2030, both ways: a UTC instant to London, and a London wall-clock time
(not shown twice or never) to UTC. The 01:00 UTC changes are where an RDATE-only zone starting
summer time at 02:00 local went wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from tas.ical.build import calendar, london, meeting_event, to_bytes
from tests.ical.test_build import meeting

LONDON = ZoneInfo("Europe/London")
FIRST, LAST = datetime(2026, 1, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC)
STEP = timedelta(minutes=30)


def instants():
    moment = FIRST
    while moment < LAST:
        yield moment
        moment += STEP


def consumers():
    raw = to_bytes(calendar([meeting_event(meeting())], method="REQUEST", uid="tz"))
    assert raw.count(b"BEGIN:VTIMEZONE") == 1
    theirs = vobject.readOne(raw.decode("utf-8")).vtimezone.gettzinfo()
    ours = Calendar.from_ical(raw).timezones[0].to_tz()
    return {"icalendar": ours, "vobject": theirs}


@pytest.mark.parametrize("consumer", ["icalendar", "vobject"])
def test_every_half_hour_2026_to_2030_has_the_tz_databases_offset(consumer):
    """Each instant as London shows it (the second 01:30 of the night the clocks go back
    marked as such, fold=1): the consumer's zone gives it the tz database's offset."""
    zone = consumers()[consumer]
    wrong = []
    for moment in instants():
        wall = moment.astimezone(LONDON)
        if wall.replace(tzinfo=zone).utcoffset() != wall.utcoffset():
            wrong.append(moment)
    assert wrong == [], wrong[:4]


def test_every_half_hour_2026_to_2030_converts_from_utc_as_the_tz_database_does():
    """UTC to London through icalendar's zone (vobject's, much slower at this, is checked
    around each change below)."""
    zone = consumers()["icalendar"]
    wrong = [
        moment
        for moment in instants()
        if moment.astimezone(zone).utcoffset() != moment.astimezone(LONDON).utcoffset()
        or moment.astimezone(zone).replace(tzinfo=None)
        != moment.astimezone(LONDON).replace(tzinfo=None)
    ]
    assert wrong == [], wrong[:4]


@pytest.mark.parametrize("consumer", ["icalendar", "vobject"])
def test_the_changes_are_at_one_in_the_morning_utc_on_the_last_sundays(consumer):
    zone = consumers()[consumer]
    changes = [(2026, 29, 25), (2027, 28, 31), (2028, 26, 29), (2029, 25, 28), (2030, 31, 27)]
    for year, march, october in changes:
        for change in (
            datetime(year, 3, march, 1, tzinfo=UTC),
            datetime(year, 10, october, 1, tzinfo=UTC),
        ):
            for steps in range(-8, 8):  # four hours either side, from UTC
                moment = change + steps * STEP
                assert moment.astimezone(zone).utcoffset() == moment.astimezone(LONDON).utcoffset()


def test_the_zone_is_two_yearly_rules_and_no_dates():
    raw = london().to_ical()
    assert b"RDATE" not in raw
    assert b"DTSTART:19700329T010000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in raw
    assert b"DTSTART:19701025T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" in raw
