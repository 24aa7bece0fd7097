"""Times read the GOV.UK way, in London time: 9:05am, 5:30pm, midday, midnight."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tas.core.words import local_datetime


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
