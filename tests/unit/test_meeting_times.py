"""Local meeting times (Europe/London) to UTC across the clock changes (docs/security.md I41)."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tas.core import times
from tas.core.words import clock, long_date

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("09:30", time(9, 30)),
        ("9:30", time(9, 30)),
        (" 9.30 ", time(9, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("24:00", None),
        ("9:60", None),
        ("930", None),
        ("9:3", None),
        ("nine", None),
        ("", None),
        (None, None),
        ("-1:30", None),
        ("09:30:00", None),
    ],
)
def test_a_24_hour_clock_time_is_read_as_typed(typed, expected):
    assert times.parse_clock(typed) == expected


@pytest.mark.parametrize(
    ("day", "wanted", "utc"),
    [
        # GMT in winter, BST in summer: 09:00 local either side of the clock changes.
        (date(2026, 12, 2), time(9, 0), datetime(2026, 12, 2, 9, 0, tzinfo=UTC)),
        (date(2026, 7, 1), time(9, 0), datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),
        (date(2026, 10, 19), time(9, 0), datetime(2026, 10, 19, 8, 0, tzinfo=UTC)),
        (date(2026, 10, 26), time(9, 0), datetime(2026, 10, 26, 9, 0, tzinfo=UTC)),
        (date(2027, 3, 22), time(9, 0), datetime(2027, 3, 22, 9, 0, tzinfo=UTC)),
        (date(2027, 3, 29), time(9, 0), datetime(2027, 3, 29, 8, 0, tzinfo=UTC)),
        # On the change days themselves, away from the hour that changes.
        (date(2026, 3, 29), time(0, 59), datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
        (date(2026, 3, 29), time(2, 0), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        (date(2026, 10, 25), time(0, 59), datetime(2026, 10, 24, 23, 59, tzinfo=UTC)),
        (date(2026, 10, 25), time(2, 0), datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
        (date(2028, 2, 29), time(13, 15), datetime(2028, 2, 29, 13, 15, tzinfo=UTC)),
    ],
)
def test_an_ordinary_local_time_has_one_utc_moment(day, wanted, utc):
    assert times.to_utc(day, wanted, LONDON) == utc
    assert times.readings(day, wanted, LONDON) is None


@pytest.mark.parametrize(
    ("day", "wanted", "message"),
    [
        (
            date(2026, 3, 29),
            time(1, 30),
            "01:30 does not exist on 29 March 2026 because the clocks go forward at 01:00. "
            "Enter a time before 01:00 or from 02:00",
        ),
        (
            date(2026, 3, 29),
            time(1, 0),
            "01:00 does not exist on 29 March 2026 because the clocks go forward at 01:00. "
            "Enter a time before 01:00 or from 02:00",
        ),
        (
            date(2027, 3, 28),
            time(1, 59),
            "01:59 does not exist on 28 March 2027 because the clocks go forward at 01:00. "
            "Enter a time before 01:00 or from 02:00",
        ),
    ],
)
def test_a_time_the_spring_clock_change_skips_is_refused_with_a_clear_message(day, wanted, message):
    with pytest.raises(times.MissingTime) as refused:
        times.to_utc(day, wanted, LONDON, fold=0)
    assert refused.value.message == message
    assert (refused.value.gap_starts, refused.value.gap_ends) == (time(1, 0), time(2, 0))


@pytest.mark.parametrize(
    ("day", "wanted", "first", "second"),
    [
        (
            date(2026, 10, 25),
            time(1, 30),
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        ),
        (
            date(2026, 10, 25),
            time(1, 0),
            datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
        ),
        (
            date(2027, 10, 31),
            time(1, 59),
            datetime(2027, 10, 31, 0, 59, tzinfo=UTC),
            datetime(2027, 10, 31, 1, 59, tzinfo=UTC),
        ),
    ],
)
def test_a_time_the_autumn_clock_change_repeats_asks_which_is_meant(day, wanted, first, second):
    with pytest.raises(times.AmbiguousTime) as asked:
        times.to_utc(day, wanted, LONDON)
    shown = clock(wanted)
    assert asked.value.message == (
        f"{shown} happens twice on {long_date(day)} because the clocks go back. "
        f"Select which {shown} you mean"
    )
    assert [(r.fold, r.at, r.label) for r in asked.value.readings] == [
        (0, first, f"{shown} BST, the first time"),
        (1, second, f"{shown} GMT, the second time"),
    ]
    assert times.to_utc(day, wanted, LONDON, fold=0) == first
    assert times.to_utc(day, wanted, LONDON, fold=1) == second


@pytest.mark.parametrize(
    ("moment", "parts"),
    [
        (datetime(2026, 12, 2, 9, 0, tzinfo=UTC), (date(2026, 12, 2), "09:00", 0)),
        (datetime(2026, 7, 1, 8, 0, tzinfo=UTC), (date(2026, 7, 1), "09:00", 0)),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), (date(2026, 10, 25), "01:30", 0)),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), (date(2026, 10, 25), "01:30", 1)),
        (datetime(2026, 12, 2, 23, 30, tzinfo=UTC), (date(2026, 12, 2), "23:30", 0)),
        (datetime(2026, 7, 1, 23, 30, tzinfo=UTC), (date(2026, 7, 2), "00:30", 0)),
    ],
)
def test_a_stored_moment_goes_back_into_the_form_as_it_was_chosen(moment, parts):
    assert times.local_parts(moment, LONDON) == parts
    day, shown, fold = parts
    assert times.to_utc(day, times.parse_clock(shown), LONDON, fold=fold) == moment
