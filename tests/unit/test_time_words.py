"""Times read the GOV.UK way, in London time: 9:05am, 5:30pm, midday, midnight."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tas.core.words import local_datetime, meeting_times


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2026, 12, 2, 9, 5, tzinfo=UTC), "2 December 2026 at 9:05am"),
        (datetime(2026, 12, 2, 17, 30, tzinfo=UTC), "2 December 2026 at 5:30pm"),
        (datetime(2026, 12, 2, 12, 0, tzinfo=UTC), "2 December 2026 at midday"),
        (datetime(2026, 12, 2, 0, 0, tzinfo=UTC), "2 December 2026 at midnight"),
        # British Summer Time: 23:00 UTC is midnight in London, the next day.
        (datetime(2026, 6, 1, 23, 0, tzinfo=UTC), "2 June 2026 at midnight"),
        (datetime(2026, 6, 1, 11, 0, tzinfo=UTC), "1 June 2026 at midday"),
    ],
)
def test_times_read_as_people_in_england_say_them(moment, words):
    assert local_datetime(moment) == words


@pytest.mark.parametrize(
    ("starts", "ends", "words"),
    [
        # 31 October 2027: the clocks go back at 2am BST, so 1am to 2am happens twice.
        (
            datetime(2027, 10, 31, 0, 45, tzinfo=UTC),
            datetime(2027, 10, 31, 1, 15, tzinfo=UTC),
            "1:45am BST to 1:15am GMT",
        ),
        (
            datetime(2027, 10, 31, 1, 15, tzinfo=UTC),
            datetime(2027, 10, 31, 1, 45, tzinfo=UTC),
            "1:15am GMT to 1:45am GMT",
        ),
        # The same day's morning meeting, and a summer one: the usual words, no zone.
        (
            datetime(2027, 10, 31, 10, 0, tzinfo=UTC),
            datetime(2027, 10, 31, 11, 30, tzinfo=UTC),
            "10:00am to 11:30am",
        ),
        (
            datetime(2027, 6, 2, 8, 0, tzinfo=UTC),
            datetime(2027, 6, 2, 9, 30, tzinfo=UTC),
            "9:00am to 10:30am",
        ),
    ],
)
def test_a_time_the_clocks_show_twice_says_which(starts, ends, words):
    assert meeting_times(starts, ends) == words
